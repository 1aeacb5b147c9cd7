import { Fragment, useEffect, useId, useRef, useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { useParams } from "react-router";
import { isApiError } from "../../api/problem";
import { CountrySelect } from "../../shared/CountrySelect";
import { ErrorAlert } from "../../shared/ErrorAlert";
import { FocusHeading } from "../../shared/FocusHeading";
import { formatDateTime } from "../../shared/formatDate";
import { Loading } from "../../shared/Loading";
import { Notice } from "../../shared/Notice";
import { TextField } from "../../shared/TextField";
import { useAction } from "../../shared/useAction";
import { useLoad } from "../../shared/useLoad";
import { PageTitle } from "../../shell/PageTitle";
import { shortHash } from "../appeals/labels";
import { Letter } from "../appeals/Letter";
import {
  askPublicReconsent,
  askPublicWithdrawal,
  checkReceipt,
  confirmPublicSignature,
  getPublicAppeal,
  newChallenge,
  reconsentPublicSignature,
  signPublicly,
  withdrawPublicSignature,
  type EmailLanguage,
  type PublicAppeal,
  type PublicReceipt,
  type PublicSignatureInput,
  type Receipt,
  type Tier,
} from "./api";
import { solveProofOfWork } from "./proofOfWork";

const EMAIL_LANGUAGES: readonly EmailLanguage[] = ["en", "be", "ru"];

/** The language the emails come in: the page's, else English. */
function useEmailLanguage(): EmailLanguage {
  const { i18n } = useTranslation();
  const language = (i18n.resolvedLanguage ?? i18n.language).split("-")[0];
  return EMAIL_LANGUAGES.find((code) => code === language) ?? "en";
}

// What a signer types is not kept in the browser's form history (autoComplete="off"): on a
// seized or shared device it would show that they signed.

/** Six digits from what was typed or pasted ("123 456" too). */
const digits = (typed: string) => typed.replace(/\D/g, "");

/** A failed action in the page's words: the public budgets are not "failed attempts". */
function PublicError({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (isApiError(error, "too_many_attempts")) {
    return (
      <p role="alert" className="alert alert--error">
        {error.retryAfter
          ? t("signing.public.tooManyWait", { minutes: Math.max(1, Math.ceil(error.retryAfter / 60)) })
          : t("signing.public.tooMany")}
      </p>
    );
  }
  return <ErrorAlert error={error} />;
}

/** A count as the public sees it: a number, or "fewer than 10". */
function Figure({ value }: { value: number | null | undefined }) {
  const { t } = useTranslation();
  return <>{value === null || value === undefined ? t("signing.counts.few") : value}</>;
}

function PublicCounts({ appeal }: { appeal: PublicAppeal }) {
  const { t } = useTranslation();
  const { counts } = appeal;
  return (
    <section className="review-section public-counts" aria-labelledby="public-counts-title" data-testid="public-counts">
      <h2 id="public-counts-title" className="review-section__title">
        {t("signing.public.counts.title")}
      </h2>
      <dl className="facts">
        <dt>{t("signing.public.counts.total")}</dt>
        <dd data-testid="count-total">
          <Figure value={counts.total} />
        </dd>
        {appeal.tiers.map((tier) => (
          <Fragment key={tier}>
            <dt>{t(`signing.public.counts.${tier}`)}</dt>
            <dd>
              <Figure value={counts.by_tier[tier]} />
            </dd>
          </Fragment>
        ))}
      </dl>
      {counts.exact ? null : <p className="muted">{t("signing.counts.fewExplained")}</p>}
    </section>
  );
}

/** What the signer typed, kept while they go to the code step and back ("Send again"). The
 * consent names the text's hash: a new text (409 text_changed, reloaded) asks for it again. */
type Details = { name: string; line: string; country: string; email: string; tier: Tier; consentTo: string | null };

function SignForm({
  appeal,
  details,
  onDetails,
  busy,
  progress,
  error,
  onSign,
}: {
  appeal: PublicAppeal;
  details: Details;
  onDetails: (details: Details) => void;
  busy: boolean;
  progress: number | null;
  error: unknown;
  onSign: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const consent = details.consentTo !== null && details.consentTo === appeal.revision_sha256;
  const set = (change: Partial<Details>) => onDetails({ ...details, ...change });

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    onSign();
  };

  return (
    <form
      className="review-section form"
      onSubmit={submit}
      aria-labelledby={`${id}-title`}
      data-testid="public-sign-form"
    >
      <h2 id={`${id}-title`} className="review-section__title">
        {t("signing.public.form.title")}
      </h2>
      <p>{t("signing.public.form.intro")}</p>
      <TextField
        label={t("signing.sign.name")}
        value={details.name}
        onChange={(name) => set({ name })}
        required
        maxLength={200}
        autoComplete="off"
      />
      <TextField
        label={t("signing.sign.line")}
        hint={t("signing.sign.lineHint")}
        value={details.line}
        onChange={(line) => set({ line })}
        maxLength={400}
        autoComplete="off"
      />
      <CountrySelect
        label={t("signing.public.form.country")}
        hint={t("signing.public.form.countryHint")}
        value={details.country}
        onChange={(country) => set({ country })}
      />
      <TextField
        label={t("signing.public.form.email")}
        hint={t("signing.public.form.emailHint")}
        type="email"
        value={details.email}
        onChange={(email) => set({ email })}
        required
        maxLength={320}
        autoComplete="off"
      />
      <fieldset className="choice">
        <legend>{t("signing.public.form.tier")}</legend>
        {appeal.tiers.map((tier) => (
          <label key={tier} className="choice__option">
            <input type="radio" name={`${id}-tier`} checked={details.tier === tier} onChange={() => set({ tier })} />{" "}
            <span>
              <strong>{t(`signing.public.tiers.${tier}.name`)}</strong> — {t(`signing.public.tiers.${tier}.explained`)}
            </span>
          </label>
        ))}
      </fieldset>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={consent}
          onChange={(event) => set({ consentTo: event.target.checked ? appeal.revision_sha256 : null })}
          required
        />{" "}
        <span>
          {t("signing.public.form.consent", {
            hash: shortHash(appeal.revision_sha256),
            k: appeal.custody_threshold,
            n: appeal.custodians,
          })}
        </span>
      </label>
      {busy ? (
        <p role="status" className="pow-status" data-testid="sign-progress">
          {progress === null ? t("signing.public.form.sending") : t("signing.public.form.checking")}
          {progress === null ? null : (
            <progress max={1} value={progress} aria-label={t("signing.public.form.progress")} />
          )}
        </p>
      ) : null}
      <PublicError error={error} />
      <div className="actions">
        <button
          type="submit"
          className="button button--primary"
          disabled={busy || !consent || !details.name.trim() || !details.email.trim()}
        >
          {t("signing.public.form.submit")}
        </button>
      </div>
    </form>
  );
}

function CodeStep({
  appealId,
  email,
  onConfirmed,
  onAgain,
  onClosed,
}: {
  appealId: string;
  email: string;
  onConfirmed: (receipt: PublicReceipt) => void;
  onAgain: () => void;
  onClosed: () => void;
}) {
  const { t } = useTranslation();
  const action = useAction();
  const language = useEmailLanguage();
  const [code, setCode] = useState("");
  const [updates, setUpdates] = useState(false);

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    void action.run(async () => {
      try {
        onConfirmed(await confirmPublicSignature(appealId, email, digits(code), updates, language));
      } catch (error) {
        if (isApiError(error, "signing_closed")) onClosed();
        throw error;
      }
    });
  };

  return (
    <form
      className="review-section form"
      onSubmit={submit}
      aria-labelledby="public-code-title"
      data-testid="public-code-form"
    >
      <FocusHeading level={2} id="public-code-title">
        {t("signing.public.code.title")}
      </FocusHeading>
      <p className="wrap-anywhere" data-testid="code-sent">
        {t("signing.public.code.sent", { address: email })}
      </p>
      <TextField
        label={t("signing.public.code.label")}
        hint={t("signing.public.code.hint")}
        value={code}
        onChange={setCode}
        inputMode="numeric"
        autoComplete="one-time-code"
        maxLength={12}
        required
      />
      <label className="choice__option" data-testid="updates-opt-in">
        <input type="checkbox" checked={updates} onChange={(event) => setUpdates(event.target.checked)} />{" "}
        {t("signing.public.code.updates")}
      </label>
      <PublicError error={action.error} />
      <div className="actions">
        <button type="submit" className="button button--primary" disabled={action.busy || digits(code).length !== 6}>
          {t("signing.public.code.submit")}
        </button>
        <button type="button" className="button" disabled={action.busy} onClick={onAgain}>
          {t("signing.public.code.again")}
        </button>
      </div>
    </form>
  );
}

function ReceiptView({ receipt }: { receipt: PublicReceipt }) {
  const { t } = useTranslation();
  return (
    <section className="review-section" aria-labelledby="public-receipt-title">
      <div className="card receipt" data-testid="receipt">
        <FocusHeading level={2} id="public-receipt-title">
          {t("signing.public.receipt.title")}
        </FocusHeading>
        <p>{t("signing.receipt.intro")}</p>
        <p>
          <code className="receipt__code" data-testid="receipt-code">
            {receipt.receipt_code}
          </code>
        </p>
        <p className="alert alert--warning">{t("signing.receipt.keep")}</p>
        <p>{t("signing.public.receipt.tier", { tier: t(`signing.public.tiers.${receipt.tier}.name`) })}</p>
        <p className="muted">
          {t("signing.public.receipt.boundTo")}{" "}
          <code className="hash wrap-anywhere" data-testid="receipt-hash">
            {receipt.revision_sha256}
          </code>
        </p>
      </div>
    </section>
  );
}

type Step = { kind: "form" } | { kind: "code"; email: string } | { kind: "receipt"; receipt: PublicReceipt };

/** Form → emailed code → receipt. A 409 reloads the page's appeal (new text, or closed). */
function SignFlow({ appeal, onChanged }: { appeal: PublicAppeal; onChanged: () => void }) {
  const language = useEmailLanguage();
  const action = useAction();
  const [step, setStep] = useState<Step>({ kind: "form" });
  const [progress, setProgress] = useState<number | null>(null);
  const [details, setDetails] = useState<Details>({
    name: "",
    line: "",
    country: "",
    email: "",
    tier: appeal.tiers[0] ?? "public",
    consentTo: null,
  });
  // Leaving the page stops a proof of work still running.
  const leaving = useRef<AbortController | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    leaving.current = controller;
    return () => controller.abort();
  }, []);

  /** A fresh challenge, solved here, for one submission. */
  const solved = async () => {
    setProgress(0);
    const challenge = await newChallenge();
    const proof = await solveProofOfWork(challenge, { onProgress: setProgress, signal: leaving.current?.signal });
    setProgress(null);
    return proof;
  };

  const sign = () => {
    void action.run(async () => {
      const body: Omit<PublicSignatureInput, "proof_of_work"> = {
        name: details.name.trim(),
        line: details.line.trim() || null,
        country: details.country || null,
        email: details.email.trim(),
        tier: details.tier,
        revision_sha256: appeal.revision_sha256 ?? "",
        consent: true,
        language,
      };
      try {
        try {
          await signPublicly(appeal.appeal_id, { ...body, proof_of_work: await solved() });
        } catch (error) {
          // Expired or spent meanwhile: once more with a new challenge, then say so.
          if (!isApiError(error, "proof_of_work_invalid")) throw error;
          await signPublicly(appeal.appeal_id, { ...body, proof_of_work: await solved() });
        }
      } catch (error) {
        if (isApiError(error, "text_changed") || isApiError(error, "signing_closed")) onChanged();
        throw error;
      } finally {
        setProgress(null);
      }
      setStep({ kind: "code", email: body.email });
    });
  };

  if (step.kind === "receipt") return <ReceiptView receipt={step.receipt} />;
  if (step.kind === "code") {
    return (
      <CodeStep
        appealId={appeal.appeal_id}
        email={step.email}
        onConfirmed={(receipt) => {
          setStep({ kind: "receipt", receipt });
          onChanged();
        }}
        onAgain={() => setStep({ kind: "form" })}
        onClosed={onChanged}
      />
    );
  }
  return (
    <SignForm
      appeal={appeal}
      details={details}
      onDetails={setDetails}
      busy={action.busy}
      progress={progress}
      error={action.error}
      onSign={sign}
    />
  );
}

