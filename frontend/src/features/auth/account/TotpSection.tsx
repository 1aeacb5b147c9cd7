import { useState } from "react";
import { useTranslation } from "react-i18next";
import { setCsrfToken } from "../../../api/csrf";
import { useConfirm } from "../../../shared/Confirm";
import { ErrorAlert } from "../../../shared/ErrorAlert";
import { RecoveryCodes } from "../../../shared/RecoveryCodes";
import { useAction } from "../../../shared/useAction";
import { removeTotp } from "../api";
import { useAuth, useSession } from "../AuthContext";
import { useStepUp } from "../StepUp";
import { TotpSetup } from "../TotpSetup";
import { Section } from "./Section";

export function TotpSection() {
  const { t } = useTranslation();
  const session = useSession();
  const { refresh } = useAuth();
  const stepUp = useStepUp();
  const confirm = useConfirm();
  const [codes, setCodes] = useState<string[] | null>(null);
  const { busy, error, run } = useAction();

  const remove = () =>
    void run(async () => {
      await confirm({ title: t("totp.removeConfirm"), confirmLabel: t("totp.remove"), danger: true });
      await stepUp(removeTotp);
      await refresh();
    });

  return (
    <Section title={t("totp.title")} testId="totp-section">
      {session.totp_enabled ? (
        <>
          <p>{t("totp.enabled")}</p>
          <button type="button" className="button button--danger" onClick={remove} disabled={busy}>
            {t("totp.remove")}
          </button>
          <ErrorAlert error={error} />
        </>
      ) : (
        <>
          <p>{t("totp.disabled")}</p>
          <TotpSetup
            start={stepUp}
            startLabel={t("totp.start")}
            onConfirmed={async (result) => {
              setCsrfToken(result.csrf_token);
              setCodes(result.recovery_codes);
              await refresh();
            }}
          />
        </>
      )}
      {codes && codes.length > 0 ? <RecoveryCodes codes={codes} /> : null}
    </Section>
  );
}
