import { useId, useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { useConfirm } from "../../shared/Confirm";
import { ErrorAlert } from "../../shared/ErrorAlert";
import { Notice } from "../../shared/Notice";
import { TextField } from "../../shared/TextField";
import { useAction } from "../../shared/useAction";
import { invalidateSignatures, previewInvalidation, type InvalidationCondition, type InvalidationPreview } from "./api";

/** A `datetime-local` value (the browser's time zone) as an ISO instant, or nothing. */
function instant(local: string): string | null {
  return local ? new Date(local).toISOString() : null;
}

/**
 * Coordinators' abuse control: choose a condition (signed within a time window, public signers
 * from one email domain, unconfirmed only), see how many signatures it selects, then
 * invalidate exactly those with a reason. If the number changed meanwhile the server applies
 * nothing and the preview must be run again.
 */
export function InvalidationSection({ appealId, onDone }: { appealId: string; onDone: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const confirm = useConfirm();
  const action = useAction();
  const [from, setFrom] = useState("");
  const [until, setUntil] = useState("");
  const [domain, setDomain] = useState("");
  const [unconfirmedOnly, setUnconfirmedOnly] = useState(false);
  const [reason, setReason] = useState("");
  const [preview, setPreview] = useState<{ condition: InvalidationCondition; found: InvalidationPreview } | null>(null);

  const condition = (): InvalidationCondition => ({
    signed_from: instant(from),
    signed_until: instant(until),
    email_domain: domain.trim() || null,
    unconfirmed_only: unconfirmedOnly,
  });
  const changed = () => setPreview(null);

  const onPreview = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    void action.run(async () => {
      const asked = condition();
      setPreview({ condition: asked, found: await previewInvalidation(appealId, asked) });
    });
  };

  const onApply = () => {
    if (!preview) return;
    const expected = preview.found.matching;
    void action.run(async () => {
      await confirm({
        title: t("invalidation.confirmTitle", { count: expected }),
        body: t("invalidation.confirmBody"),
        confirmLabel: t("invalidation.apply"),
        danger: true,
      });
      const done = await invalidateSignatures(appealId, { ...preview.condition, reason: reason.trim(), expected });
      setPreview(null);
      setReason("");
      onDone();
      return done;
    }, t("invalidation.done"));
  };

  return (
    <section className="review-section" aria-labelledby={`${id}-title`} data-testid="invalidation">
      <h3 id={`${id}-title`} className="review-section__title">
        {t("invalidation.title")}
      </h3>
      <p className="muted">{t("invalidation.intro")}</p>
      <Notice>{action.notice}</Notice>
      <ErrorAlert error={action.error} />
      <form onSubmit={onPreview} className="form">
        <TextField
          label={t("invalidation.from")}
          type="datetime-local"
          value={from}
          onChange={(value) => {
            setFrom(value);
            changed();
          }}
        />
        <TextField
          label={t("invalidation.until")}
          type="datetime-local"
          value={until}
          onChange={(value) => {
            setUntil(value);
            changed();
          }}
        />
        <TextField
          label={t("invalidation.domain")}
          hint={t("invalidation.domainHint")}
          value={domain}
          autoComplete="off"
          onChange={(value) => {
            setDomain(value);
            changed();
          }}
        />
        <label className="choice__option">
          <input
            type="checkbox"
            checked={unconfirmedOnly}
            onChange={(event) => {
              setUnconfirmedOnly(event.target.checked);
              changed();
            }}
          />{" "}
          {t("invalidation.unconfirmedOnly")}
        </label>
        <button type="submit" className="button" disabled={action.busy}>
          {t("invalidation.preview")}
        </button>
      </form>
      {preview ? (
        <div className="card form" data-testid="invalidation-preview">
          <p role="status">{t("invalidation.matching", { count: preview.found.matching })}</p>
          {preview.found.matching > 0 ? (
            <>
              <TextField label={t("invalidation.reason")} value={reason} onChange={setReason} required minLength={3} />
              <button
                type="button"
                className="button button--danger"
                disabled={action.busy || reason.trim().length < 3}
                onClick={onApply}
              >
                {t("invalidation.applyCount", { count: preview.found.matching })}
              </button>
            </>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