function ReceiptCheck({ onChecked }: { onChecked: (code: string, found: Receipt) => void }) {
  const { t } = useTranslation();
  const action = useAction();
  const [code, setCode] = useState("");
  const [found, setFound] = useState<Receipt | null>(null);

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFound(null);
    void action.run(async () => {
      const checked = await checkReceipt(code.trim());
      setFound(checked);
      onChecked(code.trim(), checked);
    });
  };

  return (
    <form className="form" onSubmit={submit} aria-labelledby="receipt-check-title" data-testid="receipt-check">
      <h3 id="receipt-check-title" className="review-section__title">
        {t("signing.public.check.title")}
      </h3>
      <TextField
        label={t("signing.public.check.code")}
        value={code}
        onChange={setCode}
        required
        maxLength={64}
        autoComplete="off"
        spellCheck={false}
      />
      <div className="actions">
        <button type="submit" className="button" disabled={action.busy || !code.trim()}>
          {t("signing.public.check.submit")}
        </button>
      </div>
      <PublicError error={action.error} />
      <div role="status">
        {found ? (
          <dl className="facts facts--stacked" data-testid="receipt-state">
            <dt>{t("signing.public.check.status")}</dt>
            <dd data-testid="receipt-status">{t(`signing.status.${found.status}`)}</dd>
            <dt>{t("signing.public.check.boundTo")}</dt>
            <dd>
              <code className="hash wrap-anywhere">{found.revision_sha256}</code>
            </dd>
          </dl>
        ) : null}
      </div>
    </form>
  );
}

