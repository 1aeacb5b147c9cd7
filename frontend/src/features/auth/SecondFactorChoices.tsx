import { useState } from "react";
import { useTranslation } from "react-i18next";
import { CodeForm, type CodeMethod } from "./CodeForm";
import { PasskeyButton } from "./PasskeyButton";
import type { Session } from "./session";

/**
 * The ways this user can prove their second factor: a passkey, a code from the
 * authenticator app, or (when those are lost) a recovery code. Used after the password and
 * in the step-up dialog.
 */
export function SecondFactorChoices({
  session,
  onVerified,
}: {
  session: Session;
  onVerified: (csrfToken: string) => unknown;
}) {
  const { t } = useTranslation();
  const [method, setMethod] = useState<CodeMethod>(session.totp_enabled ? "totp" : "recovery_code");
  const other: CodeMethod = method === "totp" ? "recovery_code" : "totp";

  return (
    <div className="second-factor">
      {session.passkeys > 0 ? (
        <PasskeyButton purpose="second_factor" label={t("secondFactor.usePasskey")} onVerified={onVerified} />
      ) : null}
      <CodeForm key={method} method={method} onVerified={onVerified} />
      {session.totp_enabled ? (
        <button type="button" className="link-button" onClick={() => setMethod(other)}>
          {other === "totp" ? t("secondFactor.useTotp") : t("secondFactor.useRecoveryCode")}
        </button>
      ) : null}
    </div>
  );
}
