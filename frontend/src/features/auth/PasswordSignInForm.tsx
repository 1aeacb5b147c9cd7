import { useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { ErrorAlert } from "../../shared/ErrorAlert";
import { TextField } from "../../shared/TextField";
import { useAction } from "../../shared/useAction";
import { signIn } from "./api";
import { useAuth } from "./AuthContext";

/** Email and password. What comes next (second factor, enrolment) follows from the session. */
export function PasswordSignInForm() {
  const { t } = useTranslation();
  const { completeStep } = useAuth();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const { busy, error, run } = useAction();

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    void run(async () => {
      const result = await signIn(email.trim(), password);
      setPassword("");
      await completeStep(result.csrf_token);
    });
  };

  return (
    <form onSubmit={submit} className="form" aria-labelledby="password-sign-in">
      <h2 id="password-sign-in" className="visually-hidden">
        {t("signIn.withPassword")}
      </h2>
      <TextField
        label={t("signIn.email")}
        type="email"
        name="email"
        autoComplete="username"
        value={email}
        onChange={setEmail}
        required
        maxLength={320}
      />
      <TextField
        label={t("signIn.password")}
        type="password"
        name="password"
        autoComplete="current-password"
        value={password}
        onChange={setPassword}
        required
        maxLength={1024}
      />
      <ErrorAlert error={error} />
      <button type="submit" className="button button--primary" disabled={busy}>
        {busy ? t("common.working") : t("signIn.submit")}
      </button>
    </form>
  );
}
