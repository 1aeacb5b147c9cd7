import { useId, useRef, useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { Loading } from "../../../shared/Loading";
import { Notice } from "../../../shared/Notice";
import { useAction } from "../../../shared/useAction";
import { useLoad } from "../../../shared/useLoad";
import { createTranslation, listTranslations, type Appeal, type TranslationSummary } from "../api";
import { Badge, canonicalTag, languageName, ReviewError, textOpen } from "./common";
import { TranslationEditor } from "./TranslationEditor";

/**
 * Translations of the appeal: which exist, whether each follows the current text (or is
 * stale) and is approved; starting one; and, opened, the side-by-side editor.
 */
export function TranslationsPanel({ appeal }: { appeal: Appeal; onChanged: () => void }) {
  const { t, i18n } = useTranslation();
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const translations = useLoad(() => listTranslations(appeal.id), [appeal.id, appeal.head_sha256]);
  const [open, setOpen] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const canStart = appeal.rights.includes("edit") && textOpen(appeal);

  if (open) {
    return (
      <section className="review-panel" aria-labelledby={headingId} data-testid="translations-panel">
        <h2 id={headingId} ref={heading} tabIndex={-1} className="review-panel__title focus-heading">
          {t("appealReview.translations.editorTitle", { language: languageName(open, i18n.language) })}
        </h2>
        <Notice>{notice}</Notice>
        <TranslationEditor
          appeal={appeal}
          language={open}
          onClose={() => {
            setNotice(null);
            heading.current?.focus();
            setOpen(null);
            translations.reload();
          }}
        />
      </section>
    );
  }

  const items = translations.data?.items ?? [];
  return (
    <section className="review-panel" aria-labelledby={headingId} data-testid="translations-panel">
      <h2 id={headingId} ref={heading} tabIndex={-1} className="review-panel__title focus-heading">
        {t("appealReview.translations.title")}
      </h2>
      <p className="muted">
        {t("appealReview.translations.sourceLanguage", { language: languageName(appeal.language, i18n.language) })}
      </p>
      <Notice>{notice}</Notice>
      <ReviewError error={translations.error} />
      {!translations.data && !translations.error ? <Loading /> : null}
      {translations.data && items.length === 0 ? <p className="muted">{t("appealReview.translations.none")}</p> : null}
      {items.length > 0 ? (
        <ul className="review-list">
          {items.map((item) => (
            <TranslationRow key={item.language} item={item} onOpen={() => setOpen(item.language)} />
          ))}
        </ul>
      ) : null}
      {canStart && translations.data ? (
        <AddTranslation
          appeal={appeal}
          existing={items.map((item) => item.language)}
          onCreated={(language) => {
            setNotice(
              t("appealReview.translations.createdNotice", { language: languageName(language, i18n.language) }),
            );
            setOpen(language);
            heading.current?.focus();
          }}
        />
      ) : null}
    </section>
  );
}

function TranslationRow({ item, onOpen }: { item: TranslationSummary; onOpen: () => void }) {
  const { t, i18n } = useTranslation();
  const name = languageName(item.language, i18n.language);
  return (
    <li className="review-item review-item--row" data-testid="translation">
      <div className="item__main">
        <strong>{name}</strong>
        <span className="review-meta">
          {item.stale ? (
            <Badge tone="warn">{t("appealReview.translations.stale", { number: item.source_number ?? "—" })}</Badge>
          ) : (
            <Badge>{t("appealReview.translations.current", { number: item.source_number ?? "—" })}</Badge>
          )}
          {item.approved ? (
            <Badge tone="ok">{t("appealReview.translations.approved")}</Badge>
          ) : (
            <Badge>{t("appealReview.translations.notApproved")}</Badge>
          )}
        </span>
        <span className="muted">{t("appealReview.translations.revision", { number: item.head_number })}</span>
      </div>
      <button type="button" className="button" onClick={onOpen}>
        {t("appealReview.translations.open", { language: name })}
      </button>
    </li>
  );
}

function AddTranslation({
  appeal,
  existing,
  onCreated,
}: {
  appeal: Appeal;
  existing: string[];
  onCreated: (language: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const sectionId = useId();
  const inputId = useId();
  const previewId = useId();
  const errorId = useId();
  const action = useAction();
  const [tag, setTag] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const canonical = canonicalTag(tag);
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

  const check = (): string | null => {
    if (!canonical) return t("appealReview.translations.invalidTag");
    if (same(canonical, appeal.language)) return t("appealReview.translations.sourceTag");
    if (existing.some((language) => same(language, canonical))) return t("appealReview.translations.exists");
    return null;
  };

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const found = check();
    setProblem(found);
    if (found || !canonical) return;
    const created = await action.run(() => createTranslation(appeal.id, canonical));
    if (created) {
      setTag("");
      onCreated(created.translation.language);
    }
  };

  return (
    <section className="review-section" aria-labelledby={sectionId}>
      <h3 id={sectionId} className="review-section__title">
        {t("appealReview.translations.addTitle")}
      </h3>
      <form className="form" onSubmit={(event) => void submit(event)} noValidate>
        <div className="field">
          <label htmlFor={inputId}>{t("appealReview.translations.tagLabel")}</label>
          <p className="field__hint" id={`${inputId}-hint`}>
            {t("appealReview.translations.tagHint")}
          </p>
          <input
            id={inputId}
            type="text"
            value={tag}
            autoComplete="off"
            spellCheck={false}
            maxLength={35}
            aria-describedby={`${inputId}-hint ${previewId}`}
            aria-invalid={problem ? true : undefined}
            aria-errormessage={problem ? errorId : undefined}
            onChange={(event) => {
              setTag(event.target.value);
              setProblem(null);
            }}
          />
          <p id={previewId} className="review-preview" aria-live="polite" data-testid="language-preview">
            {tag.trim()
              ? canonical
                ? t("appealReview.translations.preview", { language: languageName(canonical, i18n.language) })
                : t("appealReview.translations.invalidTag")
              : ""}
          </p>
        </div>
        {problem ? (
          <p id={errorId} role="alert" className="alert alert--error">
            {problem}
          </p>
        ) : null}
        <ReviewError error={action.error} />
        <button type="submit" className="button button--primary" disabled={action.busy}>
          {action.busy ? t("common.working") : t("appealReview.translations.add")}
        </button>
      </form>
    </section>
  );
}
