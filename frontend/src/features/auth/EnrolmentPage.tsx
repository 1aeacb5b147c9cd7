import { useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { setCsrfToken } from "../../api/csrf";
import { FocusHeading } from "../../shared/FocusHeading";
import { RecoveryCodes } from "../../shared/RecoveryCodes";
import { PageTitle } from "../../shell/PageTitle";
import { useAuth } from "./AuthContext";
import { RequireStep } from "./guards";
import { PasskeySetup } from "./PasskeySetup";
import { TotpSetup } from "./TotpSetup";

type Method = "totp" | "passkey";

/** Shown once after the first factor is set up; the session is re-read only on "Continue". */
function SaveRecoveryCodes({ codes }: { codes: string[] }) {
  const { t } = useTranslation();
  const { refresh } = useAuth();
  const [saved, setSaved] = useState(false);
  return (
    <div className="card">
      <FocusHeading>{t("enrol.codesTitle")}</FocusHeading>
      <RecoveryCodes codes={codes} />
      <div className="checkbox">
        <input id="codes-saved" type="checkbox" checked={saved} onChange={(e) => setSaved(e.target.checked)} />
        <label htmlFor="codes-saved">{t("enrol.codesSaved")}</label>
      </div>
      <button type="button" className="button button--primary" disabled={!saved} onClick={() => void refresh()}>
        {t("enrol.continue")}
      </button>
    </div>
  );
}

function ChooseMethod({ method, onChoose }: { method: Method | null; onChoose: (m: Method) => void }) {
  const { t } = useTranslation();
  return (
    <fieldset className="choice">
      <legend>{t("enrol.choose")}</legend>
      {(["passkey", "totp"] as const).map((value) => (
        <div className="choice__option" key={value}>
          <input
            type="radio"
            id={`method-${value}`}
            name="method"
            value={value}
            checked={method === value}
            onChange={() => onChoose(value)}
          />
          <label htmlFor={`method-${value}`}>
            <strong>{t(`enrol.${value}.title`)}</strong>
            <span className="muted">{t(`enrol.${value}.body`)}</span>
          </label>
        </div>
      ))}
    </fieldset>
  );
}

function EnrolmentStep() {
  const { t } = useTranslation();
  const { refresh, signOut } = useAuth();
  const [method, setMethod] = useState<Method | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);

  const page = (body: ReactNode) => (
    <section className="page page--narrow" aria-labelledby="page-heading">
      <PageTitle page={t("enrol.title")} />
      <h1 id="page-heading">{t("enrol.title")}</h1>
      {body}
    </section>
  );
  if (codes) return page(<SaveRecoveryCodes codes={codes} />);

  return page(
    <>
      <p className="lead">{t("enrol.intro")}</p>
      <div className="card">
        <ChooseMethod method={method} onChoose={setMethod} />
        {method === "totp" ? (
          <TotpSetup
            startLabel={t("totp.start")}
            onConfirmed={(result) => {
              setCsrfToken(result.csrf_token);
              setCodes(result.recovery_codes);
            }}
          />
        ) : null}
        {method === "passkey" ? (
          <PasskeySetup
            onRegistered={async (result) => {
              setCsrfToken(result.csrf_token);
              // The server issues recovery codes with an account's first passkey.
              if (result.recovery_codes) setCodes(result.recovery_codes);
              else await refresh();
            }}
          />
        ) : null}
      </div>
      <p>
        <button type="button" className="link-button" onClick={() => void signOut()}>
          {t("common.signOut")}
        </button>
      </p>
    </>,
  );
}

export function EnrolmentPage() {
  return (
    <RequireStep step="enrol">
      <EnrolmentStep />
    </RequireStep>
  );
}
