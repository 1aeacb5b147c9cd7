/** The server's minimum (app/auth/passwords.py). The server decides; this only saves a trip. */
export const MIN_PASSWORD_LENGTH = 12;

export type NewPasswordProblem = "too_short" | "mismatch";

/** What is wrong with a new password typed twice, before asking the server. */
export function checkNewPassword(password: string, repeat: string): NewPasswordProblem | null {
  if (password.length < MIN_PASSWORD_LENGTH) return "too_short";
  if (password !== repeat) return "mismatch";
  return null;
}

export const NEW_PASSWORD_MESSAGES = {
  too_short: "passwordPolicy.reasons.too_short",
  mismatch: "passwordPolicy.mismatch",
} as const;
