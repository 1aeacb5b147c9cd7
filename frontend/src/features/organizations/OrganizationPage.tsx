import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { ErrorAlert } from "../../shared/ErrorAlert";
import { Loading } from "../../shared/Loading";
import { Notice } from "../../shared/Notice";
import { useLoad } from "../../shared/useLoad";
import { PageTitle } from "../../shell/PageTitle";
import { useStepUp } from "../auth/StepUp";
import { MembersSection } from "../memberships/MembersSection";
import { getOrganization, updateOrganization } from "./api";
import { OrganizationForm } from "./OrganizationForm";

export function OrganizationPage() {
  const { t } = useTranslation();
  const { organizationId = "" } = useParams();
  const stepUp = useStepUp();
  const loaded = useLoad(() => getOrganization(organizationId), [organizationId]);
  const [saved, setSaved] = useState(false);

  if (loaded.error) return <ErrorAlert error={loaded.error} />;
  if (!loaded.data) return <Loading />;
  const { organization, etag } = loaded.data;

  return (
    <>
      <PageTitle page={organization.name} />
      <p>
        <Link to="/admin/organizations">{t("admin.organizations.back")}</Link>
      </p>
      <h2 className="admin__title">{organization.name}</h2>
      <section className="card" aria-labelledby="edit-organization">
        <h3 id="edit-organization" className="card__title">
          {t("admin.organizations.edit")}
        </h3>
        <OrganizationForm
          key={organization.updated_at ?? organization.created_at}
          initial={organization}
          submitLabel={t("common.save")}
          onSave={async (input) => {
            setSaved(false);
            // If-Match: a change someone made meanwhile is refused (412), not overwritten.
            const updated = await stepUp(() => updateOrganization(organizationId, etag, input));
            loaded.setData(updated);
            setSaved(true);
          }}
        />
        <Notice>{saved ? t("common.saved") : null}</Notice>
      </section>
      <MembersSection organizationId={organizationId} />
    </>
  );
}
