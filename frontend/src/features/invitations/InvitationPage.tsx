import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useLocation, useNavigate } from "react-router";
import { isApiError } from "../../api/problem";
import { ErrorAlert } from "../../shared/ErrorAlert";
import { formatDateTime } from "../../shared/formatDate";
import { Loading } from "../../shared/Loading";
import { useAction } from "../../shared/useAction";
import { useLoad } from "../../shared/useLoad";
import { PageTitle } from "../../shell/PageTitle";
import { useAuth } from "../auth/AuthContext";
import type { Destination } from "../auth/guards";
import { pathForStep, stepOf } from "../auth/session";
import { acceptInvitation, lookUpInvitation, type InvitationPreview, type SessionStart } from "./api";
import { forgetInvitationToken, invitationShownSignedIn, takeInvitationToken } from "./invitationToken";
import { NewAccountForm } from "./NewAccountForm";

function Offer({ preview }: { preview: InvitationPreview }) {
  const { t, i18n } = useTranslation();
  return (
    <div className="card" data-testid="invitation-offer">
      <p className="lead">
        {t("invitation.offer", { organization: preview.organization_name, role: t(`roles.${preview.role}`) })}
      </p>
      {preview.platform_role === "coordinator" ? <p>{t("invitation.coordinator")}</p> : null}
      <p className="muted">
        {t("invitation.forEmail", { email: preview.email })} ·{" "}
        {t("invitation.expires", { date: formatDateTime(preview.expires_at, i18n.language) })}
      </p>
    </div>
  );
}

/** An existing account accepts while signed in to it; otherwise it signs in first. */
function ExistingAccount({ token, onAccepted }: { token: string; onAccepted: (r: SessionStart) => unknown }) {
  const { t } = useTranslation();
  const { state } = useAuth();
  const { busy, error, run } = useAction();
  const signedIn = state.status === "signed_in" && stepOf(state.session) === "full";
  useEffect(() => {
    if (signedIn) invitationShownSignedIn();
  }, [signedIn]);
  if (!signedIn) {
    return (
      <div className="card">
        <p>{t("invitation.signInFirst")}</p>
        <Link className="button button--primary" to="/sign-in" state={{ from: "/invitation" } satisfies Destination}>
          {t("signIn.title")}
        </Link>
      </div>
    );
  }
  return (
    <div className="card">
      <p>{t("invitation.acceptAs", { email: state.session.user.email })}</p>
      <button
        type="button"
        className="button button--primary"
        disabled={busy}
        onClick={() => void run(async () => onAccepted(await acceptInvitation({ token })))}
      >
        {t("invitation.accept")}
      </button>
      <ErrorAlert error={error} />
    </div>
  );
}

export function InvitationPage() {
  const { t } = useTranslation();
  const location = useLocation();
  const navigate = useNavigate();
  const { completeStep } = useAuth();
  const [token, setToken] = useState(() => takeInvitationToken(location.hash));
  const preview = useLoad(() => (token ? lookUpInvitation(token) : Promise.resolve(null)), [token]);

  // A link pasted into this tab changes only the fragment: read it too. Once read, the token
  // leaves the address bar (and so the history).
  useEffect(() => {
    if (!location.hash) return;
    setToken(takeInvitationToken(location.hash));
    void navigate({ pathname: location.pathname, search: location.search, hash: "" }, { replace: true });
  }, [location.hash, location.pathname, location.search, navigate]);

  // A dead link is not kept for later.
  useEffect(() => {
    if (isApiError(preview.error, "invitation_invalid")) forgetInvitationToken();
  }, [preview.error]);

  const accepted = async (result: SessionStart) => {
    forgetInvitationToken();
    const session = await completeStep(result.csrf_token);
    void navigate(session ? pathForStep(stepOf(session), "/") : "/sign-in", { replace: true });
  };

  return (
    <section className="page page--narrow" aria-labelledby="page-heading">
      <PageTitle page={t("invitation.title")} />
      <h1 id="page-heading">{t("invitation.title")}</h1>
      {!token ? (
        <p role="alert" className="alert alert--error">
          {t("invitation.noToken")}
        </p>
      ) : null}
      <ErrorAlert error={preview.error} />
      {token && !preview.data && !preview.error ? <Loading /> : null}
      {token && preview.data ? (
        <>
          <Offer preview={preview.data} />
          {preview.data.account_exists ? (
            <ExistingAccount token={token} onAccepted={accepted} />
          ) : (
            <div className="card">
              <h2 className="card__title">{t("invitation.newAccount")}</h2>
              <NewAccountForm token={token} onAccepted={accepted} />
            </div>
          )}
        </>
      ) : null}
    </section>
  );
}
