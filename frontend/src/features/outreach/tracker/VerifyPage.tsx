import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { isApiError } from "../../../api/problem";
import { ErrorAlert } from "../../../shared/ErrorAlert";
import { Loading } from "../../../shared/Loading";
import { useLoad } from "../../../shared/useLoad";
import { PageTitle } from "../../../shell/PageTitle";
import { Letter } from "../../appeals/Letter";
import { getVerifiedText } from "./api";

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * `/verify/<sha256>`, the address a letter's footer prints: anyone holding the letter reads
 * the text with that hash here and compares. Only a text frozen for signatures or sent is
 * found; a draft, a mistyped or an unknown hash all say the same "not found".
 */
export function VerifyPage() {
  const { sha256: given = "" } = useParams();
  const sha256 = given.trim().toLowerCase();
  const { t } = useTranslation();
  const wellFormed = SHA256.test(sha256);
  // A malformed hash is not asked for: the page says "not found" as for an unknown one.
  const loaded = useLoad(
    () => (wellFormed ? getVerifiedText(sha256) : Promise.reject(new Error("not a SHA-256"))),
    [sha256, wellFormed],
  );
  const text = loaded.data;

  if (!wellFormed || (loaded.error && !text)) {
    const missing = !wellFormed || isApiError(loaded.error, "text_not_found");
    return (
      <section className="page" aria-labelledby="page-heading" data-testid="verify-missing">
        <PageTitle page={t("outreachVerify.notFoundTitle")} />
        <h1 id="page-heading">{t("outreachVerify.notFoundTitle")}</h1>
        {missing ? <p>{t("outreachVerify.notFound")}</p> : <ErrorAlert error={loaded.error} />}
      </section>
    );
  }
  if (!text) return <Loading />;

  return (
    <section className="page" aria-labelledby="page-heading" data-testid="verified-text">
      <PageTitle page={text.title} />
      <h1 id="page-heading" className="wrap-anywhere">
        {text.title}
      </h1>
      <p>{t("outreachVerify.intro")}</p>
      <p className="muted">
        SHA-256{" "}
        <code className="hash wrap-anywhere" data-testid="verified-hash">
          {text.sha256}
        </code>
      </p>
      {text.tracker_path ? (
        <p>
          <Link to={text.tracker_path}>{t("outreachVerify.tracker")}</Link>
        </p>
      ) : null}
      <Letter blocks={text.blocks} label={t("outreachVerify.text")} />
    </section>
  );
}
