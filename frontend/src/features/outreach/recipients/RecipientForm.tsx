import { useId, useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { CountrySelect } from "../../../shared/CountrySelect";
import { TextArea } from "../../../shared/TextArea";
import { TextField } from "../../../shared/TextField";
import { useAction } from "../../../shared/useAction";
import {
  createRecipient,
  KINDS,
  updateRecipient,
  type Recipient,
  type RecipientInput,
  type RecipientKind,
} from "./api";
import { RecipientErrorAlert } from "./RecipientError";

interface Draft {
  kind: RecipientKind;
  country: string;
  language: string;
  name: string;
  addressee: string;
  salutation: string;
  email: string;
  postal_address: string;
  tags: string;
}

function draftOf(recipient: Recipient | null): Draft {
  return {
    kind: recipient?.kind ?? "government",
    country: recipient?.country ?? "",
    language: recipient?.language ?? "en",
    name: recipient?.name ?? "",
    addressee: recipient?.addressee ?? "",
    salutation: recipient?.salutation ?? "",
    email: recipient?.email ?? "",
    postal_address: recipient?.postal_address ?? "",
    tags: recipient?.tags.join("; ") ?? "",
  };
}

function inputOf(draft: Draft): RecipientInput {
  const optional = (value: string) => (value.trim() ? value : null);
  return {
    kind: draft.kind,
    country: (optional(draft.country) as RecipientInput["country"]) ?? null,
    language: draft.language,
    name: draft.name,
    addressee: draft.addressee,
    salutation: optional(draft.salutation),
    email: optional(draft.email),
    postal_address: optional(draft.postal_address),
    tags: draft.tags
      .split(";")
      .map((tag) => tag.trim())
      .filter(Boolean),
  };
}

/** Add a recipient, or edit one (sent with the version read: someone else's change is not overwritten). */
export function RecipientForm({
  recipient,
  onSaved,
  onCancel,
}: {
  recipient: Recipient | null;
  onSaved: (saved: Recipient) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const kindId = useId();
  const headingId = useId();
  const [draft, setDraft] = useState<Draft>(() => draftOf(recipient));
  const action = useAction();
  const set = (field: keyof Draft) => (value: string) => setDraft((d) => ({ ...d, [field]: value }));

  async function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const body = inputOf(draft);
    const saved = await action.run(() => (recipient ? updateRecipient(recipient, body) : createRecipient(body)));
    if (saved) onSaved(saved);
  }

  return (
    <form
      className="card"
      aria-labelledby={headingId}
      onSubmit={(event) => void submit(event)}
      data-testid="recipient-form"
    >
      <h2 id={headingId} className="card__title">
        {recipient ? t("outreachRecipients.form.editTitle") : t("outreachRecipients.form.addTitle")}
      </h2>
      <div className="field">
        <label htmlFor={kindId}>{t("outreachRecipients.fields.kind")}</label>
        <select id={kindId} value={draft.kind} onChange={(event) => set("kind")(event.target.value)}>
          {KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {t(`outreachRecipients.kinds.${kind}`)}
            </option>
          ))}
        </select>
      </div>
      <CountrySelect
        value={draft.country}
        onChange={set("country")}
        label={t("outreachRecipients.fields.country")}
        hint={t("outreachRecipients.form.countryHint")}
      />
      <TextField
        label={t("outreachRecipients.fields.language")}
        hint={t("outreachRecipients.form.languageHint")}
        value={draft.language}
        onChange={set("language")}
        required
        maxLength={35}
      />
      <TextField
        label={t("outreachRecipients.fields.name")}
        hint={t("outreachRecipients.form.nameHint")}
        value={draft.name}
        onChange={set("name")}
        required
        maxLength={200}
      />
      <TextArea
        label={t("outreachRecipients.fields.addressee")}
        hint={t("outreachRecipients.form.addresseeHint")}
        value={draft.addressee}
        onChange={set("addressee")}
        required
        maxLength={1000}
      />
      <TextField
        label={t("outreachRecipients.fields.salutation")}
        value={draft.salutation}
        onChange={set("salutation")}
        maxLength={200}
      />
      <TextField
        label={t("outreachRecipients.fields.email")}
        type="email"
        value={draft.email}
        onChange={set("email")}
        maxLength={254}
      />
      <TextArea
        label={t("outreachRecipients.fields.postalAddress")}
        value={draft.postal_address}
        onChange={set("postal_address")}
        maxLength={1000}
      />
      <TextField
        label={t("outreachRecipients.fields.tags")}
        hint={t("outreachRecipients.form.tagsHint")}
        value={draft.tags}
        onChange={set("tags")}
      />
      <RecipientErrorAlert error={action.error} />
      <div className="actions">
        <button type="submit" className="button button--primary" disabled={action.busy}>
          {recipient ? t("outreachRecipients.form.save") : t("outreachRecipients.form.add")}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}
