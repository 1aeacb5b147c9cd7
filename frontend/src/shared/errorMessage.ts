import type { TFunction } from "i18next";
import { ApiError } from "../api/problem";

/** Every problem code the interface has its own words for (keys of `errors` in en.json). */
export const ERROR_CODES = [
  "invalid_credentials",
  "too_many_attempts",
  "busy",
  "sign_in_required",
  "csrf_failed",
  "second_factor_required",
  "enrolment_required",
  "step_up_required",
  "permission_denied",
  "second_factor_invalid",
  "no_second_factor",
  "totp_not_enabled",
  "totp_enrolment_expired",
  "last_second_factor",
  "current_password_required",
  "current_password_wrong",
  "email_invalid",
  "email_unchanged",
  "email_taken",
  "email_change_invalid",
  "email_change_too_soon",
  "session_not_found",
  "passkey_not_found",
  "passkey_already_registered",
  "no_passkeys",
  "passkey_registration_rejected",
  "passkey_rejected",
  "passkey_unknown",
  "passkey_sign_count_regressed",
  "passkey_failed",
  "passkey_not_used",
  "passkey_unsupported",
  "challenge_invalid",
  "organization_not_found",
  "membership_not_found",
  "invitation_not_found",
  "invitation_invalid",
  "user_not_found",
  "admin_grant_request_not_found",
  "already_member",
  "invitation_pending",
  "invitation_closed",
  "last_admin",
  "cannot_suspend_self",
  "user_suspended",
  "user_not_suspended",
  "already_admin",
  "admin_grant_requires_approval",
  "admin_grant_request_pending",
  "admin_grant_request_closed",
  "second_admin_required",
  "invitation_sign_in_required",
  "invitation_for_other_account",
  "account_details_required",
  "password_not_expected",
  "if_match_required",
  "version_mismatch",
  "organization_name_taken",
  "second_factor_reused",
  "signing_closed",
  "already_signed",
  "text_changed",
  "tier_not_allowed",
  "second_officer_required",
  "nothing_to_confirm",
  "signing_window_missing",
  "signing_window_exists",
  "signing_window_invalid",
  "custodians_invalid",
  "custody_key_invalid",
  "signature_not_found",
  "receipt_not_found",
  "unseal_request_not_found",
  "unseal_already_approved",
  "unseal_not_ready",
  "unseal_share_invalid",
  "appeal_not_found",
  "proof_of_work_invalid",
  "code_invalid",
  "validation_failed",
  "not_found",
  "forbidden",
  "payload_too_large",
  "too_many_requests",
  "internal_error",
  "service_unavailable",
  "network_error",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const PASSWORD_REASONS = ["too_short", "too_long", "too_common", "too_guessable"] as const;
export type PasswordReason = (typeof PASSWORD_REASONS)[number];

const isKnown = (code: string): code is ErrorCode => (ERROR_CODES as readonly string[]).includes(code);
const isReason = (reason: string | null): reason is PasswordReason =>
  reason !== null && (PASSWORD_REASONS as readonly string[]).includes(reason);

/** What went wrong, in the user's language; the server's own text is never shown. */
export function errorMessage(t: TFunction, error: unknown): string {
  if (!(error instanceof ApiError)) return t("errors.unexpected");
  if (error.code === "password_rejected") {
    return isReason(error.reason) ? t(`passwordPolicy.reasons.${error.reason}`) : t("passwordPolicy.rejected");
  }
  if (error.code === "too_many_attempts" && error.retryAfter) {
    return t("errors.too_many_attempts_wait", { minutes: Math.max(1, Math.ceil(error.retryAfter / 60)) });
  }
  if (error.code === "validation_failed") {
    // A field error the interface has its own words for (email_invalid) says more.
    const known = error.fieldErrors.find(isKnown);
    if (known) return t(`errors.${known}`);
  }
  if (isKnown(error.code)) return t(`errors.${error.code}`);
  if (error.status >= 500) return t("errors.internal_error");
  if (error.status === 404) return t("errors.not_found");
  if (error.status === 403) return t("errors.permission_denied");
  return t("errors.unexpected");
}
