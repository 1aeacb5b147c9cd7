import { useTranslation } from "react-i18next";
import { PageTitle } from "../../../shell/PageTitle";
import { useSession } from "../AuthContext";
import { RequireStep } from "../guards";
import { EmailSection } from "./EmailSection";
import { PasskeysSection } from "./PasskeysSection";
import { PasswordSection } from "./PasswordSection";
import { RecoveryCodesSection } from "./RecoveryCodesSection";
import { SessionsSection } from "./SessionsSection";
import { TotpSection } from "./TotpSection";
import { CustodyKeySection } from "../../signatories/CustodyKeySection";

function AccountSecurity() {
  const { t } = useTranslation();
  const session = useSession();
  return (
    <section className="page" aria-labelledby="page-heading">
      <PageTitle page={t("account.title")} />
      <h1 id="page-heading">{t("account.title")}</h1>
      <p className="lead">{t("account.signedInAs", { name: session.user.display_name, email: session.user.email })}</p>
      <PasskeysSection />
      <TotpSection />
      <RecoveryCodesSection />
      <PasswordSection />
      <EmailSection />
      <SessionsSection />
      <CustodyKeySection />
    </section>
  );
}

export function AccountSecurityPage() {
  return (
    <RequireStep step="full">
      <AccountSecurity />
    </RequireStep>
  );
}
