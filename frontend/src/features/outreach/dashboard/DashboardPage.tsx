import { useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { countryName } from "../../../shared/countries";
import { csvText } from "../../../shared/csv";
import { downloadText } from "../../../shared/download";
import { ErrorAlert } from "../../../shared/ErrorAlert";
import { Loading } from "../../../shared/Loading";
import { useLoad } from "../../../shared/useLoad";
import { PageTitle } from "../../../shell/PageTitle";
import { getDashboard, type Dashboard } from "./api";

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
  const status = new Map(data.cells.map((c) => [`${c.appeal_id}/${c.recipient_id}`, c.status]));
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
    classes: data.recipients.map((r) => [
      undefined,
      ...data.appeals.map((a) => {
        const found = status.get(`${a.id}/${r.id}`);
        return found ? `status-cell status-cell--${found}` : undefined;
      }),
    ]),
    rows: data.recipients.map((r) => [
      `${r.name} (${country(r.country)})`,
      ...data.appeals.map((a) => {
        const found = status.get(`${a.id}/${r.id}`);
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
  return { matrix, byAppeal, byCountry, status };
}

function Stances({ data }: { data: Dashboard }) {
  const { t } = useTranslation();
  const [appealId, setAppealId] = useState(data.appeals[0]?.id ?? "");
  const stances = data.stances.find((s) => s.appeal_id === appealId);
  if (!stances) return null;
  const answered = data.recipients.filter((r) => stances.cells.some((c) => c.recipient_id === r.id));
  const table: Table = {
    header: [
      t("outreachDashboard.recipient"),
      ...stances.asks.map((a) => t("outreachTracker.stances.ask", { number: a.number })),
    ],
    rows: answered.map((r) => [
      r.name,
      ...stances.asks.map((a) => {
        const cell = stances.cells.find((c) => c.recipient_id === r.id && c.ask_id === a.id);
        return cell ? t(`outreachDispatches.stanceNames.${cell.stance as "supports"}`) : "—";
      }),
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
 * response figures per appeal and per country, and where governments stand on each demand;
 * every table downloads as CSV (made in the browser: nothing goes back to the server). */
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
  const { matrix, byAppeal, byCountry, status } = useTables(data);
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
              {t("outreachDashboard.overdue", { count: [...status.values()].filter((s) => s === "overdue").length })}
            </p>
          </Section>
          <Section id="dashboard-by-appeal" title={t("outreachDashboard.byAppeal")} table={byAppeal} name="by-appeal" />
          <Section
            id="dashboard-by-country"
            title={t("outreachDashboard.byCountry")}
            table={byCountry}
            name="by-country"
          />
          <Stances data={data} />
        </>
      )}
    </section>
  );
}
