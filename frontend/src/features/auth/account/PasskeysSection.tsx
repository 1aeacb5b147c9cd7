import { useState } from "react";
import { useTranslation } from "react-i18next";
import { setCsrfToken } from "../../../api/csrf";
import { ErrorAlert } from "../../../shared/ErrorAlert";
import { RecoveryCodes } from "../../../shared/RecoveryCodes";
import { useLoad } from "../../../shared/useLoad";
import { listPasskeys } from "../api";
import { useAuth } from "../AuthContext";
import { PasskeySetup } from "../PasskeySetup";
import { useStepUp } from "../StepUp";
import { PasskeyRow } from "./PasskeyRow";
import { Section } from "./Section";

export function PasskeysSection() {
  const { t } = useTranslation();
  const { refresh } = useAuth();
  const stepUp = useStepUp();
  const list = useLoad(listPasskeys);
  // An account's first passkey comes with recovery codes when it had none: shown once.
  const [codes, setCodes] = useState<string[] | null>(null);

  const changed = async () => {
    list.reload();
    await refresh();
  };

  return (
    <Section title={t("passkeys.title")} testId="passkeys-section">
      <p>{t("passkeys.intro")}</p>
      <ErrorAlert error={list.error} />
      {list.data && list.data.items.length > 0 ? (
        <ul className="items">
          {list.data.items.map((passkey) => (
            <PasskeyRow key={passkey.id} passkey={passkey} onChanged={changed} />
          ))}
        </ul>
      ) : list.data ? (
        <p className="muted">{t("passkeys.none")}</p>
      ) : null}
      <PasskeySetup
        wrap={stepUp}
        onRegistered={async (result) => {
          setCsrfToken(result.csrf_token);
          setCodes(result.recovery_codes ?? null);
          await changed();
        }}
      />
      {codes ? <RecoveryCodes codes={codes} /> : null}
    </Section>
  );
}
