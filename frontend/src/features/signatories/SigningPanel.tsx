import { Fragment, useId, useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { isApiError } from "../../api/problem";
import { useConfirm } from "../../shared/Confirm";
import { ErrorAlert } from "../../shared/ErrorAlert";
import { formatDateTime } from "../../shared/formatDate";
import { Loading } from "../../shared/Loading";
import { Notice } from "../../shared/Notice";
import { TextField } from "../../shared/TextField";
import { useAction } from "../../shared/useAction";
import { useLoad } from "../../shared/useLoad";
import { useSession } from "../auth/AuthContext";
import { shortHash } from "../appeals/labels";
import { Letter } from "../appeals/Letter";
import { PageTitle } from "../../shell/PageTitle";
import {
  confirmSignature,
  getSigning,
  listPublicSignatures,
  reconsent,
  sign,
  withdrawSignature,
  type Counts,
  type MySignature,
  type Signing,
  type SignOption,
  type Tier,
} from "./api";
import { InvalidationSection } from "./InvalidationSection";
import { UnsealingSection } from "./UnsealingSection";

/** A count as shown: a number, or "fewer than 10" where the server withholds it. */
function Figure({ value }: { value: number | null }) {
  const { t } = useTranslation();
  return <>{value === null ? t("signing.counts.few") : value}</>;
}

function CountsView({ counts }: { counts: Counts }) {
  const { t } = useTranslation();
  return (
    <section className="review-section" aria-label={t("signing.counts.title")} data-testid="signing-counts">
      <h3 className="review-section__title">{t("signing.counts.title")}</h3>
      <dl className="facts">
        <dt>{t("signing.counts.total")}</dt>
        <dd data-testid="count-total">
          <Figure value={counts.total} />
        </dd>
        <dt>{t("signing.counts.organizations")}</dt>
        <dd>
          <Figure value={counts.organizations} />
        </dd>
        <dt>{t("signing.counts.people")}</dt>
        <dd>
          <Figure value={counts.people} />
        </dd>
        {(["public", "withheld", "counted"] as const).map((tier) => (
          <Fragment key={tier}>
            <dt>{t(`signing.tiers.${tier}.name`)}</dt>
            <dd>
              <Figure value={counts.by_tier[tier] ?? null} />
            </dd>
          </Fragment>
        ))}
        <dt>{t("signing.counts.awaitingReconsent")}</dt>
        <dd>
          <Figure value={counts.awaiting_reconsent} />
        </dd>
        {counts.exact && counts.invalidated ? (
          <>
            <dt>{t("signing.counts.invalidated")}</dt>
            <dd data-testid="count-invalidated">{counts.invalidated}</dd>
          </>
        ) : null}
      </dl>
      {counts.exact ? null : <p className="muted">{t("signing.counts.fewExplained")}</p>}
    </section>
  );
}

function MySignatures({
  signing,
  busy,
  onWithdraw,
  onConfirm,
  onReconsent,
}: {
  signing: Signing;
  busy: boolean;
  onWithdraw: (signature: MySignature) => void;
  onConfirm: (signature: MySignature) => void;
  onReconsent: (signature: MySignature) => void;
}) {
  const { t, i18n } = useTranslation();
  if (signing.mine.length === 0) return null;
  return (
    <section className="review-section" aria-label={t("signing.mine.title")} data-testid="my-signatures">
      <h3 className="review-section__title">{t("signing.mine.title")}</h3>
      <ul className="review-list">
        {signing.mine.map((signature) => (
          <li key={signature.id} className="review-item" data-testid="my-signature">
            <p>
              <strong>
                {signature.kind !== "organization"
                  ? t("signing.mine.asMyself")
                  : signature.organization_name
                    ? t("signing.mine.forNamedOrganization", { organization: signature.organization_name })
                    : t("signing.mine.forOrganization")}
              </strong>{" "}
              · {t(`signing.tiers.${signature.tier}.name`)} ·{" "}
              <span data-testid="signature-status">{t(`signing.status.${signature.status}`)}</span>
            </p>
            {signature.name ? (
              <p className="wrap-anywhere" data-testid="signature-printed-as">
                {signature.line ? `${signature.name}, ${signature.line}` : signature.name}
              </p>
            ) : null}
            <p className="muted">
              {t("signing.mine.boundTo")} <code className="hash">{shortHash(signature.revision_sha256)}</code>
              {signature.confirm_by
                ? ` · ${t("signing.mine.confirmBy", { date: formatDateTime(signature.confirm_by, i18n.language) })}`
                : null}
            </p>
            {signing.open && signature.may_act ? (
              <div className="actions">
                {signature.status === "pending_second_officer" && !signature.asked_by_me ? (
                  <button
                    type="button"
                    className="button button--primary"
                    disabled={busy}
                    onClick={() => onConfirm(signature)}
                  >
                    {t("signing.mine.confirm")}
                  </button>
                ) : null}
                {signature.status === "awaiting_reconsent" ? (
                  <button
                    type="button"
                    className="button button--primary"
                    disabled={busy}
                    onClick={() => onReconsent(signature)}
                  >
                    {t("signing.mine.reconsent")}
                  </button>
                ) : null}
                <button
                  type="button"
                  className="button button--danger"
                  disabled={busy}
                  onClick={() => onWithdraw(signature)}
                >
                  {t("signing.mine.withdraw")}
                </button>
              </div>
            ) : null}
            {signature.status === "pending_second_officer" && signature.asked_by_me ? (
              <p className="muted">{t("signing.mine.waitingForOfficer")}</p>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

function optionKey(option: SignOption) {
  return option.organization_id ?? "me";
}

function SignForm({
  signing,
  first,
  busy,
  onSign,
}: {
  signing: Signing;
  first: SignOption;
  busy: boolean;
  onSign: (
    option: SignOption,
    body: { tier: Tier; name: string; line: string; resolvedOn: string; reference: string },
  ) => void;
}) {
  const { t } = useTranslation();
  const session = useSession();
  const id = useId();
  const [choice, setChoice] = useState(optionKey(first));
  const option = signing.can_sign.find((o) => optionKey(o) === choice) ?? first;
  const defaultName = option.kind === "organization" ? (option.organization_name ?? "") : session.user.display_name;
  const [names, setNames] = useState<Record<string, string>>({});
  const name = names[choice] ?? defaultName;
  const [line, setLine] = useState("");
  const [tier, setTier] = useState<Tier>(signing.window.tiers[0] ?? "public");
  const [resolvedOn, setResolvedOn] = useState("");
  const [reference, setReference] = useState("");
  const [read, setRead] = useState(false);

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    onSign(option, { tier, name, line, resolvedOn, reference });
  };

  return (
    <form className="review-section form" onSubmit={submit} aria-labelledby={`${id}-title`} data-testid="sign-form">
      <h3 id={`${id}-title`} className="review-section__title">
        {t("signing.sign.title")}
      </h3>
      {signing.can_sign.length > 1 ? (
        <fieldset className="choice">
          <legend>{t("signing.sign.as")}</legend>
          {signing.can_sign.map((o) => (
            <label key={optionKey(o)} className="choice__option">
              <input
                type="radio"
                name={`${id}-as`}
                checked={optionKey(o) === choice}
                onChange={() => setChoice(optionKey(o))}
              />{" "}
              {o.kind === "organization"
                ? t("signing.sign.forOrganization", { organization: o.organization_name })
                : t("signing.sign.asMyself")}
            </label>
          ))}
        </fieldset>
      ) : (
        <p>
          {option.kind === "organization"
            ? t("signing.sign.forOrganization", { organization: option.organization_name })
            : t("signing.sign.asMyself")}
        </p>
      )}
      {option.two_officers ? <p className="muted">{t("signing.sign.twoOfficers")}</p> : null}
      <fieldset className="choice">
        <legend>{t("signing.sign.tier")}</legend>
        {signing.window.tiers.map((name) => (
          <label key={name} className="choice__option">
            <input type="radio" name={`${id}-tier`} checked={tier === name} onChange={() => setTier(name)} />{" "}
            <strong>{t(`signing.tiers.${name}.name`)}</strong> — {t(`signing.tiers.${name}.explained`)}
          </label>
        ))}
      </fieldset>
      <TextField
        label={t("signing.sign.name")}
        value={name}
        onChange={(value) => setNames({ ...names, [choice]: value })}
        required
        maxLength={200}
      />
      <TextField
        label={t("signing.sign.line")}
        hint={t("signing.sign.lineHint")}
        value={line}
        onChange={setLine}
        maxLength={400}
      />
      {option.kind === "organization" ? (
        <>
          <TextField label={t("signing.sign.resolvedOn")} type="date" value={resolvedOn} onChange={setResolvedOn} />
          <TextField label={t("signing.sign.reference")} value={reference} onChange={setReference} maxLength={200} />
        </>
      ) : null}
      {tier !== "public" ? <p className="muted">{t("signing.sign.sealed")}</p> : null}
      <label className="checkbox">
        <input type="checkbox" checked={read} onChange={(event) => setRead(event.target.checked)} required />{" "}
        {t("signing.sign.readText", { hash: shortHash(signing.revision_sha256) })}
      </label>
      <div className="actions">
        <button type="submit" className="button button--primary" disabled={busy || !read || !name.trim()}>
          {t("signing.sign.submit")}
        </button>
      </div>
    </form>
  );
}

/** The public signing page's address, to pass on (shown when the window allows the public). */
function PublicLink({ appealId }: { appealId: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState<"copied" | "failed" | null>(null);
  const url = `${window.location.origin}/sign/${appealId}`;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied("copied");
    } catch {
      setCopied("failed");
    }
  };
  return (
    <div className="card public-link" data-testid="public-link">
      <p>{t("signing.publicLink.label")}</p>
      <p>
        <Link to={`/sign/${appealId}`} className="wrap-anywhere">
          {url}
        </Link>
      </p>
      <div className="actions">
        <button type="button" className="button" onClick={() => void copy()}>
          {t("signing.publicLink.copy")}
        </button>
      </div>
      <p role="status" className="muted">
        {copied === "copied"
          ? t("signing.publicLink.copied")
          : copied === "failed"
            ? t("signing.publicLink.copyFailed")
            : ""}
      </p>
    </div>
  );
}

function PublicList({ appealId, version }: { appealId: string; version: number }) {
  const { t } = useTranslation();
  const list = useLoad(() => listPublicSignatures(appealId), [appealId, version]);
  return (
    <section className="review-section" aria-label={t("signing.list.title")} data-testid="public-signatures">
      <h3 className="review-section__title">{t("signing.list.title")}</h3>
      <ErrorAlert error={list.error} />
      {list.data?.items.length === 0 ? <p className="muted">{t("signing.list.none")}</p> : null}
      <ol className="signatory-list">
        {list.data?.items.map((item) => (
          <li key={item.id} className="wrap-anywhere">
            <strong>{item.name}</strong>
            {item.line ? <span className="muted">, {item.line}</span> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}

/**
 * Signing an open appeal: the window, counts, the caller's signatures (withdraw, confirm as
 * a second officer, re-consent to a new text), the form to sign and the printed list.
 */
export function SigningPanel({
  appealId,
  onChanged,
  withText = false,
}: {
  appealId: string;
  onChanged?: () => void;
  /** Show the title and the frozen text too (the signing page; the appeal page has its own). */
  withText?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const confirm = useConfirm();
  const loaded = useLoad(() => getSigning(appealId), [appealId]);
  const action = useAction();
  const [receipt, setReceipt] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  const changed = () => {
    loaded.reload();
    setVersion((n) => n + 1);
    onChanged?.();
  };

  if (loaded.error && !loaded.data) {
    return (
      <>
        {withText ? (
          <h1 id="page-heading" className="wrap-anywhere">
            {t("signing.title")}
          </h1>
        ) : null}
        {isApiError(loaded.error, "signing_window_missing") ? (
          <p>{t("signing.notOpened")}</p>
        ) : (
          <ErrorAlert error={loaded.error} />
        )}
      </>
    );
  }
  const signing = loaded.data;
  if (!signing) return <Loading />;

  const firstOption = signing.can_sign[0];

  const onSign: Parameters<typeof SignForm>[0]["onSign"] = (option, form) => {
    void action.run(async () => {
      const done = await sign(appealId, {
        kind: option.kind,
        organization_id: option.organization_id,
        tier: form.tier,
        name: form.name.trim(),
        line: form.line.trim() || null,
        mandate:
          option.kind === "organization" && form.resolvedOn && form.reference.trim()
            ? { resolved_on: form.resolvedOn, reference: form.reference.trim() }
            : null,
        revision_sha256: signing.revision_sha256 ?? "",
      });
      setReceipt(done.receipt_code);
      changed();
    }, t("signing.sign.done"));
  };

  const onWithdraw = (signature: MySignature) => {
    void action.run(async () => {
      await confirm({
        title: t("signing.mine.withdrawTitle"),
        body: t("signing.mine.withdrawBody"),
        confirmLabel: t("signing.mine.withdraw"),
        danger: true,
      });
      await withdrawSignature(appealId, signature.id);
      setReceipt(null);
      changed();
    }, t("signing.mine.withdrawn"));
  };

  const onConfirm = (signature: MySignature) => {
    void action.run(async () => {
      await confirmSignature(appealId, signature.id);
      changed();
    }, t("signing.mine.confirmed"));
  };

  const onReconsent = (signature: MySignature) => {
    void action.run(async () => {
      await confirm({
        title: t("signing.mine.reconsentTitle"),
        body: t("signing.mine.reconsentBody", { hash: shortHash(signing.revision_sha256) }),
        confirmLabel: t("signing.mine.reconsent"),
      });
      await reconsent(appealId, signature.id, signing.revision_sha256 ?? "");
      changed();
    }, t("signing.mine.reconsented"));
  };

  return (
    <section className="review-panel signing" aria-label={t("signing.title")} data-testid="signing-panel">
      {withText ? (
        <>
          <PageTitle page={signing.title} />
          <h1 id="page-heading" className="wrap-anywhere">
            {signing.title}
          </h1>
          <Letter blocks={signing.blocks} label={t("signing.text")} />
        </>
      ) : null}
      <p data-testid="signing-state">
        {signing.open
          ? t("signing.openUntil", { date: formatDateTime(signing.window.closes_at, i18n.language) })
          : t("signing.closed")}
      </p>
      <p className="muted">
        {t("signing.boundTo")} <code className="hash wrap-anywhere">{signing.revision_sha256}</code>
      </p>
      <p className="muted">
        {t("signing.custody", { k: signing.window.custody_threshold, n: signing.window.custodians })}
      </p>
      {signing.window.allow_public ? <PublicLink appealId={appealId} /> : null}
      <Notice>{action.notice}</Notice>
      <ErrorAlert error={action.error} />
      {receipt ? (
        <div className="card receipt" role="status" data-testid="receipt">
          <p>{t("signing.receipt.intro")}</p>
          <p>
            <code className="receipt__code" data-testid="receipt-code">
              {receipt}
            </code>
          </p>
          <p className="muted">{t("signing.receipt.keep")}</p>
        </div>
      ) : null}
      <CountsView counts={signing.counts} />
      <MySignatures
        signing={signing}
        busy={action.busy}
        onWithdraw={onWithdraw}
        onConfirm={onConfirm}
        onReconsent={onReconsent}
      />
      {signing.is_custodian ? <UnsealingSection appealId={appealId} /> : null}
      {firstOption ? (
        // A new form once a signature is given or the text changes: nothing ticked for one
        // signature (the reading of the text above all) carries over to the next.
        <SignForm
          key={`${signing.revision_sha256 ?? ""} ${signing.can_sign.map(optionKey).join(" ")}`}
          signing={signing}
          first={firstOption}
          busy={action.busy}
          onSign={onSign}
        />
      ) : null}
      <PublicList appealId={appealId} version={version} />
      {signing.can_export ? (
        <p>
          <a href={`/api/appeals/${appealId}/signatures.csv`} download data-testid="export-csv">
            {t("signing.list.export")}
          </a>
        </p>
      ) : null}
      {signing.can_run ? <InvalidationSection appealId={appealId} onDone={changed} /> : null}
    </section>
  );
}
