import { useTranslation } from "react-i18next";
import { PageTitle } from "../../shell/PageTitle";
import { PasswordChangeForm } from "./account/PasswordChangeForm";
import { useAuth, useSession } from "./AuthContext";
import { RequireStep } from "./guards";

/** A first sign-in with a one-time password: choose your own before anything else. */
function NewPasswordStep() {
  const { t } = useTranslation();
  const session = useSession();
  const { refresh, signOut } = useAuth();
  const hasFactor = session.totp_enabled || session.passkeys > 0;
  return (
    <section className="page page--narrow" aria-labelledby="page-heading">
      <PageTitle page={t("newPassword.title")} />
      <h1 id="page-heading">{t("newPassword.title")}</h1>
      <p className="lead">{t("newPassword.intro")}</p>
      <div className="card">
        <PasswordChangeForm
          needsCurrentPassword={!hasFactor}
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
