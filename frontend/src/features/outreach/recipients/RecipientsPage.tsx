import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { PageTitle } from "../../../shell/PageTitle";
import { useAuth } from "../../auth/AuthContext";
import { RequireStep } from "../../auth/guards";
import { CountrySelect } from "../../../shared/CountrySelect";
import { useConfirm } from "../../../shared/Confirm";
import { Notice } from "../../../shared/Notice";
import { TextField } from "../../../shared/TextField";
import { useAction } from "../../../shared/useAction";
import { useLoad } from "../../../shared/useLoad";
import {
  archiveRecipient,
  KINDS,
  listGroups,
  listRecipients,
  restoreRecipient,
  type Recipient,
  type RecipientFilters,
} from "./api";
import { GroupsSection } from "./GroupsSection";
import { ImportSection } from "./ImportSection";
import { RecipientErrorAlert } from "./RecipientError";
import { RecipientForm } from "./RecipientForm";

/** The recipients registry: coordinators only; anyone else is told so (the API refuses too). */
export function RecipientsPage() {
  const { t } = useTranslation();
  const { state } = useAuth();
  const coordinator = state.status === "signed_in" && state.session.user.platform_roles.includes("coordinator");
  return (
    <RequireStep step="full">
      <PageTitle page={t("outreachRecipients.title")} />
      {coordinator ? (
        <Registry />
      ) : (
        <section className="page" aria-labelledby="page-heading">
          <h1 id="page-heading">{t("auth.forbidden.title")}</h1>
          <p>{t("outreachRecipients.coordinatorsOnly")}</p>
        </section>
      )}
    </RequireStep>
  );
}

