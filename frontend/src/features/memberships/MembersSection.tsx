import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { ErrorAlert } from "../../shared/ErrorAlert";
import { loadAll } from "../../shared/loadAll";
import { Loading } from "../../shared/Loading";
import { Notice } from "../../shared/Notice";
import { useLoad } from "../../shared/useLoad";
import { listMembers } from "./api";
import { MemberRow } from "./MemberRow";

/** The organization's members; `readOnly` for those who may see them but not change them. */
export function MembersSection({ organizationId, readOnly = false }: { organizationId: string; readOnly?: boolean }) {
  const { t } = useTranslation();
  const [notice, setNotice] = useState<string | null>(null);
  const members = useLoad(() => loadAll((cursor) => listMembers(organizationId, cursor)), [organizationId]);
  return (
    <section className="card" aria-labelledby="members-heading">
      <h3 id="members-heading" className="card__title">
        {t("admin.members.title")}
      </h3>
      <Notice>{notice}</Notice>
      <ErrorAlert error={members.error} />
      {!members.data && !members.error ? <Loading /> : null}
      {members.data && members.data.length > 0 ? (
        <table className="table" data-testid="members-table">
          <thead>
            <tr>
              <th scope="col">{t("admin.members.person")}</th>
              <th scope="col">{t("admin.members.role")}</th>
              <th scope="col">{t("admin.members.status")}</th>
              {readOnly ? null : <th scope="col">{t("admin.actions")}</th>}
            </tr>
          </thead>
          <tbody>
            {members.data.map((member) => (
              <MemberRow
                key={member.id}
                member={member}
                readOnly={readOnly}
                onChanged={(message) => {
                  setNotice(message);
                  members.reload();
                }}
              />
            ))}
          </tbody>
        </table>
      ) : null}
      {members.data?.length === 0 ? <p className="muted">{t("admin.members.none")}</p> : null}
      {readOnly ? null : (
        <p>
          <Link to="/admin/invitations" state={{ organizationId }}>
            {t("admin.members.invite")}
          </Link>
        </p>
      )}
    </section>
  );
}
