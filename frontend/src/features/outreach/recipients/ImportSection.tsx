import { useId, useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { Notice } from "../../../shared/Notice";
import { TextArea } from "../../../shared/TextArea";
import { useAction } from "../../../shared/useAction";
import { importRecipients, type ImportReport } from "./api";
import { ImportReportTable } from "./ImportReportTable";
import { RecipientErrorAlert } from "./RecipientError";

const MAX_BYTES = 512 * 1024;

/** CSV import: check the file first (a dry run shows every problem), then import all rows. */
export function ImportSection({ onImported }: { onImported: () => void }) {
  const { t } = useTranslation();
  const fileId = useId();
  const [text, setText] = useState("");
  const [report, setReport] = useState<ImportReport | null>(null);
  const [tooLarge, setTooLarge] = useState(false);
  const action = useAction();

  async function readFile(file: File | undefined) {
    setReport(null);
    setTooLarge(false);
    if (!file) return;
    if (file.size > MAX_BYTES) {
      setText("");
      setTooLarge(true);
      return;
    }
    setText(await file.text());
  }

  async function check(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const checked = await action.run(() => importRecipients(text, true));
    if (checked) setReport(checked);
  }

  async function importAll() {
    const done = await action.run(
      () => importRecipients(text, false),
      t("outreachRecipients.import.done", { count: report?.preview.length ?? 0 }),
    );
    if (done) {
      setReport(null);
      setText("");
      onImported();
    }
  }

  const ready = report !== null && report.problems.length === 0 && report.rows > 0;
  return (
    <section className="card" aria-labelledby="recipients-import">
      <h2 id="recipients-import" className="card__title">
        {t("outreachRecipients.import.title")}
      </h2>
      <p className="muted">{t("outreachRecipients.import.help")}</p>
      <form onSubmit={(event) => void check(event)}>
        <div className="field">
          <label htmlFor={fileId}>{t("outreachRecipients.import.file")}</label>
          <input
            id={fileId}
            type="file"
            accept=".csv,text/csv"
            onChange={(event) => void readFile(event.target.files?.[0])}
          />
        </div>
        <TextArea
          label={t("outreachRecipients.import.paste")}
          value={text}
          rows={5}
          onChange={(value) => {
            setText(value);
            setReport(null);
          }}
        />
        <div className="actions">
          <button type="submit" className="button" disabled={action.busy || !text.trim()}>
            {t("outreachRecipients.import.check")}
          </button>
          {ready ? (
            <button
              type="button"
              className="button button--primary"
              disabled={action.busy}
              onClick={() => void importAll()}
            >
              {t("outreachRecipients.import.importAll", { count: report.preview.length })}
            </button>
          ) : null}
        </div>
      </form>
      {tooLarge ? (
        <p role="alert" className="alert alert--error">
          {t("outreachRecipients.errors.import_too_large")}
        </p>
      ) : null}
      <RecipientErrorAlert error={action.error} />
      <Notice>{action.notice}</Notice>
      {report ? <ImportReportTable report={report} /> : null}
    </section>
  );
}
