import { useTranslation } from "react-i18next";
import { PageTitle } from "../../shell/PageTitle";

export function HomePage() {
  const { t } = useTranslation();
  return (
    <section className="page" aria-labelledby="page-heading">
      <PageTitle page={t("nav.home")} />
      <h1 id="page-heading">{t("home.title")}</h1>
      <p className="lead">{t("home.intro")}</p>
      <p>{t("home.privacy")}</p>
    </section>
  );
}
