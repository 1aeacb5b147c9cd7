import { useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { setCsrfToken } from "../../../api/csrf";
import { isApiError } from "../../../api/problem";
import { ErrorAlert } from "../../../shared/ErrorAlert";
import {
  MIN_PASSWORD_LENGTH,
  NEW_PASSWORD_MESSAGES,
  checkNewPassword,
  type NewPasswordProblem,
} from "../../../shared/newPassword";
import { TextField } from "../../../shared/TextField";
import { useAction } from "../../../shared/useAction";
import { changePassword, type PasswordChanged } from "../api";
import { useStepUp } from "../StepUp";

export type { PasswordChanged };

/**
 * New password (twice). Proof that the account holder is at the keyboard: the current
 * password when the account has no second factor, else a fresh second factor (step-up).
 */
export function PasswordChangeForm({
  needsCurrentPassword,
  onChanged,
  submitLabel,
}: {
  needsCurrentPassword: boolean;
  onChanged: (result: PasswordChanged) => unknown;
  submitLabel: string;
}) {
  const { t } = useTranslation();
  const stepUp = useStepUp();
  const [current, setCurrent] = useState("");
  // Asked when the server wants it, too: a forced change long after signing in.
  const [askCurrent, setAskCurrent] = useState(needsCurrentPassword);
  const [next, setNext] = useState("");
  const [repeat, setRepeat] = useState("");
  const [problem, setProblem] = useState<NewPasswordProblem | null>(null);
  const { busy, error, run } = useAction();

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const local = checkNewPassword(next, repeat);
    setProblem(local);
    if (local) return;
    const body = askCurrent ? { current_password: current, new_password: next } : { new_password: next };
    void run(async () => {
      const result = await stepUp(() => changePassword(body)).catch((caught: unknown) => {
        if (isApiError(caught, "current_password_required")) setAskCurrent(true);
        throw caught;
      });
      setCsrfToken(result.csrf_token);
      setCurrent("");
      setNext("");
      setRepeat("");
      await onChanged(result);
    });
  };

  return (
    <form onSubmit={submit} className="form">
      {askCurrent ? (
        <TextField
          label={t("password.current")}
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={setCurrent}
          required
          maxLength={1024}
        />
      ) : null}
      <TextField
        label={t("password.new")}
        hint={t("passwordPolicy.hint")}
        type="password"
        autoComplete="new-password"
        value={next}
        onChange={setNext}
        required
        minLength={MIN_PASSWORD_LENGTH}
        maxLength={1024}
      />
      <TextField
        label={t("password.repeat")}
        type="password"
        autoComplete="new-password"
        value={repeat}
        onChange={setRepeat}
        required
        maxLength={1024}
      />
      {problem ? (
        <p role="alert" className="alert alert--error">
          {t(NEW_PASSWORD_MESSAGES[problem])}
        </p>
      ) : (
        <ErrorAlert error={error} />
      )}
      <button type="submit" className="button button--primary" disabled={busy}>
        {busy ? t("common.working") : submitLabel}
      </button>
    </form>
  );
}
