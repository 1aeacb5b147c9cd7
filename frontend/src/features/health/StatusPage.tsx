import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { PageTitle } from "../../shell/PageTitle";
import { READINESS_CHECKS, fetchServerHealth, type CheckState, type Health, type ServerHealth } from "./serverHealth";

// 24-hour clock: unambiguous, and correct even where the browser lacks data for the locale.
const TIME_FORMAT: Intl.DateTimeFormatOptions = {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
};

export function StatusPage() {
  const { t, i18n } = useTranslation();
  const [result, setResult] = useState<ServerHealth | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setResult(null);
    fetchServerHealth(controller.signal).then(setResult, () => {
      // aborted: the page was left or a newer check started
    });
    return () => controller.abort();
  }, [attempt]);

  const health: Health = result?.health ?? "checking";
  const checkState = (name: (typeof READINESS_CHECKS)[number]): CheckState | "checking" =>
    result ? result.checks[name] : "checking";

  return (
    <section className="page" aria-labelledby="page-heading">
      <PageTitle page={t("status.title")} />
      <h1 id="page-heading">{t("status.title")}</h1>
      <p className="lead">{t("status.intro")}</p>

      <div className="card">
        <div className="health-summary">
          <h2 id="health-heading">{t("status.health")}</h2>
          <span role="status" data-testid="health-status" data-state={health} className={`badge badge--${health}`}>
            {t(`status.${health}`)}
          </span>
        </div>

        <h3 className="checks-heading">{t("status.checksHeading")}</h3>
        <dl className="checks">
          {READINESS_CHECKS.map((name) => {
            const state = checkState(name);
            return (
              <div className="checks__row" key={name}>
                <dt>{t(`status.checks.${name}`)}</dt>
                <dd data-testid={`check-${name}`} data-state={state} className={`check-state check-state--${state}`}>
                  {state === "checking" ? t("status.checking") : t(`status.checkState.${state}`)}
                </dd>
              </div>
            );
          })}
        </dl>

        <div className="card__footer">
          <p className="muted">
            {result
              ? t("status.lastChecked", {
                  time: new Intl.DateTimeFormat(i18n.language, TIME_FORMAT).format(result.checkedAt),
                })
              : null}
          </p>
          <button type="button" className="button" onClick={() => setAttempt((n) => n + 1)}>
            {t("status.refresh")}
          </button>
        </div>
      </div>
    </section>
  );
}
