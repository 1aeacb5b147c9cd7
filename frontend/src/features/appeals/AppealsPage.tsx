import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { formatDateTime } from "../../shared/formatDate";
import { Loading } from "../../shared/Loading";
import { PageTitle } from "../../shell/PageTitle";
import { RequireStep } from "../auth/guards";
import { AppealErrorAlert } from "./AppealError";
import { listAppeals, type AppealState, type AppealSummary } from "./api";
import { StateBadge } from "./labels";
import { NewAppeal } from "./NewAppeal";
import { usePages } from "./usePages";

export const APPEAL_STATES: readonly AppealState[] = [
  "draft",
  "review",
  "approved",
  "open",
  "closed",
  "archived",
  "withdrawn",
];

const isState = (value: string): value is AppealState => (APPEAL_STATES as readonly string[]).includes(value);

/** One appeal in a list: its title (a link), state, lead organization, revision, last change. */
export function AppealItem({ appeal }: { appeal: AppealSummary }) {
  const { t, i18n } = useTranslation();
  return (
    <li className="item appeal-item">
      <div className="item__main">
        <Link to={`/appeals/${appeal.id}`} className="appeal-item__title wrap-anywhere">
          {appeal.title}
        </Link>
        <span className="muted wrap-anywhere">
          {t("appeals.list.lead", { name: appeal.lead_organization_name })} ·{" "}
          {t("appeals.list.revision", { number: appeal.head_number })} ·{" "}
          {t("appeals.list.updated", { when: formatDateTime(appeal.updated_at ?? appeal.created_at, i18n.language) })}
        </span>
      </div>
      <StateBadge state={appeal.state} />
    </li>
  );
}

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
