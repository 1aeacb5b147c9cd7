import { useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { ErrorAlert } from "../../shared/ErrorAlert";
import { FocusHeading } from "../../shared/FocusHeading";
import { Notice } from "../../shared/Notice";
import { useAction } from "../../shared/useAction";
import { PageTitle } from "../../shell/PageTitle";
import { unsubscribeFromUpdates } from "./api";

/** The link in an update email (/updates/unsubscribe#<token>): the token sits after "#", so
 * it never reaches a server log; it is posted only when the person presses the button (a mail
 * scanner that opens links stops nothing). */
export function UnsubscribePage() {
  const { t } = useTranslation();
  const action = useAction();
  const [token] = useState(() => window.location.hash.replace(/^#/, ""));
  const [done, setDone] = useState(false);

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    void action.run(async () => {
      await unsubscribeFromUpdates(token);
      // The token has done its work: drop it from the address bar and the history entry.
      window.history.replaceState(null, "", window.location.pathname);
      setDone(true);
    });
  };

  return (
    <section className="page" aria-labelledby="unsubscribe-title">
      <PageTitle page={t("signing.public.unsubscribe.title")} />
      <FocusHeading level={1} id="unsubscribe-title">
        {t("signing.public.unsubscribe.title")}
      </FocusHeading>
      {done ? (
        <Notice>{t("signing.public.unsubscribe.done")}</Notice>
      ) : token.length < 16 ? (
        <p className="alert alert--warning">{t("signing.public.unsubscribe.missing")}</p>
      ) : (
        <form className="form" onSubmit={submit}>
          <p>{t("signing.public.unsubscribe.intro")}</p>
          <ErrorAlert error={action.error} />
          <div className="actions">
            <button type="submit" className="button button--primary" disabled={action.busy}>
              {t("signing.public.unsubscribe.submit")}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
