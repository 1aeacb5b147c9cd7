import { useTranslation } from "react-i18next";
import { ErrorAlert } from "../../shared/ErrorAlert";
import { formatDateTime } from "../../shared/formatDate";
import { loadAll } from "../../shared/loadAll";
import { Loading } from "../../shared/Loading";
import { useAction } from "../../shared/useAction";
import { useLoad } from "../../shared/useLoad";
import { PageTitle } from "../../shell/PageTitle";
import { useSession } from "../auth/AuthContext";
import { useStepUp } from "../auth/StepUp";
import { listUsers } from "../users/api";
import { decideAdminGrant, listAdminGrantRequests, type AdminGrantRequest } from "./api";

function RequestRow({
  request,
  name,
  own,
  onDecided,
}: {
  request: AdminGrantRequest;
  name: (userId: string | null) => string;
  own: boolean;
  onDecided: () => void;
}) {
  const { t, i18n } = useTranslation();
  const stepUp = useStepUp();
  const { busy, error, run } = useAction();
  const decide = (decision: "approve" | "reject") =>
    void run(async () => {
      await stepUp(() => decideAdminGrant(request.id, decision));
      onDecided();
    });
  const pending = request.status === "pending";
  return (
    <tr>
      <td>
        {name(request.user_id)}
        <ErrorAlert error={error} />
      </td>
      <td>{t(`admin.approvals.kind.${request.kind}`)}</td>
      <td>{name(request.requested_by)}</td>
      <td>{formatDateTime(request.created_at, i18n.language)}</td>
      <td>{t(`admin.approvals.status.${request.status}`)}</td>
      <td>
        <div className="actions">
          {pending && !own ? (
            <>
              <button
                type="button"
                className="button button--primary"
                disabled={busy}
                onClick={() => decide("approve")}
              >
                {t("admin.approvals.approve")}
              </button>
              <button type="button" className="button button--danger" disabled={busy} onClick={() => decide("reject")}>
                {t("admin.approvals.reject")}
              </button>
            </>
          ) : null}
          {pending && own ? <span className="muted">{t("admin.approvals.ownRequest")}</span> : null}
        </div>
      </td>
    </tr>
  );
}

/** Changes of who is an admin (granting it, taking it away, suspending an admin) take two
 * admins: one asks (on the users page), a different one decides here. */
export function ApprovalsPage() {
  const { t } = useTranslation();
  const session = useSession();
  const requests = useLoad(() => loadAll(listAdminGrantRequests));
  const users = useLoad(() => loadAll(listUsers));
  const names = new Map((users.data ?? []).map((user) => [user.id, `${user.display_name} (${user.email})`]));
  const name = (userId: string | null) => (userId ? (names.get(userId) ?? "—") : "—");

  return (
    <>
      <PageTitle page={t("admin.approvals.title")} />
      <h2 className="admin__title">{t("admin.approvals.title")}</h2>
      <p>{t("admin.approvals.intro")}</p>
      <ErrorAlert error={requests.error ?? users.error} />
      {!requests.data && !requests.error ? <Loading /> : null}
      {requests.data && requests.data.length > 0 ? (
        <table className="table" data-testid="approvals-table">
          <caption className="visually-hidden">{t("admin.approvals.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("admin.approvals.user")}</th>
              <th scope="col">{t("admin.approvals.change")}</th>
              <th scope="col">{t("admin.approvals.requestedBy")}</th>
              <th scope="col">{t("admin.approvals.requestedAt")}</th>
              <th scope="col">{t("admin.members.status")}</th>
              <th scope="col">{t("admin.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {requests.data.map((request) => (
              <RequestRow
                key={request.id}
                request={request}
                name={name}
                own={request.requested_by === session.user.id}
                onDecided={requests.reload}
              />
            ))}
          </tbody>
        </table>
      ) : null}
      {requests.data?.length === 0 ? <p className="muted">{t("admin.approvals.none")}</p> : null}
    </>
  );
}
