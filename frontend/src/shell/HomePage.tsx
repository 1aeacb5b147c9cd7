import { useTranslation } from "react-i18next";
import { useEffect } from "react";
import { Link, Navigate, useNavigate } from "react-router";
import { YourAppeals } from "../features/appeals/YourAppeals";
import { OpenAppeals } from "../features/signatories/OpenAppeals";
import { useAuth } from "../features/auth/AuthContext";
import { SessionEndedNotice } from "../features/auth/SessionEnded";
import { STEP_PATHS, isAdmin, stepOf } from "../features/auth/session";
import { returnToInvitation } from "../features/invitations/invitationToken";
import { YourInvitations } from "../features/invitations/YourInvitations";
import { YourOrganizations } from "../features/organizations/YourOrganizations";
import { PageTitle } from "./PageTitle";

/** Signed in on the way to accepting an invitation opened in this tab: back to it, once. */
function BackToInvitation() {
  const navigate = useNavigate();
  useEffect(() => {
    if (returnToInvitation()) void navigate("/invitation", { replace: true });
  }, [navigate]);
  return null;
}

/** Who is signed in, and where to go from here. */
function Welcome() {
  const { t } = useTranslation();
  const { state } = useAuth();
  if (state.status === "anonymous") {
    return (
      <>
        <SessionEndedNotice />
        <p>
          <Link to="/sign-in" className="button button--primary">
            {t("signIn.title")}
          </Link>
        </p>
      </>
    );
  }
  if (state.status !== "signed_in") return null;
  const { session } = state;
  const step = stepOf(session);
  // Single sign-on lands here; a session with a step left goes on to it.
  if (step !== "full") return <Navigate to={STEP_PATHS[step]} replace />;
  return (
    <>
      <div className="card" data-testid="welcome">
        <p>{t("home.signedInAs", { name: session.user.display_name })}</p>
        <ul className="links">
          <li>
            <Link to="/account">{t("home.accountLink")}</Link>
          </li>
          {isAdmin(session) ? (
            <li>
              <Link to="/admin">{t("home.adminLink")}</Link>
            </li>
          ) : null}
        </ul>
      </div>
      <BackToInvitation />
      <YourInvitations />
      <OpenAppeals />
      <YourAppeals />
      <YourOrganizations session={session} />
    </>
  );
}

export function HomePage() {
  const { t } = useTranslation();
  return (
    <section className="page" aria-labelledby="page-heading">
      <PageTitle page={t("nav.home")} />
      <h1 id="page-heading">{t("home.title")}</h1>
      <p className="lead">{t("home.intro")}</p>
      <Welcome />
      <p>{t("home.privacy")}</p>
    </section>
  );
}
