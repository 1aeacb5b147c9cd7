import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { ErrorAlert } from "../../shared/ErrorAlert";
import { formatDateTime } from "../../shared/formatDate";
import { useLoad } from "../../shared/useLoad";
import { listOpenAppeals } from "./api";

/** Appeals open for signatures now: every member of an organization may read and sign them. */
export function OpenAppeals() {
  const { t, i18n } = useTranslation();
  const open = useLoad(listOpenAppeals);
  const items = open.data?.items ?? [];
  if (!open.error && items.length === 0) return null;
  return (
    <section className="card" aria-labelledby="open-appeals" data-testid="open-appeals">
      <h2 id="open-appeals" className="card__title">
        {t("signing.openList.title")}
      </h2>
      <ErrorAlert error={open.error} />
      <ul className="items">
        {items.map((item) => (
          <li key={item.appeal_id}>
            <Link to={`/appeals/${item.appeal_id}/sign`} className="wrap-anywhere">
              {item.title}
            </Link>{" "}
            <span className="muted">
              {t("signing.openList.closes", { date: formatDateTime(item.closes_at, i18n.language) })}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
