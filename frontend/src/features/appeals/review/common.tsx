/** What the review panels share: error words for appeal codes, dates, badges, language names, diffs. */
import { useTranslation } from "react-i18next";
import { isApiError } from "../../../api/problem";
import { errorMessage } from "../../../shared/errorMessage";
import { formatDateTime } from "../../../shared/formatDate";
import type { Appeal, BlockKind, Diff } from "../api";

/** Appeal problem codes the review panels have their own words for (appealReview.errors). */
export const APPEAL_ERROR_CODES = [
  "appeal_not_found",
  "comment_not_found",
  "suggestion_not_found",
  "translation_not_found",
  "co_author_not_found",
  "text_invalid",
  "transition_refused",
  "text_frozen",
  "approval_not_current",
  "approvals_missing",
  "translations_not_ready",
  "already_co_author",
  "co_author_decision_refused",
  "suggestion_outdated",
  "suggestion_decided",
  "selection_invalid",
  "translation_exists",
  "mention_not_allowed",
] as const;
type AppealErrorCode = (typeof APPEAL_ERROR_CODES)[number];

const isAppealCode = (code: string): code is AppealErrorCode =>
  (APPEAL_ERROR_CODES as readonly string[]).includes(code);

/**
 * A failed action or load, announced at once (role="alert"), in the user's words: appeal
 * codes here, every other code through the shared errorMessage. The server's text is never shown.
 */
export function ReviewError({ error, id }: { error: unknown; id?: string }) {
  const { t } = useTranslation();
  if (error === null || error === undefined) return null;
  const message =
    isApiError(error) && isAppealCode(error.code) ? t(`appealReview.errors.${error.code}`) : errorMessage(t, error);
  return (
    <p role="alert" id={id} className="alert alert--error">
      {message}
    </p>
  );
}

/** A timestamp from the API in the interface language, machine-readable too. */
export function DateTime({ value }: { value: string | null | undefined }) {
  const { i18n } = useTranslation();
  return <time dateTime={value ?? undefined}>{formatDateTime(value, i18n.language)}</time>;
}

/** A short state beside an item ("outdated", "approved"): text, never colour alone. */
export function Badge({ tone = "neutral", children }: { tone?: "neutral" | "ok" | "warn"; children: string }) {
  return <span className={`review-badge review-badge--${tone}`}>{children}</span>;
}

/** A person from the API, or words for someone no longer known (a deleted account). */
export function usePersonName() {
  const { t } = useTranslation();
  return (person: { name: string } | null | undefined) => person?.name ?? t("appealReview.someone");
}

/** Whether the text may change now (app/appeals/lifecycle.py can_save_revision). */
export const textOpen = (appeal: Appeal) => appeal.state === "draft" || appeal.state === "review";

/** Whether co-authors may join or leave now (lifecycle.py co_authors_may_leave). */
export const coAuthoringOpen = (appeal: Appeal) =>
  appeal.state === "draft" || appeal.state === "review" || appeal.state === "approved";

/** A BCP 47 tag in its canonical form, or null when it is not a valid tag. */
export function canonicalTag(tag: string): string | null {
  const trimmed = tag.trim();
  if (!trimmed) return null;
  try {
    return Intl.getCanonicalLocales(trimmed)[0] ?? null;
  } catch {
    return null;
  }
}

/** "Ukrainian (uk)": the language's name in the interface language, with its tag. */
export function languageName(tag: string, uiLanguage: string): string {
  try {
    const name = new Intl.DisplayNames([uiLanguage, "en"], { type: "language", fallback: "none" }).of(tag);
    return name && name !== tag ? `${name} (${tag})` : tag;
  } catch {
    return tag;
  }
}

export function useBlockKind() {
  const { t } = useTranslation();
  return (kind: BlockKind) => t(`appealReview.blockKinds.${kind}`);
}

/** Segments of a word diff as plain text with <del>/<ins>, each announced as such. */
export function DiffSegments({ segments }: { segments: Diff["blocks"][number]["segments"] }) {
  const { t } = useTranslation();
  return (
    <>
      {segments.map((segment, index) =>
        segment.op === "delete" ? (
          <del key={index}>
            <span className="visually-hidden">{t("appealReview.diff.deletedPrefix")}</span>
            {segment.text}
          </del>
        ) : segment.op === "insert" ? (
          <ins key={index}>
            <span className="visually-hidden">{t("appealReview.diff.insertedPrefix")}</span>
            {segment.text}
          </ins>
        ) : (
          <span key={index}>{segment.text}</span>
        ),
      )}
    </>
  );
}

/** The first words of a block, for naming it in one line. */
export function excerpt(text: string, length = 80): string {
  const chars = Array.from(text.replace(/\s+/g, " ").trim()); // code points: never half an emoji
  return chars.length > length ? `${chars.slice(0, length - 1).join("")}…` : chars.join("");
}
