import { useId, useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { LANGUAGES, isSupportedLanguage } from "../../i18n/languages";
import { ErrorAlert } from "../../shared/ErrorAlert";
import {
  MIN_PASSWORD_LENGTH,
  NEW_PASSWORD_MESSAGES,
  checkNewPassword,
  type NewPasswordProblem,
} from "../../shared/newPassword";
import { TextField } from "../../shared/TextField";
import { useAction } from "../../shared/useAction";
import { acceptInvitation, type Language, type SessionStart } from "./api";

/** Accepting as a new person: a display name, a password and a language. */
export function NewAccountForm({
  token,
  onAccepted,
}: {
  token: string;
  onAccepted: (result: SessionStart) => unknown;
}) {
  const { t, i18n } = useTranslation();
  const languageId = useId();
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  const [language, setLanguage] = useState<Language>(isSupportedLanguage(i18n.language) ? i18n.language : "en");
  const [problem, setProblem] = useState<NewPasswordProblem | null>(null);
  const { busy, error, run } = useAction();

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const local = checkNewPassword(password, repeat);
    setProblem(local);
    if (local) return;
    void run(async () => {
      const result = await acceptInvitation({ token, display_name: name.trim(), password, language });
      await onAccepted(result);
    });
  };

  return (
    <form onSubmit={submit} className="form">
      <TextField
        label={t("invitation.displayName")}
        hint={t("invitation.displayNameHint")}
        value={name}
        onChange={setName}
        autoComplete="name"
        required
        maxLength={100}
      />
      <TextField
        label={t("password.new")}
        hint={t("passwordPolicy.hint")}
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={setPassword}
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
      <div className="field">
        <label htmlFor={languageId}>{t("invitation.language")}</label>
        <select
          id={languageId}
          value={language}
          onChange={(e) => isSupportedLanguage(e.target.value) && setLanguage(e.target.value)}
        >
          {LANGUAGES.map(({ code, name: own }) => (
            <option key={code} value={code} lang={code}>
              {own}
            </option>
          ))}
        </select>
      </div>
      {problem ? (
        <p role="alert" className="alert alert--error">
          {t(NEW_PASSWORD_MESSAGES[problem])}
        </p>
      ) : (
        <ErrorAlert error={error} />
      )}
      <button type="submit" className="button button--primary" disabled={busy}>
        {busy ? t("common.working") : t("invitation.createAndAccept")}
      </button>
    </form>
  );
}
