import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { countryName } from "../../shared/countries";
import { ErrorAlert } from "../../shared/ErrorAlert";
import { Loading } from "../../shared/Loading";
import { useLoad } from "../../shared/useLoad";
import { PageTitle } from "../../shell/PageTitle";
import { useSession } from "../auth/AuthContext";
import { RequireStep } from "../auth/guards";
import { isAdmin } from "../auth/session";
import { ColleaguesSection } from "../memberships/ColleaguesSection";
import { MembersSection } from "../memberships/MembersSection";
import { getOrganization } from "./api";

/** One organization as anyone who may see it sees it: read-only. */
function OrganizationProfile() {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const { organizationId = "" } = useParams();
  const loaded = useLoad(() => getOrganization(organizationId), [organizationId]);
  const role = session.memberships.find((m) => m.organization_id === organizationId)?.role;
  const admin = isAdmin(session);
  // Who may read the member list (app/permissions.py MEMBERSHIPS_READ): admins and the
  // organization's own representatives.
  const seesMembers = admin || role === "representative";

  return (
    <section className="page" aria-labelledby="page-heading">
      {loaded.error ? <ErrorAlert error={loaded.error} /> : null}
      {!loaded.data && !loaded.error ? <Loading /> : null}
      {loaded.data ? (
        <>
          <PageTitle page={loaded.data.organization.name} />
          <p>
            <Link to="/">{t("organizations.backHome")}</Link>
          </p>
          <h1 id="page-heading" className="wrap-anywhere">
            {loaded.data.organization.name}
          </h1>
          <dl className="facts">
            <dt>{t("admin.organizations.shortName")}</dt>
            <dd>{loaded.data.organization.short_name}</dd>
            <dt>{t("admin.organizations.country")}</dt>
            <dd>
              {loaded.data.organization.country
                ? countryName(loaded.data.organization.country, i18n.language)
                : t("admin.organizations.noCountry")}
            </dd>
            {role ? (
              <>
                <dt>{t("organizations.yourRole")}</dt>
                <dd>{t(`roles.${role}`)}</dd>
              </>
            ) : null}
          </dl>
          {loaded.data.organization.description ? (
            <p className="prewrap">{loaded.data.organization.description}</p>
          ) : null}
          {loaded.data.organization.contact ? (
            <>
              <h2>{t("admin.organizations.contact")}</h2>
              <p className="prewrap">{loaded.data.organization.contact}</p>
            </>
          ) : null}
          {admin ? (
            <p>
              <Link to={`/admin/organizations/${organizationId}`}>{t("organizations.manage")}</Link>
            </p>
          ) : null}
          {seesMembers ? (
            <MembersSection organizationId={organizationId} readOnly={!admin} />
          ) : role ? (
            // A member: fellow members by name and role (COLLEAGUES_READ), no addresses.
            <ColleaguesSection organizationId={organizationId} />
          ) : null}
        </>
      ) : null}
    </section>
  );
}

export function OrganizationProfilePage() {
  return (
    <RequireStep step="full">
      <OrganizationProfile />
    </RequireStep>
  );
}
