import { useTranslation } from "react-i18next";
import { NavLink, Navigate, Route, Routes } from "react-router";
import { ApprovalsPage } from "../features/admin_requests/ApprovalsPage";
import { RequireAdmin } from "../features/auth/guards";
import { InvitationsPage } from "../features/invitations/InvitationsPage";
import { OrganizationPage } from "../features/organizations/OrganizationPage";
import { OrganizationsPage } from "../features/organizations/OrganizationsPage";
import { UsersPage } from "../features/users/UsersPage";
import { NotFoundPage } from "./NotFoundPage";

const SECTIONS = ["organizations", "invitations", "users", "approvals"] as const;

function AdminArea() {
  const { t } = useTranslation();
  return (
    <section className="page admin" aria-labelledby="page-heading">
      <h1 id="page-heading">{t("admin.title")}</h1>
      <nav aria-label={t("admin.navLabel")} className="tabs">
        <ul>
          {SECTIONS.map((section) => (
            <li key={section}>
              <NavLink to={`/admin/${section}`}>{t(`admin.${section}.title`)}</NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <Routes>
        <Route index element={<Navigate to="organizations" replace />} />
        <Route path="organizations" element={<OrganizationsPage />} />
        <Route path="organizations/:organizationId" element={<OrganizationPage />} />
        <Route path="invitations" element={<InvitationsPage />} />
        <Route path="users" element={<UsersPage />} />
        <Route path="approvals" element={<ApprovalsPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Routes>
    </section>
  );
}

export function AdminPage() {
  return (
    <RequireAdmin>
      <AdminArea />
    </RequireAdmin>
  );
}
