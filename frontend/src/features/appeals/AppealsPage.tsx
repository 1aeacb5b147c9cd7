import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { OpenAppeals } from "../signatories/OpenAppeals";
import { Loading } from "../../shared/Loading";
import { PageTitle } from "../../shell/PageTitle";
import { RequireStep } from "../auth/guards";
import { AppealErrorAlert } from "./AppealError";
import { APPEAL_STATES, AppealItem, isState } from "./AppealItem";
import { listAppeals, type AppealState } from "./api";
import { NewAppeal } from "./NewAppeal";
import { usePages } from "./usePages";

function AppealsList() {
  const { t } = useTranslation();
  const filterId = useId();
  const [state, setState] = useState<AppealState | "">("");
  const pages = usePages((cursor) => listAppeals(cursor, state || null), [state]);

  return (
    <section className="card" aria-labelledby="appeals-list-heading">
      <h2 id="appeals-list-heading" className="card__title">
        {t("appeals.list.title")}
      </h2>
      <div className="list-filter">
        <div className="field">
          <label htmlFor={filterId}>{t("appeals.list.filter")}</label>
          <select
            id={filterId}
            value={state}
            onChange={(event) => setState(isState(event.target.value) ? event.target.value : "")}
          >
            <option value="">{t("appeals.list.allStates")}</option>
            {APPEAL_STATES.map((value) => (
              <option key={value} value={value}>
                {t(`appeals.states.${value}`)}
              </option>
            ))}
          </select>
        </div>
        <p className="muted" aria-live="polite" data-testid="appeals-count">
          {pages.items ? t("appeals.list.shown", { number: pages.items.length }) : ""}
        </p>
      </div>
      <AppealErrorAlert error={pages.error} />
      {!pages.items && !pages.error ? <Loading /> : null}
      {pages.items?.length === 0 ? (
        <p className="muted">{state ? t("appeals.list.noneInState") : t("appeals.list.none")}</p>
      ) : null}
      {pages.items && pages.items.length > 0 ? (
        <ul className="items" data-testid="appeals-list">
          {pages.items.map((appeal) => (
            <AppealItem key={appeal.id} appeal={appeal} />
          ))}
        </ul>
      ) : null}
      {pages.hasMore ? (
        <p>
          <button type="button" className="button" disabled={pages.busy} onClick={pages.more}>
            {pages.busy ? t("common.loading") : t("appeals.list.loadMore")}
          </button>
        </p>
      ) : null}
    </section>
  );
}

function Appeals() {
  const { t } = useTranslation();
  return (
    <section className="page" aria-labelledby="page-heading">
      <PageTitle page={t("appeals.title")} />
      <h1 id="page-heading">{t("appeals.title")}</h1>
      <p className="lead">{t("appeals.intro")}</p>
      <OpenAppeals />
      <AppealsList />
      <NewAppeal />
    </section>
  );
}

export function AppealsPage() {
  return (
    <RequireStep step="full">
      <Appeals />
    </RequireStep>
  );
}
