import { useTranslation } from "react-i18next";
import { PageTitle } from "../../shell/PageTitle";
import { PasswordChangeForm } from "./account/PasswordChangeForm";
import { useAuth } from "./AuthContext";
import { RequireStep } from "./guards";

/** A first sign-in with a one-time password: choose your own before anything else. */
function NewPasswordStep() {
  const { t } = useTranslation();
  const { refresh, signOut } = useAuth();
  return (
    <section className="page page--narrow" aria-labelledby="page-heading">
      <PageTitle page={t("newPassword.title")} />
      <h1 id="page-heading">{t("newPassword.title")}</h1>
      <p className="lead">{t("newPassword.intro")}</p>
      <div className="card">
        <PasswordChangeForm
          // The one-time password was typed a moment ago to sign in: not asked again (the
          // server asks for it should the sign-in be too long ago).
          needsCurrentPassword={false}
          onChanged={() => refresh()}
          submitLabel={t("newPassword.submit")}
        />
      </div>
      <p>
        <button type="button" className="link-button" onClick={() => void signOut()}>
          {t("common.signOut")}
        </button>
      </p>
    </section>
  );
}

export function NewPasswordPage() {
  return (
    <RequireStep step="password">
      <NewPasswordStep />
    </RequireStep>
  );
}
