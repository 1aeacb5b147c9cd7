import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { Loading } from "../../shared/Loading";
import { useLoad } from "../../shared/useLoad";
import { AppealErrorAlert } from "./AppealError";
import { listAppeals } from "./api";
import { AppealItem } from "./AppealItem";

const SHOWN = 5;

/** The home page's appeals: the newest few the person sees, and the way to all of them. */
export function YourAppeals() {
  const { t } = useTranslation();
  const appeals = useLoad(() => listAppeals());
  const items = appeals.data?.items.slice(0, SHOWN);
  return (
    <section className="card" aria-labelledby="your-appeals" data-testid="your-appeals">
      <h2 id="your-appeals" className="card__title">
        {t("appeals.home.title")}
      </h2>
      <AppealErrorAlert error={appeals.error} />
      {!appeals.data && !appeals.error ? <Loading /> : null}
      {items?.length === 0 ? <p className="muted">{t("appeals.home.none")}</p> : null}
      {items && items.length > 0 ? (
        <ul className="items">
          {items.map((appeal) => (
            <AppealItem key={appeal.id} appeal={appeal} />
          ))}
        </ul>
      ) : null}
      <p>
        <Link to="/appeals">{t("appeals.home.all")}</Link>
      </p>
    </section>
  );
}
