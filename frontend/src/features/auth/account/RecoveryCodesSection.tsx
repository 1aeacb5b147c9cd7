import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useConfirm } from "../../../shared/Confirm";
import { ErrorAlert } from "../../../shared/ErrorAlert";
import { RecoveryCodes } from "../../../shared/RecoveryCodes";
import { useAction } from "../../../shared/useAction";
import { useLoad } from "../../../shared/useLoad";
import { countRecoveryCodes, issueRecoveryCodes } from "../api";
import { useSession } from "../AuthContext";
import { useStepUp } from "../StepUp";
import { Section } from "./Section";

export function RecoveryCodesSection() {
  const { t } = useTranslation();
  const session = useSession();
  const stepUp = useStepUp();
  const confirm = useConfirm();
  const hasFactor = session.totp_enabled || session.passkeys > 0;
  const remaining = useLoad(countRecoveryCodes, [hasFactor]);
  const [codes, setCodes] = useState<string[] | null>(null);
  const { busy, error, run } = useAction();

  const regenerate = () =>
    void run(async () => {
      await confirm({ title: t("recoveryCodes.regenerateConfirm"), confirmLabel: t("recoveryCodes.regenerate") });
      const issued = await stepUp(issueRecoveryCodes);
      setCodes(issued.recovery_codes);
      remaining.reload();
    });

  return (
    <Section title={t("recoveryCodes.title")}>
      {!hasFactor ? (
        <p>{t("recoveryCodes.needFactor")}</p>
      ) : (
        <>
          <p data-testid="recovery-codes-remaining">
            {remaining.data ? t("recoveryCodes.remaining", { number: remaining.data.remaining }) : null}
          </p>
          <ErrorAlert error={remaining.error} />
          <button type="button" className="button" onClick={regenerate} disabled={busy}>
            {t("recoveryCodes.regenerate")}
          </button>
          <ErrorAlert error={error} />
          {codes ? <RecoveryCodes codes={codes} /> : null}
        </>
      )}
    </Section>
  );
}
