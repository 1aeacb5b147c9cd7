import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { formatDateTime } from "../../shared/formatDate";
import { Loading } from "../../shared/Loading";
import { useLoad } from "../../shared/useLoad";
import { AppealErrorAlert } from "./AppealError";
import { diffRevisions, listRevisions, markdownUrl, type Appeal, type BlockDiff, type Revision } from "./api";
import { DiffText } from "./DiffText";
import { shortHash } from "./labels";
import { usePages } from "./usePages";

function RevisionItem({ revision }: { revision: Revision }) {
  const { t, i18n } = useTranslation();
  return (
    <li className="item revision-item">
      <div className="item__main">
        <span>
          <strong>{t("appeals.history.number", { number: revision.number })}</strong>
          {revision.merged ? <span className="tag">{t("appeals.history.merged")}</span> : null}
        </span>
        <span className="muted wrap-anywhere">
          {revision.author ? t("appeals.history.by", { name: revision.author.name }) : t("appeals.history.byUnknown")}
          {revision.credited ? ` · ${t("appeals.history.credited", { name: revision.credited.name })}` : ""}
          {" · "}
          <time dateTime={revision.created_at}>{formatDateTime(revision.created_at, i18n.language)}</time>
          {" · "}
          <code title={revision.sha256} className="hash">
            {shortHash(revision.sha256)}
          </code>
        </span>
        {revision.note ? <span className="prewrap revision-item__note">{revision.note}</span> : null}
      </div>
    </li>
  );
}

const BLOCK_OPS = ["added", "removed", "changed", "moved"] as const;

function DiffBlock({ block }: { block: BlockDiff }) {
  const { t } = useTranslation();
  const labels = [
    ...(block.op === "same" ? [] : [t(`appeals.diff.ops.${block.op}`)]),
    ...(block.moved ? [t("appeals.diff.ops.moved")] : []),
  ];
  return (
    <li className={`diff-block diff-block--${block.op}${block.moved ? " diff-block--moved" : ""}`}>
      <p className="diff-block__label">
        <span className="block-kind">
          {block.old_kind
            ? t("appeals.diff.kindChanged", {
                from: t(`appeals.kinds.${block.old_kind}`),
                to: t(`appeals.kinds.${block.kind}`),
              })
            : t(`appeals.kinds.${block.kind}`)}
        </span>
        {labels.map((label) => (
          <span key={label} className="diff-op">
            {label}
          </span>
        ))}
      </p>
      <p className="diff-text prewrap">
        <DiffText segments={block.segments} />
      </p>
    </li>
  );
}

function Comparison({ appealId, from, to }: { appealId: string; from: number; to: number }) {
  const { t } = useTranslation();
  const [showSame, setShowSame] = useState(false);
  const checkboxId = useId();
  const diff = useLoad(() => diffRevisions(appealId, from, to), [appealId, from, to]);
  if (diff.error) return <AppealErrorAlert error={diff.error} />;
  if (!diff.data || diff.data.from_number !== from || diff.data.to_number !== to) return <Loading />;
  const { summary } = diff.data;
  const shown = diff.data.blocks.filter((block) => showSame || block.op !== "same" || block.moved);
  return (
    <div className="comparison" data-testid="diff">
      <p className="diff-summary" aria-live="polite">
        {BLOCK_OPS.map((op) => t(`appeals.diff.summary.${op}`, { number: summary[op] })).join(" · ")}
      </p>
      <div className="checkbox">
        <input id={checkboxId} type="checkbox" checked={showSame} onChange={(e) => setShowSame(e.target.checked)} />
        <label htmlFor={checkboxId}>{t("appeals.diff.showSame")}</label>
      </div>
      {shown.length === 0 ? <p className="muted">{t("appeals.diff.noChanges")}</p> : null}
      <ol className="diff-blocks" aria-label={t("appeals.diff.label", { from, to })}>
        {shown.map((block) => (
          <DiffBlock key={block.id} block={block} />
        ))}
      </ol>
    </div>
  );
}

/** The history tab: revisions newest first (a page at a time) and a comparison of any two. */
export function HistoryView({ appeal }: { appeal: Appeal }) {
  const { t } = useTranslation();
  const fromId = useId();
  const toId = useId();
  const pages = usePages((cursor) => listRevisions(appeal.id, cursor), [appeal.id, appeal.head_number]);
  const latest = appeal.head_number;
  const [picked, setPicked] = useState<{ from: number; to: number } | null>(null);
  const to = picked?.to ?? latest;
  const from = picked?.from ?? Math.max(1, latest - 1);
  // Every revision number can be compared, loaded in the list or not.
  const numbers = Array.from({ length: latest }, (_, i) => latest - i);

  return (
    <div className="history">
      <section aria-labelledby="compare-heading">
        <h2 id="compare-heading" className="history__title">
          {t("appeals.history.compare")}
        </h2>
        {latest < 2 ? (
          <p className="muted">{t("appeals.history.onlyOne")}</p>
        ) : (
          <>
            <div className="form__row compare-row">
              <div className="field">
                <label htmlFor={fromId}>{t("appeals.history.from")}</label>
                <select id={fromId} value={from} onChange={(e) => setPicked({ from: Number(e.target.value), to })}>
                  {numbers.map((n) => (
                    <option key={n} value={n}>
                      {t("appeals.history.number", { number: n })}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor={toId}>{t("appeals.history.to")}</label>
                <select id={toId} value={to} onChange={(e) => setPicked({ from, to: Number(e.target.value) })}>
                  {numbers.map((n) => (
                    <option key={n} value={n}>
                      {t("appeals.history.number", { number: n })}
                    </option>
                  ))}
                </select>
              </div>
            </div>
            <Comparison appealId={appeal.id} from={from} to={to} />
          </>
        )}
        <p>
          <a href={markdownUrl(appeal.id, to)} download className="button">
            {t("appeals.history.export", { number: to })}
          </a>
        </p>
      </section>
      <section aria-labelledby="revisions-heading">
        <h2 id="revisions-heading" className="history__title">
          {t("appeals.history.revisions")}
        </h2>
        <AppealErrorAlert error={pages.error} />
        {!pages.items && !pages.error ? <Loading /> : null}
        {pages.items ? (
          <ul className="items" data-testid="revisions">
            {pages.items.map((revision) => (
              <RevisionItem key={revision.id} revision={revision} />
            ))}
          </ul>
        ) : null}
        {pages.hasMore ? (
          <p>
            <button type="button" className="button" disabled={pages.busy} onClick={pages.more}>
              {pages.busy ? t("common.loading") : t("appeals.history.loadMore")}
            </button>
          </p>
        ) : null}
      </section>
    </div>
  );
}
