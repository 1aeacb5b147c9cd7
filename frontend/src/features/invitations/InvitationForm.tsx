import { useId, useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { LANGUAGES, isSupportedLanguage } from "../../i18n/languages";
import { ErrorAlert } from "../../shared/ErrorAlert";
import { TextField } from "../../shared/TextField";
import { useAction } from "../../shared/useAction";
import type { OrgRole } from "../memberships/api";
import { ORG_ROLES } from "../memberships/MemberRow";
import type { Organization } from "../organizations/api";
import type { Invitation, InvitationInput, Language } from "./api";

export function InvitationForm({
  organizations,
  initialOrganization,
  onInvite,
}: {
  organizations: Organization[];
  initialOrganization?: string;
  onInvite: (input: InvitationInput) => Promise<Invitation>;
}) {
  const { t, i18n } = useTranslation();
  const ids = { org: useId(), role: useId(), language: useId(), coordinator: useId() };
  const [email, setEmail] = useState("");
  const [organization, setOrganization] = useState(initialOrganization ?? organizations[0]?.id ?? "");
  const [role, setRole] = useState<OrgRole>("member");
  const [coordinator, setCoordinator] = useState(false);
  const [language, setLanguage] = useState<Language>(isSupportedLanguage(i18n.language) ? i18n.language : "en");
  const { busy, error, run } = useAction();

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const input: InvitationInput = { email: email.trim(), organization_id: organization, role, language };
    if (coordinator) input.platform_role = "coordinator";
    void run(async () => {
      await onInvite(input);
      setEmail("");
      setCoordinator(false);
    });
  };

  return (
    <form onSubmit={submit} className="form">
      <TextField
        label={t("admin.invitations.email")}
        type="email"
        value={email}
        onChange={setEmail}
        required
        maxLength={320}
        autoComplete="off"
      />
      <div className="form__row">
        <div className="field">
          <label htmlFor={ids.org}>{t("admin.invitations.organization")}</label>
          <select id={ids.org} value={organization} onChange={(e) => setOrganization(e.target.value)} required>
            {organizations.map((org) => (
              <option key={org.id} value={org.id}>
                {org.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.role}>{t("admin.invitations.role")}</label>
          <select id={ids.role} value={role} onChange={(e) => setRole(e.target.value as OrgRole)}>
            {ORG_ROLES.map((value) => (
              <option key={value} value={value}>
                {t(`roles.${value}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.language}>{t("admin.invitations.language")}</label>
          <select
            id={ids.language}
            value={language}
            onChange={(e) => isSupportedLanguage(e.target.value) && setLanguage(e.target.value)}
          >
            {LANGUAGES.map(({ code, name }) => (
              <option key={code} value={code} lang={code}>
                {name}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="checkbox">
        <input
          id={ids.coordinator}
          type="checkbox"
          checked={coordinator}
          onChange={(e) => setCoordinator(e.target.checked)}
        />
        <label htmlFor={ids.coordinator}>{t("admin.invitations.coordinator")}</label>
      </div>
      <ErrorAlert error={error} />
      <button type="submit" className="button button--primary" disabled={busy || !email.trim() || !organization}>
        {busy ? t("common.working") : t("admin.invitations.send")}
      </button>
    </form>
  );
}
