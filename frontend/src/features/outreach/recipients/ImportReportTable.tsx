import { useTranslation } from "react-i18next";
import type { ImportReport, RecipientKind } from "./api";

/** A dry run's answer: the problems row by row, or the rows that would be imported. */
export function ImportReportTable({ report }: { report: ImportReport }) {
  const { t } = useTranslation();
  const problems = report.problems;
  if (problems.length > 0) {
    return (
      <div className="table-scroll" data-testid="import-problems">
        <p>{t("outreachRecipients.import.problems", { count: problems.length, rows: report.rows })}</p>
        <table className="table">
          <caption className="visually-hidden">{t("outreachRecipients.import.problemsCaption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("outreachRecipients.import.row")}</th>
              <th scope="col">{t("outreachRecipients.import.column")}</th>
              <th scope="col">{t("outreachRecipients.import.problem")}</th>
            </tr>
          </thead>
          <tbody>
            {problems.map((problem, index) => (
              <tr key={`${problem.row}-${problem.column ?? ""}-${index}`}>
                <td>{problem.row}</td>
                <td>{problem.column ?? "—"}</td>
                <td>
                  {/* The server's words are never shown: a code we have no words for reads as "not valid". */}
                  {t(`outreachRecipients.import.codes.${problem.code}`, {
                    defaultValue: t("outreachRecipients.import.codes.value_error"),
                  })}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }
  return (
    <div className="table-scroll" data-testid="import-preview">
      <p>
        {t("outreachRecipients.import.ready", { count: report.preview.length })}
        {report.groups_created > 0
          ? " " + t("outreachRecipients.import.newGroups", { count: report.groups_created })
          : null}
      </p>
      <table className="table">
        <caption className="visually-hidden">{t("outreachRecipients.import.previewCaption")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("outreachRecipients.import.row")}</th>
            <th scope="col">{t("outreachRecipients.fields.name")}</th>
            <th scope="col">{t("outreachRecipients.fields.kind")}</th>
            <th scope="col">{t("outreachRecipients.fields.country")}</th>
            <th scope="col">{t("outreachRecipients.import.group")}</th>
          </tr>
        </thead>
        <tbody>
          {report.preview.map((row) => (
            <tr key={row.row}>
              <td>{row.row}</td>
              <td>{row.name}</td>
              <td>{t(`outreachRecipients.kinds.${row.kind as RecipientKind}`)}</td>
              <td>{row.country ?? "—"}</td>
              <td>{row.group ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
