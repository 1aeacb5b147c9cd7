import { useId, useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { ErrorAlert } from "../../shared/ErrorAlert";
import { formatDateTime } from "../../shared/formatDate";
import { downloadText } from "../../shared/download";
import { Notice } from "../../shared/Notice";
import { TextField } from "../../shared/TextField";
import { useAction } from "../../shared/useAction";
import { useLoad } from "../../shared/useLoad";
import { useSession } from "../auth/AuthContext";
import { approveUnsealing, getUnsealBundle, listUnsealRequests, requestUnsealing, type UnsealRequest } from "./api";
import { custodianKey, newRequestKey, openIdentities, reseal, toCsv, type OpenedIdentity } from "./custodyFlow";

/**
 * For an appeal's custodians: ask to open the withheld identities (with a reason), give
 * one's share to a request (opened and sealed again in this browser), and, as the one who
 * asked, open the names once enough custodians gave theirs. Shown to custodians only.
 */
export function UnsealingSection({ appealId }: { appealId: string }) {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const id = useId();
  const loaded = useLoad(() => listUnsealRequests(appealId), [appealId]);
  const action = useAction();
  const [reason, setReason] = useState("");
  const [keyFile, setKeyFile] = useState<string | null>(null);
  const [passphrase, setPassphrase] = useState("");
  const [opened, setOpened] = useState<OpenedIdentity[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const requests = loaded.data;
  if (loaded.error) return <ErrorAlert error={loaded.error} />;
  if (!requests) return null;

  const ask = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    void action.run(async () => {
      const key = await newRequestKey();
      const answer = await requestUnsealing(appealId, reason.trim(), key.publicKey);
      const mine = answer.items.find((r) => r.requested_by_me && r.public_key === key.publicKey);
      if (mine) await key.keep(mine.id);
      setReason("");
      loaded.setData(answer);
    }, t("unsealing.asked"));
  };

  const approve = (request: UnsealRequest) => {
    setProblem(null);
    void action.run(async () => {
      const file = keyFile ? { text: keyFile, passphrase } : undefined;
      const privateKey = await custodianKey(session.user.id, file).catch(() => {
        setProblem(t("unsealing.keyFileWrong"));
        return null;
      });
      if (!privateKey) {
        setProblem((previous) => previous ?? t("unsealing.noKey"));
        return;
      }
      const sealed = await reseal({
        appealId,
        requestId: request.id,
        userId: session.user.id,
        mySealedShare: request.my_sealed_share,
        requestPublicKey: request.public_key,
        privateKey,
      });
      loaded.setData(await approveUnsealing(appealId, request.id, sealed));
    }, t("unsealing.approved"));
  };

  const open = (request: UnsealRequest) => {
    void action.run(async () => {
      const bundle = await getUnsealBundle(appealId, request.id);
      setOpened(await openIdentities(bundle, request.id));
    }, t("unsealing.openedNotice"));
  };

  return (
    <section className="review-section" aria-labelledby={`${id}-title`} data-testid="unsealing">
      <h3 id={`${id}-title`} className="review-section__title">
        {t("unsealing.title")}
      </h3>
      <p>{t("unsealing.intro", { count: requests.sealed_identities })}</p>
      <Notice>{action.notice}</Notice>
      <ErrorAlert error={action.error} />
      {problem ? (
        <p role="alert" className="alert alert--error">
          {problem}
        </p>
      ) : null}
      <ul className="review-list">
        {requests.items.map((request) => (
          <li key={request.id} className="review-item" data-testid="unseal-request">
            <p>
              <strong>{request.requested_by ?? "—"}</strong> · {formatDateTime(request.created_at, i18n.language)}
            </p>
            <p className="wrap-anywhere">{request.reason}</p>
            <p data-testid="unseal-progress">
              {t("unsealing.progress", { approvals: request.approvals, threshold: request.threshold })}
            </p>
            <div className="actions">
              {!request.approved_by_me ? (
                <button type="button" className="button" disabled={action.busy} onClick={() => approve(request)}>
                  {t("unsealing.approve")}
                </button>
              ) : null}
              {request.requested_by_me && request.approvals >= request.threshold ? (
                <button
                  type="button"
                  className="button button--primary"
                  disabled={action.busy}
                  onClick={() => open(request)}
                >
                  {t("unsealing.open")}
                </button>
              ) : null}
            </div>
          </li>
        ))}
      </ul>
      <details>
        <summary>{t("unsealing.keyFile")}</summary>
        <p className="muted">{t("unsealing.keyFileHint")}</p>
        <div className="field">
          <label htmlFor={`${id}-file`}>{t("unsealing.keyFileLabel")}</label>
          <input
            id={`${id}-file`}
            type="file"
            accept="application/json,.json"
            onChange={(event) => {
              const chosen = event.target.files?.[0];
              if (chosen) void chosen.text().then(setKeyFile);
            }}
          />
        </div>
        <TextField
          label={t("custody.passphrase")}
          type="password"
          autoComplete="off"
          value={passphrase}
          onChange={setPassphrase}
        />
      </details>
      <form className="form" onSubmit={ask}>
        <TextField
          label={t("unsealing.reason")}
          value={reason}
          onChange={setReason}
          required
          minLength={10}
          maxLength={2000}
        />
        <button type="submit" className="button" disabled={action.busy}>
          {t("unsealing.ask")}
        </button>
      </form>
      {opened ? (
        <div data-testid="unsealed">
          <p>{t("unsealing.openedIntro", { count: opened.length })}</p>
          <button
            type="button"
            className="button button--primary"
            onClick={() => downloadText(toCsv(opened), `withheld-signatories-${appealId.slice(0, 8)}.csv`, "text/csv")}
          >
            {t("unsealing.csv")}
          </button>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t("signing.sign.name")}</th>
                <th scope="col">{t("unsealing.line")}</th>
                <th scope="col">{t("signing.sign.tier")}</th>
              </tr>
            </thead>
            <tbody>
              {opened.map((row) => (
                <tr key={row.signatureId}>
                  <td className="wrap-anywhere">{row.name}</td>
                  <td className="wrap-anywhere">{row.line}</td>
                  <td>{t(`signing.tiers.${row.tier as "public" | "withheld" | "counted"}.name`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
