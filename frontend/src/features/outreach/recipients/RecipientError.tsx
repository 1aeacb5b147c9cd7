import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../../api/problem";
import { errorMessage } from "../../../shared/errorMessage";

/** Problem codes of the registry API that have their own words (outreachRecipients.errors). */
export const RECIPIENT_ERROR_CODES = [
  "recipient_not_found",
  "recipient_group_not_found",
  "recipient_duplicate",
  "recipient_group_name_taken",
  "recipient_in_use",
  "recipients_unknown",
  "import_too_large",
  "import_invalid",
  "version_mismatch",
  "if_match_required",
] as const;

type RecipientErrorCode = (typeof RECIPIENT_ERROR_CODES)[number];

const isRecipientCode = (code: string): code is RecipientErrorCode =>
  (RECIPIENT_ERROR_CODES as readonly string[]).includes(code);

export function recipientErrorMessage(t: TFunction, error: unknown): string {
  if (error instanceof ApiError && isRecipientCode(error.code)) return t(`outreachRecipients.errors.${error.code}`);
  return errorMessage(t, error);
}

/** ErrorAlert with the registry's own messages (role="alert"). */
export function RecipientErrorAlert({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (error === null || error === undefined) return null;
  return (
    <p role="alert" className="alert alert--error">
      {recipientErrorMessage(t, error)}
    </p>
  );
}
