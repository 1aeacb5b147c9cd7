import { useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { isApiError } from "../../../api/problem";
import { ErrorAlert } from "../../../shared/ErrorAlert";
import { formatDateTime } from "../../../shared/formatDate";
import { Notice } from "../../../shared/Notice";
import { TextField } from "../../../shared/TextField";
import { useAction } from "../../../shared/useAction";
import { useLoad } from "../../../shared/useLoad";
import { cancelEmailChange, confirmEmailChange, getPendingEmailChange, requestEmailChange } from "../api";
import { useAuth, useSession } from "../AuthContext";
import { useStepUp } from "../StepUp";
import { Section } from "./Section";

/**
 * Changing the sign-in address takes two steps: asking (with the current password or a fresh
 * second factor), then entering the code the server mailed to the new address. Until then
 * the account keeps its address; the code never travels in a link.
 */
export function EmailSection() {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const { refresh } = useAuth();
  const stepUp = useStepUp();
  const change = useLoad(getPendingEmailChange);
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [notice, setNotice] = useState<string | null>(null);
  const asking = useAction();
  const confirming = useAction();
  const needsPassword = !(session.totp_enabled || session.passkeys > 0);
  const pending = change.data?.pending ?? null;

  const ask = (event: SubmitEvent) => {
    event.preventDefault();
    setNotice(null);
    const body = needsPassword ? { new_email: email.trim(), current_password: password } : { new_email: email.trim() };
    void asking.run(async () => {
      const asked = await stepUp(() => requestEmailChange(body));
      setEmail("");
      setPassword("");
      setCode("");
      confirming.setError(null);
      change.setData({ pending: asked });
      setNotice(t("email.codeSent", { email: asked.email }));
    });
  };

  const confirm = (event: SubmitEvent) => {
    event.preventDefault();
    setNotice(null);
    void confirming.run(async () => {
      try {
        const changed = await confirmEmailChange(code.trim());
        setCode("");
        change.setData({ pending: null });
        setNotice(t("email.changed", { email: changed.email }));
        await refresh();
      } catch (error) {
        // The fifth wrong code, or the hour, ends the change: show what is left.
        if (isApiError(error, "email_change_invalid")) change.reload();
        throw error;
      }
    });
  };

  const cancel = () => {
    setNotice(null);
    void confirming.run(async () => {
      await cancelEmailChange();
      setCode("");
      change.setData({ pending: null });
      setNotice(t("email.cancelled"));
    });
  };

  return (
    <Section title={t("email.title")} testId="email-section">
      <p>
        {t("email.current")} <strong>{session.user.email}</strong>
      </p>
      <ErrorAlert error={change.error} />
      {pending ? (
        <div data-testid="email-change-pending">
          <p>
            {t("email.pending", {
              email: pending.email,
              time: formatDateTime(pending.expires_at, i18n.language),
            })}
          </p>
          <form onSubmit={confirm} className="form">
            <TextField
              label={t("email.code")}
              hint={t("email.codeHint")}
              value={code}
              onChange={setCode}
              autoComplete="one-time-code"
              inputMode="numeric"
              required
              maxLength={16}
            />
            <ErrorAlert error={confirming.error} />
            <div className="actions">
              <button type="submit" className="button button--primary" disabled={confirming.busy || code.trim() === ""}>
                {confirming.busy ? t("common.working") : t("email.confirm")}
              </button>
              <button type="button" className="button" onClick={cancel} disabled={confirming.busy}>
                {t("email.cancel")}
              </button>
            </div>
          </form>
        </div>
      ) : null}
      <form onSubmit={ask} className="form">
        <TextField
          label={t("email.new")}
          hint={t("email.newHint")}
          type="email"
          autoComplete="email"
          value={email}
          onChange={setEmail}
          required
          maxLength={254}
        />
        {needsPassword ? (
          <TextField
            label={t("password.current")}
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={setPassword}
            required
            maxLength={1024}
          />
        ) : null}
        <ErrorAlert error={asking.error} />
        <button type="submit" className="button" disabled={asking.busy || email.trim() === ""}>
          {asking.busy ? t("common.working") : pending ? t("email.submitAgain") : t("email.submit")}
        </button>
      </form>
      <Notice>{notice}</Notice>
    </Section>
  );
}
