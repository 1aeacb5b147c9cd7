import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useLocation } from "react-router";
import { ErrorAlert } from "../../shared/ErrorAlert";
import { ListFilter, matches } from "../../shared/ListFilter";
import { loadAll } from "../../shared/loadAll";
import { Loading } from "../../shared/Loading";
import { Notice } from "../../shared/Notice";
import { useLoad } from "../../shared/useLoad";
import { PageTitle } from "../../shell/PageTitle";
import { useStepUp } from "../auth/StepUp";
import { listOrganizations } from "../organizations/api";
import { createInvitation, listInvitations } from "./api";
import { InvitationForm } from "./InvitationForm";
import { InvitationRow } from "./InvitationRow";

const INVITATION_STATUSES = ["pending", "accepted", "expired", "revoked"] as const;

export function InvitationsPage() {
  const { t } = useTranslation();
  const stepUp = useStepUp();
  const preset = (useLocation().state as { organizationId?: string } | null)?.organizationId;
  const organizations = useLoad(() => loadAll(listOrganizations));
  const invitations = useLoad(() => loadAll(listInvitations));
  // One status region for the page: the last change made here, never a stale one.
  const [notice, setNotice] = useState<string | null>(null);
  const names = new Map((organizations.data ?? []).map((org) => [org.id, org.name]));
  const [query, setQuery] = useState("");
  const [status, setStatus] = useState("all");
  const visible = (invitations.data ?? []).filter(
    (invitation) =>
      (status === "all" || invitation.status === status) &&
      matches(query, invitation.email, names.get(invitation.organization_id)),
  );

  return (
    <>
      <PageTitle page={t("admin.invitations.title")} />
      <h2 className="admin__title">{t("admin.invitations.title")}</h2>
      <section className="card" aria-labelledby="new-invitation">
        <h3 id="new-invitation" className="card__title">
          {t("admin.invitations.new")}
        </h3>
        <ErrorAlert error={organizations.error} />
        {organizations.data && organizations.data.length === 0 ? (
          <p>{t("admin.invitations.needOrganization")}</p>
        ) : null}
        {organizations.data && organizations.data.length > 0 ? (
          <InvitationForm
            organizations={organizations.data}
            initialOrganization={preset}
            onInvite={async (input) => {
              setNotice(null);
              const invitation = await stepUp(() => createInvitation(input));
              setNotice(t("admin.invitations.sent", { email: invitation.email }));
              invitations.reload();
              return invitation;
            }}
          />
        ) : null}
        <Notice>{notice}</Notice>
      </section>
      <ErrorAlert error={invitations.error} />
      {!invitations.data && !invitations.error ? <Loading /> : null}
      {invitations.data && invitations.data.length > 0 ? (
        <>
          <ListFilter
            query={query}
            onQuery={setQuery}
            filter={{
              label: t("lists.show"),
              value: status,
              onChange: setStatus,
              choices: (["all", ...INVITATION_STATUSES] as const).map((value) => ({
                value,
                label: value === "all" ? t("lists.all") : t(`admin.invitations.status.${value}`),
              })),
            }}
            shown={visible.length}
            total={invitations.data.length}
          />
          <table className="table" data-testid="invitations-table">
            <caption className="visually-hidden">{t("admin.invitations.title")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("admin.invitations.email")}</th>
                <th scope="col">{t("admin.invitations.organization")}</th>
                <th scope="col">{t("admin.invitations.role")}</th>
                <th scope="col">{t("admin.invitations.statusLabel")}</th>
                <th scope="col">{t("admin.invitations.expiresLabel")}</th>
                <th scope="col">{t("admin.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {visible.map((invitation) => (
                <InvitationRow
                  key={invitation.id}
                  invitation={invitation}
                  organizationName={names.get(invitation.organization_id) ?? "—"}
                  onChanged={(message) => {
                    setNotice(message);
                    invitations.reload();
                  }}
                />
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      {invitations.data?.length === 0 ? <p className="muted">{t("admin.invitations.none")}</p> : null}
    </>
  );
}
