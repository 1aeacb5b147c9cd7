import { useTranslation } from "react-i18next";
import { ErrorAlert } from "../../shared/ErrorAlert";
import { loadAll } from "../../shared/loadAll";
import { Loading } from "../../shared/Loading";
import { useLoad } from "../../shared/useLoad";
import { PageTitle } from "../../shell/PageTitle";
import { useSession } from "../auth/AuthContext";
import { listUsers } from "./api";
import { UserRow } from "./UserRow";

export function UsersPage() {
  const { t } = useTranslation();
  const session = useSession();
  const users = useLoad(() => loadAll(listUsers));
  return (
    <>
      <PageTitle page={t("admin.users.title")} />
      <h2 className="admin__title">{t("admin.users.title")}</h2>
      <p>{t("admin.users.intro")}</p>
      <ErrorAlert error={users.error} />
      {!users.data && !users.error ? <Loading /> : null}
      {users.data ? (
        <table className="table" data-testid="users-table">
          <caption className="visually-hidden">{t("admin.users.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("admin.members.person")}</th>
              <th scope="col">{t("admin.members.status")}</th>
              <th scope="col">{t("admin.users.roles")}</th>
              <th scope="col">{t("admin.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {users.data.map((user) => (
              <UserRow key={user.id} user={user} self={user.id === session.user.id} onChanged={users.reload} />
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}
