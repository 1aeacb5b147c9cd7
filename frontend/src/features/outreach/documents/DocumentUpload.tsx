import { useId, useRef, useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { Notice } from "../../../shared/Notice";
import { useAction } from "../../../shared/useAction";
import { type DocumentParent, type DocumentRead, type Uploader, uploadDocument } from "./api";
import { uploadErrorMessage } from "./messages";

/** What the server accepts (recognized from the content; the extensions only help the picker). */
export const ACCEPT = ".pdf,.png,.jpg,.jpeg,.webp,.gif,.docx,.xlsx,.pptx,.odt,.ods";
export const DEFAULT_MAX_BYTES = 25_000_000;

interface Props {
  parent: DocumentParent;
  /** The server's limit (ACCORD_OUTREACH__DOCUMENT_MAX_BYTES), checked here before sending. */
  maxBytes?: number;
  onUploaded?: (document: DocumentRead) => void;
  /** Tests replace the XMLHttpRequest upload. */
  upload?: Uploader;
}

/**
 * Attach a document (a proof of dispatch, a response letter) to a dispatch or a response:
 * pick a file, send it with visible progress; the status region says when it is stored and
 * the alert says, in words, why it was refused (too large, not an accepted type, damaged).
 */
export function DocumentUpload({ parent, maxBytes = DEFAULT_MAX_BYTES, onUploaded, upload = uploadDocument }: Props) {
  const { t } = useTranslation();
  const inputId = useId();
  const hintId = useId();
  const errorId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const action = useAction();

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (file === null) {
      action.setError(null);
      action.setNotice(null);
      setLocalError(t("outreachDocuments.chooseFirst"));
      return;
    }
    setLocalError(null);
    if (file.size > maxBytes) {
      setLocalError(t("outreachDocuments.errors.tooLarge", { megabytes: Math.floor(maxBytes / 1_000_000) }));
      return;
    }
    setProgress(0);
    void action
      .run(async () => {
        const stored = await upload(parent, file, setProgress);
        setFile(null);
        if (input.current) input.current.value = "";
        onUploaded?.(stored);
        // The name it was stored under: sanitized, so not always the one picked.
        action.setNotice(t("outreachDocuments.uploaded", { name: stored.filename }));
        return stored;
      })
      .finally(() => setProgress(null));
  };

  const [localError, setLocalError] = useState<string | null>(null);
  const shownError = localError ?? (action.error ? uploadErrorMessage(t, action.error, maxBytes) : null);

  return (
    <form className="form" onSubmit={submit} noValidate data-testid="document-upload">
      <div className="field">
        <label htmlFor={inputId}>{t("outreachDocuments.file")}</label>
        <input
          ref={input}
          id={inputId}
          type="file"
          accept={ACCEPT}
          aria-describedby={shownError ? `${hintId} ${errorId}` : hintId}
          aria-invalid={shownError ? true : undefined}
          disabled={action.busy}
          onChange={(event) => {
            setFile(event.currentTarget.files?.[0] ?? null);
            setLocalError(null);
            action.setError(null);
            action.setNotice(null);
          }}
        />
        <p id={hintId} className="field__hint">
          {t("outreachDocuments.hint", { megabytes: Math.floor(maxBytes / 1_000_000) })}
        </p>
      </div>
      {progress !== null ? (
        <progress max={1} value={progress} aria-label={t("outreachDocuments.progress")}>
          {Math.round(progress * 100)}%
        </progress>
      ) : null}
      {shownError ? (
        <p role="alert" id={errorId} className="alert alert--error">
          {shownError}
        </p>
      ) : null}
      <Notice>{action.notice}</Notice>
      <div className="actions">
        <button type="submit" className="button button--primary" disabled={action.busy}>
          {action.busy ? t("outreachDocuments.uploading") : t("outreachDocuments.upload")}
        </button>
      </div>
    </form>
  );
}
