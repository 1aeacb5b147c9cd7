import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { countryName } from "../../shared/countries";
import { ErrorAlert } from "../../shared/ErrorAlert";
import { loadAll } from "../../shared/loadAll";
import { Loading } from "../../shared/Loading";
import { useLoad } from "../../shared/useLoad";
import type { Session } from "../auth/api";
import { listOrganizations } from "./api";

/**
 * The home page's organizations: a member's own, with their role there; for coordinators
 * and admins (who see every one) the whole coalition. Read-only; each opens its profile.
 */
export function YourOrganizations({ session }: { session: Session }) {
  const { t, i18n } = useTranslation();
  const organizations = useLoad(() => loadAll(listOrganizations));
  const roleIn = new Map(session.memberships.map((m) => [m.organization_id, m.role]));
  const seesAll = session.user.platform_roles.length > 0;
  const title = seesAll ? t("home.organizations.all") : t("home.organizations.yours");

  return (
    <section className="card" aria-labelledby="your-organizations" data-testid="your-organizations">
      <h2 id="your-organizations" className="card__title">
        {title}
      </h2>
      <ErrorAlert error={organizations.error} />
      {!organizations.data && !organizations.error ? <Loading /> : null}
      {organizations.data?.length === 0 ? <p className="muted">{t("home.organizations.none")}</p> : null}
      {organizations.data && organizations.data.length > 0 ? (
        <ul className="items">
          {organizations.data.map((org) => {
            const role = roleIn.get(org.id);
            return (
              <li key={org.id} className="item">
                <Link to={`/organizations/${org.id}`} className="wrap-anywhere">
                  {org.name}
                </Link>{" "}
                <span className="muted">
                  ({org.short_name}
                  {org.country ? `, ${countryName(org.country, i18n.language)}` : ""})
                </span>
                {role ? (
                  <p className="muted">{t("home.organizations.yourRole", { role: t(`roles.${role}`) })}</p>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : null}
    </section>
  );
}
