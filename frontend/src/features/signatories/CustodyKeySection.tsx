import { useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { ErrorAlert } from "../../shared/ErrorAlert";
import { formatDateTime } from "../../shared/formatDate";
import { downloadText } from "../../shared/download";
import { Notice } from "../../shared/Notice";
import { TextField } from "../../shared/TextField";
import { useAction } from "../../shared/useAction";
import { useLoad } from "../../shared/useLoad";
import { useSession } from "../auth/AuthContext";
import { Section } from "../auth/account/Section";
import { useStepUp } from "../auth/StepUp";
import { getCustodyKey, keyText, setCustodyKey } from "./api";

/** The key store's name for the signed-in person's key (one browser may serve several people). */
const storeName = (userId: string) => `custody:${userId}`;
const MIN_PASSPHRASE = 12;

/**
 * A custodian's key: made in this browser (X25519), kept here without its private bytes ever
 * being readable by page scripts, and saved as a passphrase-encrypted file to keep offline.
 * Only the public half reaches the server, with a fresh second factor.
 */
export function CustodyKeySection() {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const stepUp = useStepUp();
  const current = useLoad(getCustodyKey);
  // undefined while loading, null once known that there is none.
  const key = current.data ? (current.data.public_key && current.data.created_at ? current.data : null) : undefined;
  const action = useAction();
  const [passphrase, setPassphrase] = useState("");
  const [again, setAgain] = useState("");
  const hasFactor = session.totp_enabled || session.passkeys > 0;
  const isMember = session.memberships.length > 0;

  const [problem, setProblem] = useState<string | null>(null);

  const create = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    setProblem(null);
    if (passphrase.length < MIN_PASSPHRASE) {
      setProblem(t("custody.tooShort", { number: MIN_PASSPHRASE }));
      return;
    }
    if (passphrase !== again) {
      setProblem(t("custody.mismatch"));
      return;
    }
    void action.run(async () => {
      const kit = await import("../../kit/custody");
      const pair = await kit.generateCustodyKeyPair();
      const file = await kit.writeKeyFile(pair.privateKey, passphrase);
      await stepUp(() => setCustodyKey(keyText(pair.publicKey)));
      await kit.saveCustodyKey(storeName(session.user.id), pair);
      downloadText(file, `accord-custody-key-${keyText(pair.publicKey).slice(0, 8)}.json`, "application/json");
      setPassphrase("");
      setAgain("");
      current.reload();
    }, t("custody.created"));
  };

  if (!isMember) return null;
  return (
    <Section title={t("custody.title")} testId="custody-key">
      <p>{t("custody.intro")}</p>
      <ErrorAlert error={current.error} />
      {key ? (
        <p data-testid="custody-key-current">
          {t("custody.current", {
            key: (key.public_key ?? "").slice(0, 16),
            date: formatDateTime(key.created_at, i18n.language),
          })}
        </p>
      ) : key === null ? (
        <p>{t("custody.none")}</p>
      ) : null}
      {!hasFactor ? (
        <p>{t("custody.needFactor")}</p>
      ) : (
        <form className="form" onSubmit={create}>
          <TextField
            label={t("custody.passphrase")}
            hint={t("custody.passphraseHint", { number: MIN_PASSPHRASE })}
            type="password"
            autoComplete="new-password"
            value={passphrase}
            onChange={setPassphrase}
            required
          />
          <TextField
            label={t("custody.passphraseAgain")}
            type="password"
            autoComplete="new-password"
            value={again}
            onChange={setAgain}
            required
          />
          <p className="muted">{key ? t("custody.replaceWarning") : t("custody.fileWarning")}</p>
          <button type="submit" className="button button--primary" disabled={action.busy}>
            {key ? t("custody.replace") : t("custody.create")}
          </button>
        </form>
      )}
      {problem ? (
        <p role="alert" className="alert alert--error">
          {problem}
        </p>
      ) : null}
      <Notice>{action.notice}</Notice>
      <ErrorAlert error={action.error} />
    </Section>
  );
}
