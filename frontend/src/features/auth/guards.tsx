import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, useLocation } from "react-router";
import { Loading } from "../../shared/Loading";
import { PageTitle } from "../../shell/PageTitle";
import { useAuth } from "./AuthContext";
import { isAdmin, pathForStep, stepOf, type Step } from "./session";

/** Router state carried through the sign-in steps: where the user was going. */
export interface Destination {
  from?: string;
}

export function useDestination(): string | undefined {
  const state = useLocation().state as Destination | null;
  return state?.from;
}

function Unavailable() {
  const { t } = useTranslation();
  const { refresh } = useAuth();
  return (
    <section className="page" aria-labelledby="page-heading">
      <PageTitle page={t("auth.unavailable.title")} />
      <h1 id="page-heading">{t("auth.unavailable.title")}</h1>
      <p role="alert">{t("auth.unavailable.body")}</p>
      <button type="button" className="button" onClick={() => void refresh()}>
        {t("auth.unavailable.retry")}
      </button>
    </section>
  );
}

/**
 * Renders `children` only when the user stands at `step`; otherwise sends them where they
 * must go: to sign in, to the pending step, or (once done) where they were headed.
 */
export function RequireStep({ step, children }: { step: Step; children: ReactNode }) {
  const { state } = useAuth();
  const location = useLocation();
  const destination = useDestination();
  if (state.status === "loading") return <Loading />;
  if (state.status === "unavailable") return <Unavailable />;
  if (state.status === "anonymous") {
    // After an expired session, sign-in leads back here; after signing out, it does not.
    const from = state.signedOut ? undefined : step === "full" ? `${location.pathname}${location.search}` : destination;
    return <Navigate to="/sign-in" replace state={{ from } satisfies Destination} />;
  }
  const actual = stepOf(state.session);
  if (actual !== step) {
    const from = step === "full" ? `${location.pathname}${location.search}` : destination;
    return <Navigate to={pathForStep(actual, from)} replace state={{ from } satisfies Destination} />;
  }
  return <>{children}</>;
}

/** Only for signed-out visitors (the sign-in page): a session goes on to its next step. */
export function RequireSignedOut({ children }: { children: ReactNode }) {
  const { state } = useAuth();
  const destination = useDestination();
  if (state.status === "loading") return <Loading />;
  if (state.status === "signed_in") {
    const step = stepOf(state.session);
    return <Navigate to={pathForStep(step, destination)} replace state={{ from: destination } satisfies Destination} />;
  }
  return <>{children}</>;
}

/** Fully signed in and an admin; anyone else is told they lack the permission. */
export function RequireAdmin({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { state } = useAuth();
  return (
    <RequireStep step="full">
      {state.status === "signed_in" && isAdmin(state.session) ? (
        children
      ) : (
        <section className="page" aria-labelledby="page-heading">
          <PageTitle page={t("auth.forbidden.title")} />
          <h1 id="page-heading">{t("auth.forbidden.title")}</h1>
          <p>{t("auth.forbidden.body")}</p>
        </section>
      )}
    </RequireStep>
  );
}
