import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { PageTitle } from "../../shell/PageTitle";
import { useAuth } from "./AuthContext";
import { RequireSignedOut } from "./guards";
import { PasskeyButton } from "./PasskeyButton";
import { PasswordSignInForm } from "./PasswordSignInForm";
import { SessionEndedNotice } from "./SessionEnded";
import { SsoError, SsoSignIn } from "./SsoSignIn";

export function SignInPage() {
  const { t } = useTranslation();
  const { completeStep } = useAuth();
  const [params] = useSearchParams();
  return (
    <RequireSignedOut>
      <section className="page page--narrow" aria-labelledby="page-heading">
        <PageTitle page={t("signIn.title")} />
        <h1 id="page-heading">{t("signIn.title")}</h1>
        <SessionEndedNotice />
        <SsoError code={params.get("error")} />
        <div className="card">
          <PasswordSignInForm />
        </div>
        <div className="card card--alternatives" role="group" aria-label={t("signIn.alternatives")}>
          <PasskeyButton purpose="sign_in" label={t("signIn.passkey")} onVerified={completeStep} />
          <SsoSignIn />
        </div>
      </section>
    </RequireSignedOut>
  );
}