type CodeStepState = { kind: "ask" } | { kind: "code"; email: string } | { kind: "done" };

/** What a receipt and a code sent to the email typed again can do: withdraw the signature,
 * or bind it to the new text when the appeal reopened with one (the server answers the
 * same whether or not they match). */
type ReceiptPurpose = "withdraw" | "reconsent";

function ReceiptCodeForm({
  appeal,
  purpose,
  initialReceipt = "",
}: {
  appeal: PublicAppeal;
  purpose: ReceiptPurpose;
  initialReceipt?: string;
}) {
  const { t } = useTranslation();
  const language = useEmailLanguage();
  const action = useAction();
  const [step, setStep] = useState<CodeStepState>({ kind: "ask" });
  const [receipt, setReceipt] = useState(initialReceipt);
  const [email, setEmail] = useState("");
  const [code, setCode] = useState("");
  const appealId = appeal.appeal_id;
  const titleId = `${purpose}-title`;

  const ask = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    void action.run(async () => {
      const send = purpose === "withdraw" ? askPublicWithdrawal : askPublicReconsent;
      await send(appealId, receipt.trim(), email.trim(), language);
      setCode("");
      setStep({ kind: "code", email: email.trim() });
    });
  };

  const use = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    void action.run(async () => {
      if (purpose === "withdraw") await withdrawPublicSignature(appealId, receipt.trim(), digits(code));
      else await reconsentPublicSignature(appealId, receipt.trim(), digits(code), appeal.revision_sha256 ?? "");
      setStep({ kind: "done" });
    });
  };

  const heading = (
    <h3 id={titleId} className="review-section__title">
      {t(`signing.public.${purpose}.title`)}
    </h3>
  );

  if (step.kind === "done") {
    return (
      <div data-testid={purpose === "withdraw" ? "withdrawal" : "reconsent"}>
        {heading}
        <Notice>{t(`signing.public.${purpose}.done`)}</Notice>
      </div>
    );
  }
  if (step.kind === "code") {
    return (
      <form
        className="form"
        onSubmit={use}
        aria-labelledby={titleId}
        data-testid={purpose === "withdraw" ? "withdrawal" : "reconsent"}
      >
        {heading}
        <p className="wrap-anywhere" role="status" data-testid={`${purpose}-code-sent`}>
          {t("signing.public.code.sent", { address: step.email })}
        </p>
        <TextField
          label={t("signing.public.code.label")}
          value={code}
          onChange={setCode}
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={12}
          required
        />
        <PublicError error={action.error} />
        <div className="actions">
          <button
            type="submit"
            className={purpose === "withdraw" ? "button button--danger" : "button button--primary"}
            disabled={action.busy || digits(code).length !== 6}
          >
            {t(`signing.public.${purpose}.confirm`)}
          </button>
          <button type="button" className="button" disabled={action.busy} onClick={() => setStep({ kind: "ask" })}>
            {t(`signing.public.${purpose}.again`)}
          </button>
        </div>
      </form>
    );
  }
  return (
    <form
      className="form"
      onSubmit={ask}
      aria-labelledby={titleId}
      data-testid={purpose === "withdraw" ? "withdrawal" : "reconsent"}
    >
      {heading}
      <p>{t(`signing.public.${purpose}.intro`)}</p>
      <TextField
        label={t("signing.public.check.code")}
        value={receipt}
        onChange={setReceipt}
        required
        maxLength={64}
        autoComplete="off"
        spellCheck={false}
      />
      <TextField
        label={t("signing.public.withdraw.email")}
        type="email"
        value={email}
        onChange={setEmail}
        required
        maxLength={320}
        autoComplete="off"
      />
      <PublicError error={action.error} />
      <div className="actions">
        <button type="submit" className="button" disabled={action.busy || !receipt.trim() || !email.trim()}>
          {t(`signing.public.${purpose}.submit`)}
        </button>
      </div>
    </form>
  );
}