/** Governments and officials, saved groups, CSV import. */
function Registry() {
  const { t } = useTranslation();
  const confirm = useConfirm();
  const kindId = useId();
  const groupId = useId();
  const stateId = useId();
  const [filters, setFilters] = useState<RecipientFilters>({ state: "active" });
  const [form, setForm] = useState<Recipient | "new" | null>(null);
  const list = useLoad(() => listRecipients(filters), [JSON.stringify(filters)]);
  const everyone = useLoad(() => listRecipients({ state: "active" }));
  const groups = useLoad(listGroups);
  const action = useAction();
  const set = (key: keyof RecipientFilters) => (value: string) => setFilters((f) => ({ ...f, [key]: value }));
  const reloadAll = () => {
    list.reload();
    everyone.reload();
    groups.reload();
  };

  async function archive(recipient: Recipient) {
    const done = await action.run(
      async () => {
        await confirm({
          title: t("outreachRecipients.list.archiveQuestion", { name: recipient.name }),
          body: t("outreachRecipients.list.archiveBody"),
          confirmLabel: t("outreachRecipients.list.archive"),
          danger: true,
        });
        return archiveRecipient(recipient.id);
      },
      t("outreachRecipients.list.archivedNotice", { name: recipient.name }),
    );
    if (done) reloadAll();
  }

  async function restore(recipient: Recipient) {
    const done = await action.run(
      () => restoreRecipient(recipient.id),
      t("outreachRecipients.list.restoredNotice", { name: recipient.name }),
    );
    if (done) reloadAll();
  }

  const items = list.data?.items ?? [];
  const groupName = new Map((groups.data?.items ?? []).map((g) => [g.id, g.name]));
  return (
    <div className="page" data-testid="recipients-page">
      <h1>{t("outreachRecipients.title")}</h1>
      <p className="muted">{t("outreachRecipients.intro")}</p>
      <Notice>{action.notice}</Notice>
      <RecipientErrorAlert error={action.error} />

      {form ? (
        <RecipientForm
          key={form === "new" ? "new" : form.id}
          recipient={form === "new" ? null : form}
          onCancel={() => setForm(null)}
          onSaved={(saved) => {
            setForm(null);
            action.setNotice(t("outreachRecipients.form.saved", { name: saved.name }));
            reloadAll();
          }}
        />
      ) : (
        <div className="actions">
          <button type="button" className="button button--primary" onClick={() => setForm("new")}>
            {t("outreachRecipients.form.addTitle")}
          </button>
        </div>
      )}

      <section className="card" aria-labelledby="recipients-list">
        <h2 id="recipients-list" className="card__title">
          {t("outreachRecipients.list.title")}
        </h2>
        <form
          role="search"
          onSubmit={(event) => event.preventDefault()}
          aria-label={t("outreachRecipients.list.filters")}
        >
          <TextField
            label={t("outreachRecipients.list.search")}
            type="search"
            value={filters.q ?? ""}
            onChange={set("q")}
            maxLength={200}
          />
          <div className="field">
            <label htmlFor={kindId}>{t("outreachRecipients.fields.kind")}</label>
            <select id={kindId} value={filters.kind ?? ""} onChange={(e) => set("kind")(e.target.value)}>
              <option value="">{t("outreachRecipients.list.anyKind")}</option>
              {KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {t(`outreachRecipients.kinds.${kind}`)}
                </option>
              ))}
            </select>
          </div>
          <CountrySelect
            value={filters.country ?? ""}
            onChange={set("country")}
            label={t("outreachRecipients.fields.country")}
          />
          <TextField
            label={t("outreachRecipients.list.tag")}
            value={filters.tag ?? ""}
            onChange={set("tag")}
            maxLength={50}
          />
          <div className="field">
            <label htmlFor={groupId}>{t("outreachRecipients.list.group")}</label>
            <select id={groupId} value={filters.group_id ?? ""} onChange={(e) => set("group_id")(e.target.value)}>
              <option value="">{t("outreachRecipients.list.anyGroup")}</option>
              {(groups.data?.items ?? []).map((group) => (
                <option key={group.id} value={group.id}>
                  {group.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={stateId}>{t("outreachRecipients.list.state")}</label>
            <select id={stateId} value={filters.state ?? "active"} onChange={(e) => set("state")(e.target.value)}>
              <option value="active">{t("outreachRecipients.list.stateActive")}</option>
              <option value="archived">{t("outreachRecipients.list.stateArchived")}</option>
              <option value="all">{t("outreachRecipients.list.stateAll")}</option>
            </select>
          </div>
        </form>
        <RecipientErrorAlert error={list.error} />
        <p role="status" className="muted">
          {list.data ? t("outreachRecipients.list.count", { count: list.data.total }) : t("common.loading")}
        </p>
        <ul className="items" data-testid="recipients">
          {items.map((recipient) => (
            <li key={recipient.id} data-testid="recipient">
              <strong className="wrap-anywhere">{recipient.name}</strong>{" "}
              <span className="muted">
                {[t(`outreachRecipients.kinds.${recipient.kind}`), recipient.country, recipient.language]
                  .filter(Boolean)
                  .join(" · ")}
                {recipient.archived ? ` · ${t("outreachRecipients.list.archived")}` : ""}
              </span>
              <p className="wrap-anywhere recipients-addressee">{recipient.addressee}</p>
              {recipient.tags.length || recipient.group_ids.length ? (
                <p className="muted wrap-anywhere">
                  {[
                    ...recipient.tags.map((tag) => `#${tag}`),
                    ...recipient.group_ids.map((id) => groupName.get(id) ?? ""),
                  ]
                    .filter(Boolean)
                    .join(" · ")}
                </p>
              ) : null}
              <div className="actions">
                <button type="button" className="button" onClick={() => setForm(recipient)}>
                  {t("outreachRecipients.list.edit")}
                </button>
                {recipient.archived ? (
                  <button type="button" className="button" onClick={() => void restore(recipient)}>
                    {t("outreachRecipients.list.restore")}
                  </button>
                ) : (
                  <button type="button" className="button button--danger" onClick={() => void archive(recipient)}>
                    {t("outreachRecipients.list.archive")}
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      </section>

      <GroupsSection groups={groups.data?.items ?? []} recipients={everyone.data?.items ?? []} onChanged={reloadAll} />
      <ImportSection onImported={reloadAll} />
    </div>
  );
}
