import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ErrorAlert } from "../../shared/ErrorAlert";
import { ListFilter, matches } from "../../shared/ListFilter";
import { loadAll } from "../../shared/loadAll";
import { Loading } from "../../shared/Loading";
import { useLoad } from "../../shared/useLoad";
import { PageTitle } from "../../shell/PageTitle";
import { useSession } from "../auth/AuthContext";
import { listOrganizations } from "../organizations/api";
import { listUsers, type AdminUser } from "./api";
import { UserRow } from "./UserRow";

type Show = "all" | "active" | "suspended" | "admin" | "coordinator";

function shows(user: AdminUser, show: Show): boolean {
  if (show === "all") return true;
  if (show === "active" || show === "suspended") return user.status === show;
  return user.platform_roles.includes(show);
}

export function UsersPage() {
  const { t } = useTranslation();
  const session = useSession();
  const users = useLoad(() => loadAll(listUsers));
  // The names behind each user's memberships (admins see every organization).
  const organizations = useLoad(() => loadAll(listOrganizations));
  const names = new Map((organizations.data ?? []).map((org) => [org.id, org.name]));
  const [query, setQuery] = useState("");
  const [show, setShow] = useState<Show>("all");
  const visible = (users.data ?? []).filter(
    (user) => shows(user, show) && matches(query, user.display_name, user.email),
  );
  const choices: Show[] = ["all", "active", "suspended", "admin", "coordinator"];

  return (
    <>
      <PageTitle page={t("admin.users.title")} />
      <h2 className="admin__title">{t("admin.users.title")}</h2>
      <p>{t("admin.users.intro")}</p>
      <ErrorAlert error={users.error} />
      {!users.data && !users.error ? <Loading /> : null}
      {users.data ? (
        <>
          <ListFilter
            query={query}
            onQuery={setQuery}
            filter={{
              label: t("lists.show"),
              value: show,
              onChange: (value) => setShow(value as Show),
              choices: choices.map((value) => ({ value, label: t(`admin.users.show.${value}`) })),
            }}
            shown={visible.length}
            total={users.data.length}
          />
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
              {visible.map((user) => (
                <UserRow
                  key={user.id}
                  user={user}
                  self={user.id === session.user.id}
                  organizationNames={names}
                  onChanged={users.reload}
                />
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </>
  );
}
