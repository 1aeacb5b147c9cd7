import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { RequireStep } from "../auth/guards";
import { SigningPanel } from "./SigningPanel";

/** An appeal open for signatures, as any member of an organization sees it: the frozen text
 * and the signing panel (drafts, comments and history stay with its writers). */
function Signing({ appealId }: { appealId: string }) {
  const { t } = useTranslation();
  return (
    <section className="page appeal" aria-labelledby="page-heading">
      <p>
        <Link to="/appeals">{t("appeals.backToList")}</Link>
      </p>
      <SigningPanel appealId={appealId} withText />
    </section>
  );
}

export function SigningPage() {
  const { appealId = "" } = useParams();
  return (
    <RequireStep step="full">
      <Signing key={appealId} appealId={appealId} />
    </RequireStep>
  );
}
