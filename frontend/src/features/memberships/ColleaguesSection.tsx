import { useTranslation } from "react-i18next";
import { ErrorAlert } from "../../shared/ErrorAlert";
import { loadAll } from "../../shared/loadAll";
import { Loading } from "../../shared/Loading";
import { useLoad } from "../../shared/useLoad";
import { listColleagues } from "./api";

/**
 * The people of one's own organization by the names they show the coalition, with their
 * roles. Addresses stay with representatives and admins (MembersSection): a member's
 * phone, if seized, holds no list of who can be written to.
 */
export function ColleaguesSection({ organizationId }: { organizationId: string }) {
  const { t } = useTranslation();
  const colleagues = useLoad(() => loadAll((cursor) => listColleagues(organizationId, cursor)), [organizationId]);
  const people = [...(colleagues.data ?? [])].sort((a, b) => a.display_name.localeCompare(b.display_name));
  return (
    <section aria-labelledby="colleagues-heading" data-testid="colleagues">
      <h2 id="colleagues-heading">{t("organizations.colleagues")}</h2>
      <ErrorAlert error={colleagues.error} />
      {!colleagues.data && !colleagues.error ? <Loading /> : null}
      {colleagues.data ? (
        <ul className="links">
          {people.map((person, index) => (
            <li key={index}>
              <span className="wrap-anywhere">{person.display_name}</span>{" "}
              <span className="muted">· {t(`roles.${person.role}`)}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
