import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../api/problem";
import { errorMessage } from "../../shared/errorMessage";

/** Problem codes of the appeals API that have their own words (appeals.errors in the locales). */
export const APPEAL_ERROR_CODES = [
  "appeal_not_found",
  "revision_not_found",
  "text_invalid",
  "text_frozen",
  "edit_conflict",
  "version_mismatch",
  "if_match_required",
  "transition_refused",
  "approvals_missing",
  "translations_not_ready",
  "selection_invalid",
  "mention_not_allowed",
] as const;
type AppealErrorCode = (typeof APPEAL_ERROR_CODES)[number];

const isAppealCode = (code: string): code is AppealErrorCode =>
  (APPEAL_ERROR_CODES as readonly string[]).includes(code);

/** What went wrong with an appeal, in the user's language; other problems as everywhere else. */
export function appealErrorMessage(t: TFunction, error: unknown): string {
  if (error instanceof ApiError && isAppealCode(error.code)) return t(`appeals.errors.${error.code}`);
  return errorMessage(t, error);
}

/** ErrorAlert with the appeals' own messages (role="alert"). */
export function AppealErrorAlert({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (error === null || error === undefined) return null;
  return (
    <p role="alert" className="alert alert--error">
      {appealErrorMessage(t, error)}
    </p>
  );
}
