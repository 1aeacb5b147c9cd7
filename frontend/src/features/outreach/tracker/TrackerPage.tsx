import { useTranslation } from "react-i18next";
import { useParams } from "react-router";
import { isApiError } from "../../../api/problem";
import { ErrorAlert } from "../../../shared/ErrorAlert";
import { formatDateTime, formatDay } from "../../../shared/formatDate";
import { Loading } from "../../../shared/Loading";
import { useLoad } from "../../../shared/useLoad";
import { PageTitle } from "../../../shell/PageTitle";
import { Letter } from "../../appeals/Letter";
import { countryName } from "../../../shared/countries";
import { feedPath, getPublicTracker, type PublicTracker, type TrackedRecipient } from "./api";

/** A count as the public sees it: a number, or "fewer than 10". */
function Figure({ value }: { value: number | null | undefined }) {
  const { t } = useTranslation();
  return <>{value === null || value === undefined ? t("signing.counts.few") : value}</>;
}

function Stances({ tracker }: { tracker: PublicTracker }) {
  const { t } = useTranslation();
  const asks = tracker.blocks.filter((block) => block.kind === "ask");
  const answered = tracker.recipients.filter((recipient) => recipient.responses.length > 0);
  if (asks.length === 0 || answered.length === 0) return null;
  // The newest published response of each recipient says where it stands on each ask.
  const stanceOf = (recipient: TrackedRecipient, askId: string) =>
    recipient.responses
      .slice()
      .reverse()
      .flatMap((response) => response.stances)
      .find((stance) => stance.ask_id === askId);
  return (
    <section className="review-section" aria-labelledby="tracker-stances-title">
      <h2 id="tracker-stances-title" className="review-section__title">
        {t("outreachTracker.stances.title")}
      </h2>
      <table className="table table--words" data-testid="stance-matrix">
        <thead>
          <tr>
            <th scope="col">{t("outreachTracker.recipient")}</th>
            {asks.map((ask, index) => (
              <th scope="col" key={ask.id} title={ask.text}>
                {t("outreachTracker.stances.ask", { number: index + 1 })}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {answered.map((recipient) => (
            <tr key={recipient.name}>
              <th scope="row" className="wrap-anywhere">
                {recipient.name}
              </th>
              {asks.map((ask) => {
                const stance = stanceOf(recipient, ask.id);
                return (
                  <td key={ask.id} className={stance ? `stance stance--${stance.stance}` : undefined}>
                    {stance ? t(`outreachTracker.stance.${stance.stance}`) : "—"}
                    {stance?.quote ? <q className="stance__quote wrap-anywhere">{stance.quote}</q> : null}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Recipients({ tracker }: { tracker: PublicTracker }) {
  const { t, i18n } = useTranslation();
  return (
    <section className="review-section" aria-labelledby="tracker-recipients-title">
      <h2 id="tracker-recipients-title" className="review-section__title">
        {t("outreachTracker.recipients.title")}
      </h2>
      {tracker.recipients.length === 0 ? (
        <p className="muted">{t("outreachTracker.recipients.none")}</p>
      ) : (
        <table className="table table--words" data-testid="tracker-recipients">
          <thead>
            <tr>
              <th scope="col">{t("outreachTracker.recipient")}</th>
              <th scope="col">{t("outreachTracker.country")}</th>
              <th scope="col">{t("outreachTracker.sentOn")}</th>
              <th scope="col">{t("outreachTracker.statusLabel")}</th>
            </tr>
          </thead>
          <tbody>
            {tracker.recipients.map((recipient) => (
              <tr key={recipient.name}>
                <td className="wrap-anywhere">{recipient.name}</td>
                <td>{recipient.country ? countryName(recipient.country, i18n.language) : "—"}</td>
                <td>{formatDay(recipient.first_sent_on, i18n.language)}</td>
                <td className={`status status--${recipient.status}`}>
                  {t(`outreachTracker.status.${recipient.status}`)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The public tracker (/track/:appealId): what was sent to whom and what came back, for
 * anyone, once a coordinator published it. */
export function TrackerPage() {
  const { appealId = "" } = useParams();
  const { t, i18n } = useTranslation();
  const loaded = useLoad(() => getPublicTracker(appealId), [appealId]);
  const tracker = loaded.data;

  if (loaded.error && !tracker) {
    const missing = isApiError(loaded.error, "tracker_not_found");
    return (
      <section className="page" aria-labelledby="page-heading">
        <PageTitle page={t("outreachTracker.notFoundTitle")} />
        <h1 id="page-heading">{t("outreachTracker.notFoundTitle")}</h1>
        {missing ? <p>{t("outreachTracker.notFound")}</p> : <ErrorAlert error={loaded.error} />}
      </section>
    );
  }
  if (!tracker) return <Loading />;

  return (
    <section className="page" aria-labelledby="page-heading" data-testid="public-tracker">
      <PageTitle page={tracker.title} />
      <h1 id="page-heading" className="wrap-anywhere">
        {tracker.title}
      </h1>
      <p className="muted">
        {t("outreachTracker.publishedAt", { date: formatDateTime(tracker.published_at, i18n.language) })}{" "}
        <a href={feedPath(appealId)} type="application/atom+xml">
          {t("outreachTracker.feed")}
        </a>
      </p>
      <Recipients tracker={tracker} />
      <Stances tracker={tracker} />
      <section className="review-section" aria-labelledby="tracker-signatories-title">
        <h2 id="tracker-signatories-title" className="review-section__title">
          {t("outreachTracker.signatories.title")}
        </h2>
        <p data-testid="tracker-total">
          {t("outreachTracker.signatories.total")} <Figure value={tracker.counts.total} />
        </p>
        {tracker.signatories.length > 0 ? (
          <ul className="signatory-list">
            {tracker.signatories.map((signatory) => (
              <li key={signatory.id} className="wrap-anywhere">
                <strong>{signatory.name}</strong>
                {signatory.line ? `, ${signatory.line}` : null}
              </li>
            ))}
          </ul>
        ) : null}
        {tracker.more_signatories ? <p className="muted">{t("outreachTracker.signatories.more")}</p> : null}
      </section>
      <section className="review-section" aria-labelledby="tracker-text-title">
        <h2 id="tracker-text-title" className="review-section__title">
          {t("outreachTracker.text")}
        </h2>
        <Letter blocks={tracker.blocks} label={t("outreachTracker.text")} />
      </section>
      <p className="muted">
        {t("signing.boundTo")}{" "}
        <code className="hash wrap-anywhere" data-testid="tracker-hash">
          {tracker.revision_sha256}
        </code>
      </p>
    </section>
  );
}
