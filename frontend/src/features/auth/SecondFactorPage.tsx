import { useTranslation } from "react-i18next";
import { PageTitle } from "../../shell/PageTitle";
import { useAuth, useSession } from "./AuthContext";
import { RequireStep } from "./guards";
import { SecondFactorChoices } from "./SecondFactorChoices";

function SecondFactorStep() {
  const { t } = useTranslation();
  const session = useSession();
  const { completeStep, signOut } = useAuth();
  return (
    <section className="page page--narrow" aria-labelledby="page-heading">
      <PageTitle page={t("secondFactor.title")} />
      <h1 id="page-heading">{t("secondFactor.title")}</h1>
      <p className="lead">{t("secondFactor.intro")}</p>
      <div className="card">
        <SecondFactorChoices session={session} onVerified={completeStep} />
      </div>
      <p>
        <button type="button" className="link-button" onClick={() => void signOut()}>
          {t("secondFactor.cancel")}
        </button>
      </p>
    </section>
  );
}

export function SecondFactorPage() {
  return (
    <RequireStep step="verify">
      <SecondFactorStep />
    </RequireStep>
  );
}
