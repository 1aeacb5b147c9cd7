import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { getOidcConfig, type OidcConfig } from "./api";
import { ssoProviderName } from "./ssoLabel";

/**
 * "Sign in with <provider>" when the deployment has single sign-on (see ssoProviderName for
 * a display name that is already a whole label). A plain link: the server redirects to the
 * provider and back (state and nonce stay on the server).
 */
export function SsoSignIn() {
  const { t } = useTranslation();
  const [config, setConfig] = useState<OidcConfig | null>(null);

  useEffect(() => {
    let live = true;
    // No answer (or an old server without the route) means no SSO button.
    getOidcConfig().then(
      (data) => live && setConfig(data),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);

  if (!config?.enabled) return null;
  return (
    <a className="button button--wide" href="/api/auth/oidc/start">
      {t("signIn.sso", { provider: ssoProviderName(config.display_name) ?? t("signIn.ssoDefault") })}
    </a>
  );
}

const SSO_ERRORS = ["sso_no_account", "sso_failed", "sso_unavailable"] as const;
type SsoError = (typeof SSO_ERRORS)[number];

/** The reason an SSO attempt came back to ?error=…, translated; unknown values are ignored. */
export function SsoError({ code }: { code: string | null }) {
  const { t } = useTranslation();
  if (!code || !(SSO_ERRORS as readonly string[]).includes(code)) return null;
  return (
    <p role="alert" className="alert alert--error">
      {t(`signIn.ssoErrors.${code as SsoError}`)}
    </p>
  );
}
