import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { countryName } from "../../shared/countries";
import { ErrorAlert } from "../../shared/ErrorAlert";
import { ListFilter, matches } from "../../shared/ListFilter";
import { loadAll } from "../../shared/loadAll";
import { Loading } from "../../shared/Loading";
import { Notice } from "../../shared/Notice";
import { useLoad } from "../../shared/useLoad";
import { PageTitle } from "../../shell/PageTitle";
import { useStepUp } from "../auth/StepUp";
import { createOrganization, listOrganizations } from "./api";
import { OrganizationForm } from "./OrganizationForm";

export function OrganizationsPage() {
  const { t, i18n } = useTranslation();
  const stepUp = useStepUp();
  const organizations = useLoad(() => loadAll(listOrganizations));
  const [created, setCreated] = useState<string | null>(null);
  const [query, setQuery] = useState("");
  const visible = (organizations.data ?? []).filter((org) =>
    matches(query, org.name, org.short_name, org.country ? countryName(org.country, i18n.language) : null),
  );

  return (
    <>
      <PageTitle page={t("admin.organizations.title")} />
      <h2 className="admin__title">{t("admin.organizations.title")}</h2>
      <section className="card" aria-labelledby="new-organization">
        <h3 id="new-organization" className="card__title">
          {t("admin.organizations.new")}
        </h3>
        <OrganizationForm
          submitLabel={t("admin.organizations.create")}
          onSave={async (input) => {
            setCreated(null);
            const organization = await stepUp(() => createOrganization(input));
            setCreated(organization.name);
            organizations.reload();
          }}
        />
        <Notice>{created ? t("admin.organizations.created", { name: created }) : null}</Notice>
      </section>
      <ErrorAlert error={organizations.error} />
      {!organizations.data && !organizations.error ? <Loading /> : null}
      {organizations.data ? (
        <>
          <ListFilter query={query} onQuery={setQuery} shown={visible.length} total={organizations.data.length} />
          <table className="table" data-testid="organizations-table">
            <caption className="visually-hidden">{t("admin.organizations.title")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("admin.organizations.name")}</th>
                <th scope="col">{t("admin.organizations.shortName")}</th>
                <th scope="col">{t("admin.organizations.country")}</th>
              </tr>
            </thead>
            <tbody>
              {visible.map((org) => (
                <tr key={org.id}>
                  <td>
                    <Link to={`/admin/organizations/${org.id}`}>{org.name}</Link>
                  </td>
                  <td>{org.short_name}</td>
                  <td>{org.country ? countryName(org.country, i18n.language) : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      {organizations.data?.length === 0 ? <p className="muted">{t("admin.organizations.none")}</p> : null}
    </>
  );
}
