import { lazy, Suspense } from "react";
import { Route, Routes } from "react-router";
import { AccountSecurityPage } from "./features/auth/account/AccountSecurityPage";
import { AuthProvider } from "./features/auth/AuthContext";
import { EnrolmentPage } from "./features/auth/EnrolmentPage";
import { NewPasswordPage } from "./features/auth/NewPasswordPage";
import { SecondFactorPage } from "./features/auth/SecondFactorPage";
import { SignInPage } from "./features/auth/SignInPage";
import { StepUpProvider } from "./features/auth/StepUp";
import { ConfirmProvider } from "./shared/Confirm";
import { StatusPage } from "./features/health/StatusPage";
import { InvitationPage } from "./features/invitations/InvitationPage";
import { MailboxPage } from "./features/notifications/MailboxPage";
import { OrganizationProfilePage } from "./features/organizations/OrganizationProfilePage";
import { AdminPage } from "./shell/AdminPage";
import { HomePage } from "./shell/HomePage";
import { Layout } from "./shell/Layout";
import { NotFoundPage } from "./shell/NotFoundPage";
import { Loading } from "./shared/Loading";

// The appeals pages (editor, diff, review panels) load when first opened, not with every page.
const AppealsPage = lazy(() => import("./features/appeals/AppealsPage").then((m) => ({ default: m.AppealsPage })));
const AppealPage = lazy(() => import("./features/appeals/AppealPage").then((m) => ({ default: m.AppealPage })));
const SigningPage = lazy(() => import("./features/signatories/SigningPage").then((m) => ({ default: m.SigningPage })));
const RecipientsPage = lazy(() =>
  import("./features/outreach/recipients/RecipientsPage").then((m) => ({ default: m.RecipientsPage })),
);
// The public signing page: no account needed; its proof of work loads with it only.
const PublicSigningPage = lazy(() =>
  import("./features/signatories/PublicSigningPage").then((m) => ({ default: m.PublicSigningPage })),
);
const DashboardPage = lazy(() =>
  import("./features/outreach/dashboard/DashboardPage").then((m) => ({ default: m.DashboardPage })),
);
const TrackerPage = lazy(() =>
  import("./features/outreach/tracker/TrackerPage").then((m) => ({ default: m.TrackerPage })),
);
const VerifyPage = lazy(() =>
  import("./features/outreach/tracker/VerifyPage").then((m) => ({ default: m.VerifyPage })),
);
const UnsubscribePage = lazy(() =>
  import("./features/signatories/UnsubscribePage").then((m) => ({ default: m.UnsubscribePage })),
);

/** The routes inside the page shell; main.tsx supplies the router (tests use a MemoryRouter). */
export function App() {
  return (
    <AuthProvider>
      <StepUpProvider>
        <ConfirmProvider>
          <Layout>
            <Suspense fallback={<Loading />}>
              <Routes>
                <Route path="/" element={<HomePage />} />
                <Route path="/status" element={<StatusPage />} />
                <Route path="/sign-in" element={<SignInPage />} />
                <Route path="/sign-in/verify" element={<SecondFactorPage />} />
                <Route path="/sign-in/new-password" element={<NewPasswordPage />} />
                <Route path="/sign-in/enrol" element={<EnrolmentPage />} />
                <Route path="/account" element={<AccountSecurityPage />} />
                <Route path="/appeals" element={<AppealsPage />} />
                <Route path="/appeals/:appealId" element={<AppealPage />} />
                <Route path="/appeals/:appealId/sign" element={<SigningPage />} />
                <Route path="/sign/:appealId" element={<PublicSigningPage />} />
                <Route path="/updates/unsubscribe" element={<UnsubscribePage />} />
                <Route path="/track/:appealId" element={<TrackerPage />} />
                <Route path="/verify/:sha256" element={<VerifyPage />} />
                <Route path="/recipients" element={<RecipientsPage />} />
                <Route path="/outreach" element={<DashboardPage />} />
                <Route path="/organizations/:organizationId" element={<OrganizationProfilePage />} />
                <Route path="/admin/*" element={<AdminPage />} />
                <Route path="/invitation" element={<InvitationPage />} />
                <Route path="/dev/mailbox" element={<MailboxPage />} />
                <Route path="*" element={<NotFoundPage />} />
              </Routes>
            </Suspense>
          </Layout>
        </ConfirmProvider>
      </StepUpProvider>
    </AuthProvider>
  );
}
