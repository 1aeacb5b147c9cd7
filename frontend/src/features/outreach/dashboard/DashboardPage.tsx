import { useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { countryName } from "../../../shared/countries";
import { csvText } from "../../../shared/csv";
import { downloadText } from "../../../shared/download";
import { ErrorAlert } from "../../../shared/ErrorAlert";
import { formatDay } from "../../../shared/formatDate";
import { Loading } from "../../../shared/Loading";
import { useLoad } from "../../../shared/useLoad";
import { PageTitle } from "../../../shell/PageTitle";
import { getDashboard, type Dashboard } from "./api";
import { ChartCanvas } from "./Chart";

// classes: a CSS class per cell (the matrix colours each status), same shape as rows.
type Table = { header: string[]; rows: string[][]; classes?: (string | undefined)[][] };

function CsvButton({ table, name }: { table: Table; name: string }) {
  const { t } = useTranslation();
  return (
    <button
      type="button"
      className="button"
      onClick={() => downloadText(csvText(table.header, table.rows), `${name}.csv`, "text/csv")}
    >
      {t("outreachDashboard.csv")}
    </button>
  );
}

function DataTable({ table, testId, rowHeader = true }: { table: Table; testId: string; rowHeader?: boolean }) {
  return (
    <table className="table table--words" data-testid={testId}>
      <thead>
        <tr>
          {table.header.map((cell) => (
            <th scope="col" key={cell}>
              {cell}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {table.rows.map((row, index) => (
          <tr key={index}>
            {row.map((cell, column) =>
              rowHeader && column === 0 ? (
                <th scope="row" key={column}>
                  {cell}
                </th>
              ) : (
                <td key={column} className={table.classes?.[index]?.[column]}>
                  {cell}
                </td>
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Section({
  id,
  title,
  table,
  name,
  children,
}: {
  id: string;
  title: string;
  table: Table;
  name: string;
  children?: ReactNode;
}) {
  return (
    <section className="review-section" aria-labelledby={id}>
      <h2 id={id} className="review-section__title">
        {title}
      </h2>
      {children}
      <DataTable table={table} testId={name} />
      <div className="actions">
        <CsvButton table={table} name={name} />
      </div>
    </section>
  );
}

function useTables(data: Dashboard) {
  const { t, i18n } = useTranslation();
  const title = new Map(data.appeals.map((a) => [a.id, a.title]));
  const country = (code: string | null | undefined) => (code ? countryName(code, i18n.language) : "—");
  const percent = (rate: number) => `${Math.round(rate * 100)}%`;
  const days = (value: number | null | undefined) => (value === null || value === undefined ? "—" : String(value));
  const figureHeader = [
    t("outreachDashboard.sentTo"),
    t("outreachDashboard.answered"),
    t("outreachDashboard.rate"),
    t("outreachDashboard.medianDays"),
  ];
  const matrix: Table = {
    header: [t("outreachDashboard.recipient"), ...data.appeals.map((a) => a.title)],
    // statuses[i][j]: appeal i at recipient j (null: not sent); shown a row per recipient.
    classes: data.recipients.map((_, j) => [
      undefined,
      ...data.statuses.map((row) => {
        const found = row[j];
        return found ? `status-cell status-cell--${found}` : undefined;
      }),
    ]),
    rows: data.recipients.map((r, j) => [
      `${r.name} (${country(r.country)})`,
      ...data.statuses.map((row) => {
        const found = row[j];
        return found ? t(`outreachDispatches.statuses.${found}`) : "—";
      }),
    ]),
  };
  const byAppeal: Table = {
    header: [t("outreachDashboard.appeal"), ...figureHeader],
    rows: data.by_appeal.map((f) => [
      title.get(f.appeal_id) ?? "",
      String(f.sent_to),
      String(f.answered),
      percent(f.rate),
      days(f.median_days),
    ]),
  };
  const byCountry: Table = {
    header: [t("outreachDashboard.country"), ...figureHeader],
    rows: data.by_country.map((f) => [
      country(f.country),
      String(f.sent_to),
      String(f.answered),
      percent(f.rate),
      days(f.median_days),
    ]),
  };
  const overdue = data.statuses.reduce((n, row) => n + row.filter((s) => s === "overdue").length, 0);
  return { matrix, byAppeal, byCountry, overdue };
}

const lowest = (values: number[]) => (values.length ? Math.min(...values) : 0);
const highest = (values: number[]) => (values.length ? Math.max(...values) : 0);

/** Response rate per appeal, as a bar chart over the by-appeal table. */
function RateChart({ data }: { data: Dashboard }) {
  const { t } = useTranslation();
  const title = new Map(data.appeals.map((a) => [a.id, a.title]));
  const rates = data.by_appeal.map((f) => Math.round(f.rate * 100));
  return (
    <ChartCanvas
      type="bar"
      testId="by-appeal-chart"
      percent
      labels={data.by_appeal.map((f) => title.get(f.appeal_id) ?? "")}
      series={[{ label: t("outreachDashboard.rate"), data: rates, colour: "first" }]}
      label={t("outreachDashboard.chartRate", { low: `${lowest(rates)}%`, high: `${highest(rates)}%` })}
    />
  );
}

/** Median days to a response per country (those with one), as a bar chart. */
function MedianChart({ data }: { data: Dashboard }) {
  const { t, i18n } = useTranslation();
  const answered = data.by_country.flatMap((f) => (f.median_days === null ? [] : [{ ...f, days: f.median_days }]));
  if (answered.length === 0) return null;
  const days = answered.map((f) => f.days);
  return (
    <ChartCanvas
      type="bar"
      testId="by-country-chart"
      labels={answered.map((f) => (f.country ? countryName(f.country, i18n.language) : "—"))}
      series={[{ label: t("outreachDashboard.medianDays"), data: days, colour: "first" }]}
      label={t("outreachDashboard.chartMedian", { low: lowest(days), high: highest(days) })}
    />
  );
}

/** Dispatches sent and responses received week by week, of every appeal or of one: a line
 * chart over a table of every week (quiet ones included) that downloads as CSV. */
function Timeline({ data }: { data: Dashboard }) {
  const { t, i18n } = useTranslation();
  const [appealId, setAppealId] = useState("");
  const every = data.timeline.weeks;
  let weeks = every;
  if (appealId) {
    // An appeal's own weeks are only those with something; the quiet ones since its first
    // are filled in from the overall calendar (which runs to this week).
    const own = new Map(
      (data.timeline.by_appeal.find((a) => a.appeal_id === appealId)?.weeks ?? []).map((w) => [w.week, w]),
    );
    const first = [...own.keys()].sort()[0];
    weeks =
      first === undefined
        ? []
        : every
            .filter((w) => w.week >= first)
            .map((w) => own.get(w.week) ?? { week: w.week, dispatched: 0, responded: 0 });
  }
  const day = (week: string) => formatDay(week, i18n.language);
  const table: Table = {
    header: [t("outreachDashboard.week"), t("outreachDashboard.dispatched"), t("outreachDashboard.responded")],
    rows: weeks.map((w) => [day(w.week), String(w.dispatched), String(w.responded)]),
  };
  const sum = (key: "dispatched" | "responded") => weeks.reduce((total, w) => total + w[key], 0);
  return (
    <Section id="dashboard-timeline" title={t("outreachDashboard.timeline")} table={table} name="timeline">
      <label className="field">
        <span className="field__label">{t("outreachDashboard.appeal")}</span>
        <select value={appealId} onChange={(event) => setAppealId(event.target.value)}>
          <option value="">{t("outreachDashboard.allAppeals")}</option>
          {data.appeals.map((a) => (
            <option key={a.id} value={a.id}>
              {a.title}
            </option>
          ))}
        </select>
      </label>
      {weeks.length > 0 ? (
        <ChartCanvas
          type="line"
          testId="timeline-chart"
          labels={weeks.map((w) => day(w.week))}
          series={[
            { label: t("outreachDashboard.dispatched"), data: weeks.map((w) => w.dispatched), colour: "first" },
            { label: t("outreachDashboard.responded"), data: weeks.map((w) => w.responded), colour: "second" },
          ]}
          label={t("outreachDashboard.chartTimeline", {
            from: day(weeks[0]?.week ?? ""),
            to: day(weeks[weeks.length - 1]?.week ?? ""),
            dispatched: sum("dispatched"),
            responded: sum("responded"),
          })}
        />
      ) : null}
    </Section>
  );
}

function Stances({ data }: { data: Dashboard }) {
  const { t } = useTranslation();
  const [appealId, setAppealId] = useState(data.appeals[0]?.id ?? "");
  const stances = data.stances.find((s) => s.appeal_id === appealId);
  if (!stances) return null;
  const table: Table = {
    header: [
      t("outreachDashboard.recipient"),
      ...stances.asks.map((a) => t("outreachTracker.stances.ask", { number: a.number })),
    ],
    // A row per recipient who took a stance on any ask; its stances in the asks' order.
    rows: stances.rows.map((row) => [
      data.recipients[row.recipient]?.name ?? "",
      ...row.stances.map((stance) => (stance ? t(`outreachDispatches.stanceNames.${stance as "supports"}`) : "—")),
    ]),
  };
  return (
    <Section id="dashboard-stances" title={t("outreachDashboard.stances")} table={table} name="stances">
      <label className="field">
        <span className="field__label">{t("outreachDashboard.appeal")}</span>
        <select value={appealId} onChange={(event) => setAppealId(event.target.value)}>
          {data.appeals.map((a) => (
            <option key={a.id} value={a.id}>
              {a.title}
            </option>
          ))}
        </select>
      </label>
      <ol className="muted">
        {stances.asks.map((ask) => (
          <li key={ask.id}>{ask.text}</li>
        ))}
      </ol>
    </Section>
  );
}

/** The coordinators' dashboard (/outreach): every appeal × every recipient at a glance,
 * response figures per appeal and per country (with charts), dispatches and responses week
 * by week, and where governments stand on each demand; every table downloads as CSV (made in the browser: nothing goes back to the server). */
export function DashboardPage() {
  const { t } = useTranslation();
  const loaded = useLoad(() => getDashboard(), []);
  const data = loaded.data;
  if (loaded.error && !data) {
    return (
      <section className="page" aria-labelledby="page-heading">
        <PageTitle page={t("outreachDashboard.title")} />
        <h1 id="page-heading">{t("outreachDashboard.title")}</h1>
        <ErrorAlert error={loaded.error} />
      </section>
    );
  }
  if (!data) return <Loading />;
  return <Tables data={data} />;
}

function Tables({ data }: { data: Dashboard }) {
  const { t } = useTranslation();
  const { matrix, byAppeal, byCountry, overdue } = useTables(data);
  return (
    <section className="page" aria-labelledby="page-heading" data-testid="outreach-dashboard">
      <PageTitle page={t("outreachDashboard.title")} />
      <h1 id="page-heading">{t("outreachDashboard.title")}</h1>
      {data.appeals.length === 0 ? (
        <p>{t("outreachDashboard.empty")}</p>
      ) : (
        <>
          <Section id="dashboard-matrix" title={t("outreachDashboard.matrix")} table={matrix} name="status-matrix">
            <p className="muted">
              {t("outreachDashboard.matrixHint")}{" "}
              {data.appeals.map((a, index) => (
                <span key={a.id}>
                  {index > 0 ? ", " : null}
                  <Link to={`/appeals/${a.id}?tab=outreach`}>{a.title}</Link>
                </span>
              ))}
            </p>
            <p className="muted" data-testid="overdue-count">
              {t("outreachDashboard.overdue", { count: overdue })}
            </p>
          </Section>
          <Section id="dashboard-by-appeal" title={t("outreachDashboard.byAppeal")} table={byAppeal} name="by-appeal">
            <RateChart data={data} />
          </Section>
          <Section
            id="dashboard-by-country"
            title={t("outreachDashboard.byCountry")}
            table={byCountry}
            name="by-country"
          >
            <MedianChart data={data} />
          </Section>
          <Timeline data={data} />
          <Stances data={data} />
        </>
      )}
    </section>
  );
}
