import { useTranslation } from "react-i18next";
import { ErrorAlert } from "../../shared/ErrorAlert";
import { useAction } from "../../shared/useAction";
import { authenticateWithPasskey, passkeysSupported } from "./webauthn";

/**
 * Uses a passkey: to sign in without a password (`sign_in`) or to prove the second factor
 * (`second_factor`). Hidden where the browser cannot do passkeys.
 */
export function PasskeyButton({
  purpose,
  label,
  onVerified,
}: {
  purpose: "sign_in" | "second_factor";
  label: string;
  onVerified: (csrfToken: string) => unknown;
}) {
  const { t } = useTranslation();
  const { busy, error, run } = useAction();
  if (!passkeysSupported()) return null;
  return (
    <div className="passkey-button">
      <button
        type="button"
        className="button button--wide"
        disabled={busy}
        onClick={() =>
          void run(async () => {
            const result = await authenticateWithPasskey(purpose);
            await onVerified(result.csrf_token);
          })
        }
      >
        {busy ? t("common.working") : label}
      </button>
      <ErrorAlert error={error} />
    </div>
  );
}
