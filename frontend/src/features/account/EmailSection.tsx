import { useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client";
import { unwrap } from "../../api/problem";
import { ErrorAlert } from "../../shared/ErrorAlert";
import { Notice } from "../../shared/Notice";
import { TextField } from "../../shared/TextField";
import { useAction } from "../../shared/useAction";
import { useAuth, useSession } from "../auth/AuthContext";
import { useStepUp } from "../auth/StepUp";
import { Section } from "./Section";

export function EmailSection() {
  const { t } = useTranslation();
  const session = useSession();
  const { refresh } = useAuth();
  const stepUp = useStepUp();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [done, setDone] = useState(false);
  const { busy, error, run } = useAction();
  const needsPassword = !(session.totp_enabled || session.passkeys > 0);

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    setDone(false);
    const body = needsPassword ? { new_email: email.trim(), current_password: password } : { new_email: email.trim() };
    void run(async () => {
      await stepUp(() => unwrap(api.POST("/api/auth/email", { body })));
      setEmail("");
      setPassword("");
      setDone(true);
      await refresh();
    });
  };

  return (
    <Section title={t("email.title")}>
      <p>
        {t("email.current")} <strong>{session.user.email}</strong>
      </p>
      <form onSubmit={submit} className="form">
        <TextField label={t("email.new")} type="email" autoComplete="email" value={email} onChange={setEmail} required maxLength={320} />
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
        <ErrorAlert error={error} />
        <button type="submit" className="button" disabled={busy || email.trim() === ""}>
          {busy ? t("common.working") : t("email.submit")}
        </button>
      </form>
      <Notice>{done ? t("email.changed") : null}</Notice>
    </Section>
  );
}
