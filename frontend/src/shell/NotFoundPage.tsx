import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { PageTitle } from "./PageTitle";

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <section className="page" aria-labelledby="page-heading">
      <PageTitle page={t("notFound.title")} />
      <h1 id="page-heading">{t("notFound.title")}</h1>
      <p>{t("notFound.body")}</p>
      <p>
        <Link to="/">{t("notFound.home")}</Link>
      </p>
    </section>
  );
}
