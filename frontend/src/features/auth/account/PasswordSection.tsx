import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Notice } from "../../../shared/Notice";
import { useAuth, useSession } from "../AuthContext";
import { PasswordChangeForm } from "./PasswordChangeForm";
import { Section } from "./Section";

export function PasswordSection() {
  const { t } = useTranslation();
  const session = useSession();
  const { refresh } = useAuth();
  const [ended, setEnded] = useState<number | null>(null);
  const hasFactor = session.totp_enabled || session.passkeys > 0;
  return (
    <Section title={t("password.title")}>
      <PasswordChangeForm
        needsCurrentPassword={!hasFactor}
        submitLabel={t("password.submit")}
        onChanged={async (result) => {
          setEnded(result.other_sessions_revoked);
          await refresh();
        }}
      />
      <Notice>{ended !== null ? t("password.changed", { number: ended }) : null}</Notice>
    </Section>
  );
}
