import { useId } from "react";
import { useTranslation } from "react-i18next";
import { ErrorAlert } from "../../shared/ErrorAlert";
import { useConfirm } from "../../shared/Confirm";
import { useAction } from "../../shared/useAction";
import { useStepUp } from "../auth/StepUp";
import { changeMemberRole, removeMember, type Member, type OrgRole } from "./api";

export const ORG_ROLES: readonly OrgRole[] = ["member", "representative"];

export function MemberRow({
  member,
  onChanged,
  readOnly = false,
}: {
  member: Member;
  readOnly?: boolean;
  /** After a change: what happened, for the section's status region. */
  onChanged: (message: string) => void;
}) {
  const { t } = useTranslation();
  const stepUp = useStepUp();
  const confirm = useConfirm();
  const roleId = useId();
  const { busy, error, run } = useAction();

  const named = { name: member.display_name };

  // A role change ends the member's sessions: said before, and confirmed.
  const changeRole = (role: OrgRole) =>
    void run(async () => {
      const roleNamed = { ...named, role: t(`roles.${role}`) };
      await confirm({
        title: t("admin.members.roleConfirm", roleNamed),
        body: t("admin.members.signedOutNotice", named),
        confirmLabel: t("admin.members.changeRole"),
      });
      await stepUp(() => changeMemberRole(member.id, role));
      onChanged(t("admin.members.roleChanged", roleNamed));
    });
  const remove = () =>
    void run(async () => {
      await confirm({
        title: t("admin.members.removeConfirm", named),
        body: t("admin.members.signedOutNotice", named),
        confirmLabel: t("admin.members.remove"),
        danger: true,
      });
      await stepUp(() => removeMember(member.id));
      onChanged(t("admin.members.removed", named));
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
        {readOnly ? (
          t(`roles.${member.role}`)
        ) : (
          <>
            <label htmlFor={roleId} className="visually-hidden">
              {t("admin.members.roleOf", { name: member.display_name })}
            </label>
            <select
              id={roleId}
              value={member.role}
              disabled={busy}
              onChange={(e) => changeRole(e.target.value as OrgRole)}
            >
              {ORG_ROLES.map((role) => (
                <option key={role} value={role}>
                  {t(`roles.${role}`)}
                </option>
              ))}
            </select>
          </>
        )}
      </td>
      <td>{member.user_status === "suspended" ? t("admin.users.status.suspended") : t("admin.users.status.active")}</td>
      {readOnly ? null : (
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
      )}
    </tr>
  );
}
