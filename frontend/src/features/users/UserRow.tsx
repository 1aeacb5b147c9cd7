import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { ErrorAlert } from "../../shared/ErrorAlert";
import { formatDateTime } from "../../shared/formatDate";
import { useConfirm, type ConfirmQuestion } from "../../shared/Confirm";
import { useAction } from "../../shared/useAction";
import { requestAdminGrant } from "../admin_requests/api";
import { useStepUp } from "../auth/StepUp";
import { endUserSessions, reactivateUser, setCoordinator, suspendUser, unlinkSsoIdentity, type AdminUser } from "./api";

export function UserRow({
  user,
  self,
  organizationNames,
  onChanged,
}: {
  user: AdminUser;
  self: boolean;
  /** Names of the organizations behind the user's memberships, where known. */
  organizationNames?: ReadonlyMap<string, string>;
  onChanged: () => void;
}) {
  const { t, i18n } = useTranslation();
  const stepUp = useStepUp();
  const confirm = useConfirm();
  const { busy, error, run } = useAction();
  const [notice, setNotice] = useState<string | null>(null);
  // Unlinking single sign-on is confirmed in the row itself, not with window.confirm.
  const [confirmingUnlink, setConfirmingUnlink] = useState(false);
  const unlinkButton = useRef<HTMLButtonElement>(null);
  const confirmUnlinkButton = useRef<HTMLButtonElement>(null);
  const focusUnlinkAgain = useRef(false);
  const active = user.status === "active";
  const coordinator = user.platform_roles.includes("coordinator");
  const admin = user.platform_roles.includes("admin");
  const named = { name: user.display_name };

  const act = (action: () => Promise<unknown>, done: string, question?: ConfirmQuestion) =>
    void run(async () => {
      setNotice(null);
      if (question) await confirm(question);
      await stepUp(action);
      setNotice(done);
      onChanged();
    });

  useEffect(() => {
    if (confirmingUnlink) confirmUnlinkButton.current?.focus();
    else if (focusUnlinkAgain.current) unlinkButton.current?.focus();
    focusUnlinkAgain.current = false;
  }, [confirmingUnlink]);

  const cancelUnlink = () => {
    focusUnlinkAgain.current = true;
    setConfirmingUnlink(false);
  };
  const unlink = () => {
    setConfirmingUnlink(false);
    act(() => unlinkSsoIdentity(user.id), t("admin.users.ssoUnlinked", named));
  };
  const confirmId = `unlink-sso-${user.id}`;

  const roles = [
    ...user.platform_roles.map((role) => t(`roles.${role}`)),
    ...user.memberships.map((membership) =>
      t("admin.users.membership", {
        organization: organizationNames?.get(membership.organization_id) ?? t("admin.users.someOrganization"),
        role: t(`roles.${membership.role}`),
      }),
    ),
    ...(user.sso_linked ? [t("admin.users.ssoLinked")] : []),
  ];

  return (
    <tr data-testid="user-row">
      <td>
        {user.display_name}
        <br />
        <span className="muted">{user.email}</span>
        <br />
        <span className="muted" data-testid="user-security">
          {user.second_factor ? t("admin.users.factorOn") : t("admin.users.factorOff")} ·{" "}
          {user.last_active_at
            ? t("admin.users.lastActive", { date: formatDateTime(user.last_active_at, i18n.language) })
            : t("admin.users.neverActive")}
        </span>
        <ErrorAlert error={error} />
        {notice ? (
          <p role="status" className="muted">
            {notice}
          </p>
        ) : null}
      </td>
      <td>
        <span className={`status status--${user.status}`}>{t(`admin.users.status.${user.status}`)}</span>
      </td>
      <td>{roles.join(", ")}</td>
      <td>
        <div className="actions">
          {self ? null : active && admin ? (
            // Another admin is suspended only when a second admin approves.
            <button
              type="button"
              className="button button--danger"
              disabled={busy}
              aria-label={t("admin.users.requestSuspendNamed", named)}
              onClick={() =>
                act(() => requestAdminGrant(user.id, "suspend"), t("admin.users.suspendRequested", named), {
                  title: t("admin.users.requestSuspendConfirm", named),
                  confirmLabel: t("admin.users.requestSuspend"),
                  danger: true,
                })
              }
            >
              {t("admin.users.requestSuspend")}
            </button>
          ) : active ? (
            <button
              type="button"
              className="button button--danger"
              disabled={busy}
              aria-label={t("admin.users.suspendNamed", named)}
              onClick={() =>
                act(() => suspendUser(user.id), t("admin.users.suspended", named), {
                  title: t("admin.users.suspendConfirm", named),
                  confirmLabel: t("admin.users.suspend"),
                  danger: true,
                })
              }
            >
              {t("admin.users.suspend")}
            </button>
          ) : (
            <button
              type="button"
              className="button"
              disabled={busy}
              aria-label={t("admin.users.reactivateNamed", named)}
              onClick={() => act(() => reactivateUser(user.id), t("admin.users.reactivated", named))}
            >
              {t("admin.users.reactivate")}
            </button>
          )}
          {self ? null : (
            <button
              type="button"
              className="button"
              disabled={busy}
              aria-label={t("admin.users.endSessionsNamed", named)}
              onClick={() =>
                act(() => endUserSessions(user.id), t("admin.users.sessionsEnded", named), {
                  title: t("admin.users.endSessionsConfirm", named),
                  confirmLabel: t("admin.users.endSessions"),
                })
              }
            >
              {t("admin.users.endSessions")}
            </button>
          )}
          <button
            type="button"
            className="button"
            disabled={busy}
            aria-label={t(
              coordinator ? "admin.users.removeCoordinatorNamed" : "admin.users.makeCoordinatorNamed",
              named,
            )}
            onClick={() =>
              act(
                () => setCoordinator(user.id, !coordinator),
                t(coordinator ? "admin.users.coordinatorRemoved" : "admin.users.coordinatorGranted", named),
                {
                  title: t(
                    coordinator ? "admin.users.removeCoordinatorConfirm" : "admin.users.makeCoordinatorConfirm",
                    named,
                  ),
                  body: t("admin.members.signedOutNotice", named),
                  confirmLabel: coordinator ? t("admin.users.removeCoordinator") : t("admin.users.makeCoordinator"),
                },
              )
            }
          >
            {coordinator ? t("admin.users.removeCoordinator") : t("admin.users.makeCoordinator")}
          </button>
          {self ? null : admin ? (
            <button
              type="button"
              className="button"
              disabled={busy}
              aria-label={t("admin.users.requestRevokeNamed", named)}
              onClick={() =>
                act(() => requestAdminGrant(user.id, "revoke"), t("admin.users.revokeRequested", named), {
                  title: t("admin.users.requestRevokeConfirm", named),
                  confirmLabel: t("admin.users.requestRevoke"),
                })
              }
            >
              {t("admin.users.requestRevoke")}
            </button>
          ) : (
            <button
              type="button"
              className="button"
              disabled={busy}
              aria-label={t("admin.users.requestAdminNamed", named)}
              onClick={() =>
                act(() => requestAdminGrant(user.id), t("admin.users.adminRequested", named), {
                  title: t("admin.users.requestAdminConfirm", named),
                  confirmLabel: t("admin.users.requestAdmin"),
                })
              }
            >
              {t("admin.users.requestAdmin")}
            </button>
          )}
          {user.sso_linked && !confirmingUnlink ? (
            <button
              type="button"
              className="button"
              disabled={busy}
              ref={unlinkButton}
              aria-label={t("admin.users.unlinkSsoNamed", named)}
              onClick={() => {
                setNotice(null);
                setConfirmingUnlink(true);
              }}
            >
              {t("admin.users.unlinkSso")}
            </button>
          ) : null}
        </div>
        {user.sso_linked && confirmingUnlink ? (
          <div className="alert alert--warning" role="group" aria-labelledby={confirmId}>
            <p id={confirmId}>{t("admin.users.unlinkSsoConfirm", named)}</p>
            <div className="actions">
              <button
                type="button"
                className="button button--danger"
                disabled={busy}
                ref={confirmUnlinkButton}
                onClick={unlink}
              >
                {t("admin.users.unlinkSsoConfirmButton")}
              </button>
              <button type="button" className="button" onClick={cancelUnlink}>
                {t("common.cancel")}
              </button>
            </div>
          </div>
        ) : null}
      </td>
    </tr>
  );
}
