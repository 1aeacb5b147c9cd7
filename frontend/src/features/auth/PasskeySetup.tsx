import { useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { ErrorAlert } from "../../shared/ErrorAlert";
import { TextField } from "../../shared/TextField";
import { useAction } from "../../shared/useAction";
import { passkeysSupported, registerPasskey } from "./webauthn";

export type PasskeyRegistered = Awaited<ReturnType<typeof registerPasskey>>;

/**
 * Names and registers a passkey. `wrap` surrounds the whole ceremony (the account page
 * passes its step-up: a user with another factor must prove it first).
 */
export function PasskeySetup({
  wrap = (ceremony) => ceremony(),
  onRegistered,
}: {
  wrap?: (ceremony: () => Promise<PasskeyRegistered>) => Promise<PasskeyRegistered>;
  onRegistered: (result: PasskeyRegistered) => unknown;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState("");
  const { busy, error, run } = useAction();

  if (!passkeysSupported()) return <p className="muted">{t("errors.passkey_unsupported")}</p>;

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    void run(async () => {
      const result = await wrap(() => registerPasskey(name.trim()));
      setName("");
      await onRegistered(result);
    });
  };

  return (
    <form onSubmit={submit} className="form form--inline">
      <TextField
        label={t("passkeys.nameLabel")}
        hint={t("passkeys.nameHint")}
        value={name}
        onChange={setName}
        required
        maxLength={64}
      />
      <button type="submit" className="button button--primary" disabled={busy || name.trim() === ""}>
        {busy ? t("common.working") : t("passkeys.add")}
      </button>
      <ErrorAlert error={error} />
    </form>
  );
}
