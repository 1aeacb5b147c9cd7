import { useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { ErrorAlert } from "../../shared/ErrorAlert";
import { TextField } from "../../shared/TextField";
import { useAction } from "../../shared/useAction";
import { verifySecondFactorCode, type CodeMethod } from "./api";

export type { CodeMethod };

/** Proves the second factor with a code from the app or a recovery code. */
export function CodeForm({ method, onVerified }: { method: CodeMethod; onVerified: (csrfToken: string) => unknown }) {
  const { t } = useTranslation();
  const [code, setCode] = useState("");
  const { busy, error, run } = useAction();
  const totp = method === "totp";

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    void run(async () => {
      const result = await verifySecondFactorCode(method, code.trim());
      setCode("");
      await onVerified(result.csrf_token);
    });
  };

  return (
    <form onSubmit={submit} className="form" noValidate>
      <TextField
        label={totp ? t("secondFactor.totpLabel") : t("secondFactor.recoveryLabel")}
        hint={totp ? t("secondFactor.totpHint") : t("secondFactor.recoveryHint")}
        value={code}
        onChange={setCode}
        name={totp ? "totp" : "recovery-code"}
        autoComplete="one-time-code"
        inputMode={totp ? "numeric" : "text"}
        spellCheck={false}
        autoCapitalize="off"
        required
        maxLength={64}
      />
      <ErrorAlert error={error} />
      <button type="submit" className="button button--primary" disabled={busy || code.trim() === ""}>
        {busy ? t("common.working") : t("secondFactor.confirm")}
      </button>
    </form>
  );
}
