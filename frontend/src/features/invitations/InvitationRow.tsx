import { useTranslation } from "react-i18next";
import { ErrorAlert } from "../../shared/ErrorAlert";
import { formatDateTime } from "../../shared/formatDate";
import { useConfirm, type ConfirmQuestion } from "../../shared/Confirm";
import { useAction } from "../../shared/useAction";
import { useStepUp } from "../auth/StepUp";
import { resendInvitation, revokeInvitation, type Invitation } from "./api";

export function InvitationRow({
  invitation,
  organizationName,
  onChanged,
}: {
  invitation: Invitation;
  organizationName: string;
  /** After a change: what happened, for the page's status region. */
  onChanged: (message: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const stepUp = useStepUp();
  const confirm = useConfirm();
  const { busy, error, run } = useAction();
  const pending = invitation.status === "pending";

  const email = { email: invitation.email };
  const act = (action: () => Promise<unknown>, done: string, question?: ConfirmQuestion) =>
    void run(async () => {
      if (question) await confirm(question);
      await stepUp(action);
      onChanged(done);
    });

  return (
    <tr>
      <td>
        {invitation.email}
        <ErrorAlert error={error} />
      </td>
      <td>{organizationName}</td>
      <td>
        {t(`roles.${invitation.role}`)}
        {invitation.platform_role === "coordinator" ? `, ${t("roles.coordinator")}` : ""}
      </td>
      <td>
        <span className={`status status--${invitation.status}`} data-state={invitation.status}>
          {t(`admin.invitations.status.${invitation.status}`)}
        </span>
      </td>
      <td>{formatDateTime(invitation.expires_at, i18n.language)}</td>
      <td>
        <div className="actions">
          {pending ? (
            <>
              <button
                type="button"
                className="button"
                disabled={busy}
                onClick={() => act(() => resendInvitation(invitation.id), t("admin.invitations.resent", email))}
                aria-label={t("admin.invitations.resendTo", { email: invitation.email })}
              >
                {t("admin.invitations.resend")}
              </button>
              <button
                type="button"
                className="button button--danger"
                disabled={busy}
                onClick={() =>
                  act(() => revokeInvitation(invitation.id), t("admin.invitations.revoked", email), {
                    title: t("admin.invitations.revokeConfirm", email),
                    confirmLabel: t("admin.invitations.revoke"),
                    danger: true,
                  })
                }
                aria-label={t("admin.invitations.revokeFor", { email: invitation.email })}
              >
                {t("admin.invitations.revoke")}
              </button>
            </>
          ) : null}
        </div>
      </td>
    </tr>
  );
}
