import { useId, useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { isApiError } from "../../../api/problem";
import { ErrorAlert } from "../../../shared/ErrorAlert";
import { Loading } from "../../../shared/Loading";
import { Notice } from "../../../shared/Notice";
import { TextArea } from "../../../shared/TextArea";
import { TextField } from "../../../shared/TextField";
import { useAction } from "../../../shared/useAction";
import { useLoad } from "../../../shared/useLoad";
import {
  downloadBatch,
  letterFileUrl,
  listLetters,
  readClosing,
  readLetter,
  saveClosing,
  type Letter,
  type LetterRecipient,
} from "./api";

/** The phrase printed after the signatories: coordinators change it, with If-Match. */
function ClosingEditor({ appealId, onSaved }: { appealId: string; onSaved: () => void }) {
  const { t } = useTranslation();
  const action = useAction();
  const loaded = useLoad(() => readClosing(appealId), [appealId]);
  const [draft, setDraft] = useState<string | null>(null);
  const value = draft ?? loaded.data?.text ?? "";

  const onSubmit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    void action.run(async () => {
      try {
        const saved = await saveClosing(appealId, loaded.data?.etag ?? null, value);
        loaded.setData(saved);
        setDraft(null);
        onSaved();
      } catch (error) {
        if (isApiError(error, "version_mismatch")) loaded.reload();
        throw error;
      }
    }, t("outreachLetters.closingSaved"));
  };

  if (!loaded.data) return loaded.error ? <ErrorAlert error={loaded.error} /> : <Loading />;
  return (
    <form className="form" onSubmit={onSubmit} data-testid="letter-closing">
      <TextArea
        label={t("outreachLetters.closingLabel")}
        hint={t("outreachLetters.closingHint")}
        value={value}
        onChange={setDraft}
        maxLength={1000}
      />
      <button type="submit" className="button" disabled={action.busy}>
        {t("outreachLetters.closingSave")}
      </button>
      <Notice>{action.notice}</Notice>
      <ErrorAlert error={action.error} />
    </form>
  );
}

/**
 * The letters of an appeal, one per recipient: preview the text, download the PDF or the
 * plain text, or a ZIP of those chosen. Coordinators also set the closing phrase.
 */
export function LettersSection({ appealId, canEdit }: { appealId: string; canEdit: boolean }) {
  const { t } = useTranslation();
  const id = useId();
  const index = useLoad(() => listLetters(appealId), [appealId]);
  const preview = useAction();
  const batch = useAction();
  const [date, setDate] = useState("");
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [letter, setLetter] = useState<Letter | null>(null);
  const day = date || null;

  if (isApiError(index.error, "appeal_not_frozen")) {
    return <p data-testid="letters-not-frozen">{t("outreachLetters.notFrozen")}</p>;
  }
  if (!index.data) return index.error ? <ErrorAlert error={index.error} /> : <Loading />;
  const recipients = index.data.recipients;

  const toggle = (recipientId: string) =>
    setChosen((previous) => {
      const next = new Set(previous);
      if (next.has(recipientId)) next.delete(recipientId);
      else next.add(recipientId);
      return next;
    });

  const show = (recipient: LetterRecipient) =>
    void preview.run(async () => setLetter(await readLetter(appealId, recipient.recipient_id, day)));

  const onBatch = () =>
    void batch.run(
      () => downloadBatch(appealId, [...chosen], day),
      t("outreachLetters.batchDone", { count: chosen.size }),
    );

  return (
    <section aria-labelledby={`${id}-title`} data-testid="letters">
      <h2 id={`${id}-title`}>{t("outreachLetters.title")}</h2>
      <p className="muted">{t("outreachLetters.intro", { hash: index.data.sha256.slice(0, 12) })}</p>
      <TextField
        label={t("outreachLetters.date")}
        hint={t("outreachLetters.dateHint")}
        type="date"
        value={date}
        onChange={setDate}
      />
      {recipients.length === 0 ? (
        <p>{t("outreachLetters.noRecipients")}</p>
      ) : (
        <ul className="letters-list">
          {recipients.map((recipient) => (
            <li key={recipient.recipient_id} className="letters-list__item">
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={chosen.has(recipient.recipient_id)}
                  onChange={() => toggle(recipient.recipient_id)}
                />
                <span>
                  {recipient.name}
                  <span className="muted">
                    {" · "}
                    {recipient.translated
                      ? t("outreachLetters.inTranslation", { language: recipient.language })
                      : t("outreachLetters.inSource", { language: recipient.language })}
                  </span>
                </span>
              </label>
              <div className="actions">
                <button type="button" className="button" onClick={() => show(recipient)} disabled={preview.busy}>
                  {t("outreachLetters.preview")}
                  <span className="visually-hidden">: {recipient.name}</span>
                </button>
                <a className="button" href={letterFileUrl(appealId, recipient.recipient_id, "pdf", day)} download>
                  {t("outreachLetters.pdf")}
                  <span className="visually-hidden">: {recipient.name}</span>
                </a>
                <a className="button" href={letterFileUrl(appealId, recipient.recipient_id, "txt", day)} download>
                  {t("outreachLetters.text")}
                  <span className="visually-hidden">: {recipient.name}</span>
                </a>
              </div>
            </li>
          ))}
        </ul>
      )}
      {recipients.length > 0 ? (
        <div className="actions">
          <button
            type="button"
            className="button button--primary"
            onClick={onBatch}
            disabled={batch.busy || chosen.size === 0}
          >
            {t("outreachLetters.batch", { count: chosen.size })}
          </button>
        </div>
      ) : null}
      <Notice>{batch.notice}</Notice>
      <ErrorAlert error={batch.error} />
      <ErrorAlert error={preview.error} />
      {letter ? (
        <section className="review-section" aria-labelledby={`${id}-preview`} data-testid="letter-preview">
          <h3 id={`${id}-preview`} className="review-section__title">
            {t("outreachLetters.previewTitle", { name: letter.recipient_name })}
          </h3>
          <pre className="letter-preview">{letter.text}</pre>
        </section>
      ) : null}
      {canEdit ? (
        <section className="review-section" aria-labelledby={`${id}-closing`}>
          <h3 id={`${id}-closing`} className="review-section__title">
            {t("outreachLetters.closingTitle")}
          </h3>
          <ClosingEditor appealId={appealId} onSaved={() => setLetter(null)} />
        </section>
      ) : null}
    </section>
  );
}
