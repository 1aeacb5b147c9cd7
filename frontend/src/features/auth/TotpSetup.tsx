import { useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { ErrorAlert } from "../../shared/ErrorAlert";
import { FocusHeading } from "../../shared/FocusHeading";
import { TextField } from "../../shared/TextField";
import { useAction } from "../../shared/useAction";
import { confirmTotpEnrolment, startTotpEnrolment, type TotpConfirmed, type TotpEnrolment } from "./api";

export type { TotpConfirmed, TotpEnrolment };

/** The server's SVG as a data: image (the CSP allows data: images, not inline markup). */
function svgDataUrl(svg: string): string {
  const bytes = new TextEncoder().encode(svg);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}

/** Step 2 of setting up an authenticator app: scan (or type) the secret, confirm a code. */
export function TotpConfirm({
  enrolment,
  onConfirmed,
}: {
  enrolment: TotpEnrolment;
  onConfirmed: (result: TotpConfirmed) => unknown;
}) {
  const { t } = useTranslation();
  const [code, setCode] = useState("");
  const { busy, error, run } = useAction();

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    void run(async () => {
      const result = await confirmTotpEnrolment(code.trim());
      await onConfirmed(result);
    });
  };

  return (
    <div className="totp-setup">
      <FocusHeading level={3}>{t("totp.scanTitle")}</FocusHeading>
      <ol className="steps">
        <li>{t("totp.stepInstall")}</li>
        <li>
          {t("totp.stepScan")}
          <img className="qr" src={svgDataUrl(enrolment.qr_svg)} alt={t("totp.qrAlt")} width={200} height={200} />
        </li>
        <li>
          {t("totp.stepManual")}{" "}
          <code className="secret" data-testid="totp-secret">
            {enrolment.secret}
          </code>
        </li>
      </ol>
      <form onSubmit={submit} className="form">
        <TextField
          label={t("totp.codeLabel")}
          hint={t("secondFactor.totpHint")}
          value={code}
          onChange={setCode}
          autoComplete="one-time-code"
          inputMode="numeric"
          required
          maxLength={64}
        />
        <ErrorAlert error={error} />
        <button type="submit" className="button button--primary" disabled={busy || code.trim() === ""}>
          {busy ? t("common.working") : t("totp.confirm")}
        </button>
      </form>
    </div>
  );
}

/**
 * Setting up an authenticator app, from the start button to the confirmed code.
 * `start` wraps the request (the account page passes its step-up).
 */
export function TotpSetup({
  start = (request) => request(),
  onConfirmed,
  startLabel,
}: {
  start?: (request: () => Promise<TotpEnrolment>) => Promise<TotpEnrolment>;
  onConfirmed: (result: TotpConfirmed) => unknown;
  startLabel: string;
}) {
  const { t } = useTranslation();
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const { busy, error, run } = useAction();

  if (enrolment) return <TotpConfirm enrolment={enrolment} onConfirmed={onConfirmed} />;
  return (
    <div>
      <button
        type="button"
        className="button button--primary"
        disabled={busy}
        onClick={() =>
          void run(async () => {
            setEnrolment(await start(startTotpEnrolment));
          })
        }
      >
        {busy ? t("common.working") : startLabel}
      </button>
      <ErrorAlert error={error} />
    </div>
  );
}
