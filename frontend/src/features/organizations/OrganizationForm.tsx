import { useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { isCountryCode } from "../../shared/countries";
import { CountrySelect } from "../../shared/CountrySelect";
import { ErrorAlert } from "../../shared/ErrorAlert";
import { TextArea } from "../../shared/TextArea";
import { TextField } from "../../shared/TextField";
import { useAction } from "../../shared/useAction";
import type { Organization, OrganizationInput } from "./api";

const blankToNull = (value: string) => (value.trim() === "" ? null : value.trim());

/** Create or edit an organization. `onSave` resolves when saved; the form then resets (create). */
export function OrganizationForm({
  initial,
  submitLabel,
  onSave,
}: {
  initial?: Organization;
  submitLabel: string;
  onSave: (input: OrganizationInput) => Promise<unknown>;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState(initial?.name ?? "");
  const [shortName, setShortName] = useState(initial?.short_name ?? "");
  const [country, setCountry] = useState(initial?.country ?? "");
  const [description, setDescription] = useState(initial?.description ?? "");
  const [contact, setContact] = useState(initial?.contact ?? "");
  const { busy, error, run } = useAction();

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    void run(async () => {
      await onSave({
        name: name.trim(),
        short_name: shortName.trim(),
        country: isCountryCode(country) ? country : null,
        description: blankToNull(description),
        contact: blankToNull(contact),
      });
      if (!initial) {
        setName("");
        setShortName("");
        setCountry("");
        setDescription("");
        setContact("");
      }
    });
  };

  return (
    <form onSubmit={submit} className="form">
      <div className="form__row">
        <TextField label={t("admin.organizations.name")} value={name} onChange={setName} required maxLength={200} />
        <TextField
          label={t("admin.organizations.shortName")}
          value={shortName}
          onChange={setShortName}
          required
          maxLength={50}
        />
      </div>
      <CountrySelect value={country} onChange={setCountry} />
      <TextArea
        label={t("admin.organizations.description")}
        value={description}
        onChange={setDescription}
        maxLength={5000}
      />
      <TextArea
        label={t("admin.organizations.contact")}
        hint={t("admin.organizations.contactHint")}
        value={contact}
        onChange={setContact}
        maxLength={2000}
      />
      <ErrorAlert error={error} />
      <button type="submit" className="button button--primary" disabled={busy || !name.trim() || !shortName.trim()}>
        {busy ? t("common.working") : submitLabel}
      </button>
    </form>
  );
}
