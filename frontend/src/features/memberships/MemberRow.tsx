import { useId } from "react";
import { useTranslation } from "react-i18next";
import { ErrorAlert } from "../../shared/ErrorAlert";
import { useAction } from "../../shared/useAction";
import { useStepUp } from "../auth/StepUp";
import { changeMemberRole, removeMember, type Member, type OrgRole } from "./api";

export const ORG_ROLES: readonly OrgRole[] = ["member", "representative"];

export function MemberRow({ member, onChanged }: { member: Member; onChanged: () => void }) {
  const { t } = useTranslation();
  const stepUp = useStepUp();
  const roleId = useId();
  const { busy, error, run } = useAction();

  const changeRole = (role: OrgRole) =>
    void run(async () => {
      await stepUp(() => changeMemberRole(member.id, role));
      onChanged();
    });
  const remove = () =>
    void run(async () => {
      if (!window.confirm(t("admin.members.removeConfirm", { name: member.display_name }))) return;
      await stepUp(() => removeMember(member.id));
      onChanged();
    });

  return (
    <tr>
      <td>
        {member.display_name}
        <br />
        <span className="muted">{member.email}</span>
        <ErrorAlert error={error} />
      </td>
      <td>
        <label htmlFor={roleId} className="visually-hidden">
          {t("admin.members.roleOf", { name: member.display_name })}
        </label>
        <select id={roleId} value={member.role} disabled={busy} onChange={(e) => changeRole(e.target.value as OrgRole)}>
          {ORG_ROLES.map((role) => (
            <option key={role} value={role}>
              {t(`roles.${role}`)}
            </option>
          ))}
        </select>
      </td>
      <td>{member.user_status === "suspended" ? t("admin.users.status.suspended") : t("admin.users.status.active")}</td>
      <td>
        <button
          type="button"
          className="button button--danger"
          disabled={busy}
          onClick={remove}
          aria-label={t("admin.members.removeNamed", { name: member.display_name })}
        >
          {t("admin.members.remove")}
        </button>
      </td>
    </tr>
  );
}