function AlreadySigned({ appeal }: { appeal: PublicAppeal }) {
  const { t } = useTranslation();
  // A checked receipt whose signature waits for consent to the new text.
  const [awaiting, setAwaiting] = useState<string | null>(null);
  return (
    <section
      className="review-section public-signing__already"
      aria-labelledby="already-title"
      data-testid="already-signed"
    >
      <h2 id="already-title" className="review-section__title">
        {t("signing.public.already.title")}
      </h2>
      <p>{t("signing.public.already.intro")}</p>
      <ReceiptCheck onChecked={(code, found) => setAwaiting(found.status === "awaiting_reconsent" ? code : null)} />
      {appeal.open && awaiting !== null ? (
        <ReceiptCodeForm key={awaiting} appeal={appeal} purpose="reconsent" initialReceipt={awaiting} />
      ) : null}
      {appeal.open ? (
        <ReceiptCodeForm appeal={appeal} purpose="withdraw" />
      ) : (
        <p className="muted">{t("signing.public.withdraw.closed")}</p>
      )}
    </section>
  );
}

function PublicSigning({ appealId }: { appealId: string }) {
  const { t, i18n } = useTranslation();
  const loaded = useLoad(() => getPublicAppeal(appealId), [appealId]);
  const appeal = loaded.data;

  if (loaded.error && !appeal) {
    const missing = isApiError(loaded.error, "appeal_not_found") || isApiError(loaded.error, "not_found");
    return (
      <section className="page public-signing" aria-labelledby="page-heading">
        <PageTitle page={t("signing.public.notFoundTitle")} />
        <h1 id="page-heading">{missing ? t("signing.public.notFoundTitle") : t("signing.title")}</h1>
        {missing ? <p>{t("signing.public.notFound")}</p> : <ErrorAlert error={loaded.error} />}
      </section>
    );
  }
  if (!appeal) return <Loading />;

  return (
    <section className="page public-signing" aria-labelledby="page-heading" data-testid="public-signing">
      <PageTitle page={appeal.title} />
      <h1 id="page-heading" className="wrap-anywhere">
        {appeal.title}
      </h1>
      <p data-testid="signing-state">
        {appeal.open
          ? t("signing.openUntil", { date: formatDateTime(appeal.closes_at, i18n.language) })
          : t("signing.closed")}
      </p>
      <Letter blocks={appeal.blocks} label={t("signing.text")} />
      <p className="muted">
        {t("signing.boundTo")}{" "}
        <code className="hash wrap-anywhere" data-testid="revision-hash">
          {appeal.revision_sha256}
        </code>
      </p>
      <PublicCounts appeal={appeal} />
      {appeal.open ? (
        <SignFlow appeal={appeal} onChanged={loaded.reload} />
      ) : (
        <p className="alert alert--warning public-signing__closed" data-testid="signing-closed">
          {t("signing.public.closed")}
        </p>
      )}
      <AlreadySigned appeal={appeal} />
    </section>
  );
}

/** The public signing page (/sign/:appealId): anyone signs, no account, confirmed by an
 * emailed code; and anyone holding a receipt checks or withdraws their signature. */
export function PublicSigningPage() {
  const { appealId = "" } = useParams();
  return <PublicSigning key={appealId} appealId={appealId} />;
}
