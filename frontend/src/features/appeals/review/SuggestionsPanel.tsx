import { useEffect, useId, useRef, useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { useConfirm } from "../../../shared/Confirm";
import { Loading } from "../../../shared/Loading";
import { Notice } from "../../../shared/Notice";
import { TextArea } from "../../../shared/TextArea";
import { useAction } from "../../../shared/useAction";
import { useLoad } from "../../../shared/useLoad";
import {
  acceptSuggestion,
  getText,
  listSuggestions,
  rejectSuggestion,
  type Appeal,
  type Block,
  type BlockKind,
  type Suggestion,
} from "../api";
import { Badge, DateTime, excerpt, ReviewError, textOpen, useBlockKind, usePersonName } from "./common";

type Filter = "open" | "decided";
const FILTERS: readonly Filter[] = ["open", "decided"];
const isFilter = (value: string): value is Filter => (FILTERS as readonly string[]).includes(value);

const BLOCK_KINDS: readonly BlockKind[] = ["title", "salutation", "heading", "paragraph", "ask", "quote", "closing"];
const isBlockKind = (value: unknown): value is BlockKind =>
  typeof value === "string" && (BLOCK_KINDS as readonly string[]).includes(value);
const text = (value: unknown) => (typeof value === "string" ? value : "");

/** The change a suggestion proposes, read defensively from the API's open `change` object. */
type Change =
  | { kind: "replace"; blockId: string; exact: string; replacement: string }
  | { kind: "insert"; afterBlockId: string | null; blockKind: BlockKind; text: string }
  | { kind: "remove"; blockId: string };

function readChange(suggestion: Suggestion): Change | null {
  const change = suggestion.change;
  if (change.kind === "replace") {
    return {
      kind: "replace",
      blockId: text(change.block_id),
      exact: text(change.exact),
      replacement: text(change.replacement),
    };
  }
  if (change.kind === "insert" && isBlockKind(change.block_kind)) {
    const after = change.after_block_id;
    return {
      kind: "insert",
      afterBlockId: typeof after === "string" ? after : null,
      blockKind: change.block_kind,
      text: text(change.text),
    };
  }
  if (change.kind === "remove") return { kind: "remove", blockId: text(change.block_id) };
  return null;
}

/**
 * Suggested changes to the text: what each would change, who suggested it and why; people who
 * may edit accept one (it becomes a revision crediting its author) or reject it with a reason.
 */
export function SuggestionsPanel({ appeal, onChanged }: { appeal: Appeal; onChanged: () => void }) {
  const { t } = useTranslation();
  const confirm = useConfirm();
  const personName = usePersonName();
  const headingId = useId();
  const filterId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const suggestions = useLoad(() => listSuggestions(appeal.id), [appeal.id, appeal.head_sha256]);
  // The current text names the blocks a suggestion is about; without it they are described less.
  const current = useLoad(() => getText(appeal.id), [appeal.id, appeal.head_sha256]);
  const action = useAction();
  const [filter, setFilter] = useState<Filter>("open");
  const [rejecting, setRejecting] = useState<string | null>(null);
  const canDecide = appeal.rights.includes("edit");

  const blocks = new Map((current.data?.text.blocks ?? []).map((block) => [block.id, block]));
  const all = suggestions.data?.items ?? [];
  const shown = all.filter((s) => (filter === "open") === (s.status === "open"));

  const afterDecision = (message: string) => {
    action.setNotice(message);
    suggestions.reload();
    setRejecting(null);
    // The suggestion leaves the "open" list with the focused control: keep focus in the panel.
    heading.current?.focus();
  };

  const accept = async (suggestion: Suggestion) => {
    const author = personName(suggestion.author);
    const body = [t("appealReview.suggestions.acceptBody", { author })];
    if (appeal.state === "review") body.push(t("appealReview.suggestions.acceptResetsApprovals"));
    const accepted = await action.run(async () => {
      await confirm({
        title: t("appealReview.suggestions.acceptTitle"),
        body: body.join(" "),
        confirmLabel: t("appealReview.suggestions.accept"),
      });
      return acceptSuggestion(appeal.id, suggestion.id);
    });
    if (accepted) {
      // The answer is the list as it now is, this suggestion with the revision it became.
      const decided = accepted.items.find((item) => item.id === suggestion.id);
      afterDecision(t("appealReview.suggestions.acceptedNotice", { number: decided?.result_revision_number ?? "—" }));
      onChanged(); // a new revision: the header's revision number and approvals change
    }
  };

  return (
    <section className="review-panel" aria-labelledby={headingId} data-testid="suggestions-panel">
      <h2 id={headingId} ref={heading} tabIndex={-1} className="review-panel__title focus-heading">
        {t("appealReview.suggestions.title")}
      </h2>
      <Notice>{action.notice}</Notice>
      <ReviewError error={action.error} />
      <ReviewError error={suggestions.error} />
      {!suggestions.data && !suggestions.error ? <Loading /> : null}
      {suggestions.data && all.length === 0 ? <p className="muted">{t("appealReview.suggestions.empty")}</p> : null}
      {all.length > 0 ? (
        <>
          <div className="review-filter">
            <div className="field">
              <label htmlFor={filterId}>{t("appealReview.suggestions.filter")}</label>
              <select
                id={filterId}
                value={filter}
                onChange={(event) => {
                  if (isFilter(event.target.value)) setFilter(event.target.value);
                }}
              >
                {FILTERS.map((value) => (
                  <option key={value} value={value}>
                    {t(`appealReview.suggestions.filters.${value}`)}
                  </option>
                ))}
              </select>
            </div>
            <p className="muted" aria-live="polite">
              {t("appealReview.shown", { shown: shown.length, total: all.length })}
            </p>
          </div>
          {shown.length === 0 ? (
            <p className="muted">{t(`appealReview.suggestions.noneInFilter.${filter}`)}</p>
          ) : (
            <ul className="review-list">
              {shown.map((suggestion) => (
                <SuggestionItem
                  key={suggestion.id}
                  appeal={appeal}
                  suggestion={suggestion}
                  blocks={blocks}
                  canDecide={canDecide}
                  busy={action.busy}
                  rejecting={rejecting === suggestion.id}
                  onAccept={() => void accept(suggestion)}
                  onReject={() => {
                    action.setNotice(null);
                    setRejecting(suggestion.id);
                  }}
                  onCancelReject={() => setRejecting(null)}
                  onRejected={() => afterDecision(t("appealReview.suggestions.rejectedNotice"))}
                />
              ))}
            </ul>
          )}
        </>
      ) : null}
    </section>
  );
}

function SuggestionItem({
  appeal,
  suggestion,
  blocks,
  canDecide,
  busy,
  rejecting,
  onAccept,
  onReject,
  onCancelReject,
  onRejected,
}: {
  appeal: Appeal;
  suggestion: Suggestion;
  blocks: Map<string, Block>;
  canDecide: boolean;
  busy: boolean;
  rejecting: boolean;
  onAccept: () => void;
  onReject: () => void;
  onCancelReject: () => void;
  onRejected: () => void;
}) {
  const { t } = useTranslation();
  const personName = usePersonName();
  const author = personName(suggestion.author);
  const open = suggestion.status === "open";
  const mayAccept = !suggestion.outdated && textOpen(appeal);
  const hintId = useId();
  const rejectButton = useRef<HTMLButtonElement>(null);
  // A cancelled reject form gives focus back to its button (a decision moves it to the heading).
  const refocusReject = useRef(false);
  useEffect(() => {
    if (!rejecting && refocusReject.current) {
      refocusReject.current = false;
      rejectButton.current?.focus();
    }
  }, [rejecting]);

  return (
    <li className="review-item" data-testid="suggestion">
      <article aria-label={t("appealReview.suggestions.itemLabel", { author })}>
        <p className="review-meta">
          <strong>{t(`appealReview.suggestions.kinds.${suggestion.kind}`)}</strong>
          <Badge tone={suggestion.status === "accepted" ? "ok" : "neutral"}>
            {t(`appealReview.suggestions.statuses.${suggestion.status}`)}
          </Badge>
          {suggestion.outdated ? (
            <Badge tone="warn">{t("appealReview.suggestions.outdated", { number: suggestion.revision_number })}</Badge>
          ) : null}
        </p>
        <ChangeView suggestion={suggestion} blocks={blocks} />
        {suggestion.note ? (
          <div className="review-note">
            <p className="review-note__label">{t("appealReview.suggestions.note")}</p>
            <p className="prewrap review-body">{suggestion.note}</p>
          </div>
        ) : null}
        <p className="muted">
          {t("appealReview.suggestions.by", { author, number: suggestion.revision_number })}{" "}
          <DateTime value={suggestion.created_at} />
        </p>
        {suggestion.status === "accepted" ? (
          <p className="review-decision">
            {t("appealReview.suggestions.acceptedBy", {
              name: personName(suggestion.decided_by),
              number: suggestion.result_revision_number ?? "—",
            })}{" "}
            <DateTime value={suggestion.decided_at} />
          </p>
        ) : null}
        {suggestion.status === "rejected" ? (
          <div className="review-decision">
            <p>
              {t("appealReview.suggestions.rejectedBy", { name: personName(suggestion.decided_by) })}{" "}
              <DateTime value={suggestion.decided_at} />
            </p>
            {suggestion.reason ? (
              <p className="prewrap review-body">
                {t("appealReview.suggestions.reason")} {suggestion.reason}
              </p>
            ) : null}
          </div>
        ) : null}
        {suggestion.status === "withdrawn" ? (
          <p className="review-decision">
            {t("appealReview.suggestions.withdrawnAt")} <DateTime value={suggestion.decided_at} />
          </p>
        ) : null}
        {open && canDecide ? (
          <>
            {!mayAccept ? (
              <p id={hintId} className="muted">
                {suggestion.outdated
                  ? t("appealReview.suggestions.cannotAcceptOutdated")
                  : t("appealReview.suggestions.cannotAcceptFrozen")}
              </p>
            ) : null}
            {rejecting ? (
              <RejectForm
                appealId={appeal.id}
                suggestion={suggestion}
                onCancel={() => {
                  refocusReject.current = true;
                  onCancelReject();
                }}
                onDone={onRejected}
              />
            ) : (
              <div className="actions review-actions">
                <button
                  type="button"
                  className="button button--primary"
                  disabled={busy || !mayAccept}
                  aria-describedby={mayAccept ? undefined : hintId}
                  onClick={onAccept}
                >
                  {t("appealReview.suggestions.accept")}
                </button>
                <button ref={rejectButton} type="button" className="button button--danger" onClick={onReject}>
                  {t("appealReview.suggestions.reject")}
                </button>
              </div>
            )}
          </>
        ) : null}
      </article>
    </li>
  );
}

function ChangeView({ suggestion, blocks }: { suggestion: Suggestion; blocks: Map<string, Block> }) {
  const { t } = useTranslation();
  const blockKind = useBlockKind();
  const change = readChange(suggestion);
  if (!change) return null;
  if (change.kind === "replace") {
    const block = blocks.get(change.blockId);
    return (
      <div className="review-change" data-testid="suggestion-change">
        <p className="muted review-change__where">
          {block
            ? t("appealReview.suggestions.inBlock", { kind: blockKind(block.kind), excerpt: excerpt(block.text) })
            : t("appealReview.suggestions.inBlockGone")}
        </p>
        <p className="review-change__text prewrap">
          <del>
            <span className="visually-hidden">{t("appealReview.diff.deletedPrefix")}</span>
            {change.exact}
          </del>
          <span aria-hidden="true" className="review-change__arrow">
            {" → "}
          </span>
          {change.replacement ? (
            <ins>
              <span className="visually-hidden">{t("appealReview.diff.insertedPrefix")}</span>
              {change.replacement}
            </ins>
          ) : (
            <em className="muted">{t("appealReview.suggestions.nothing")}</em>
          )}
        </p>
      </div>
    );
  }
  if (change.kind === "insert") {
    const kind = blockKind(change.blockKind);
    const after = change.afterBlockId === null ? null : blocks.get(change.afterBlockId);
    return (
      <div className="review-change" data-testid="suggestion-change">
        <p className="muted review-change__where">
          {change.afterBlockId === null
            ? t("appealReview.suggestions.insertAtStart", { kind })
            : after
              ? t("appealReview.suggestions.insertAfter", { kind, excerpt: excerpt(after.text) })
              : t("appealReview.suggestions.insertAfterGone", { kind })}
        </p>
        <p className="review-change__text prewrap">
          <ins>
            <span className="visually-hidden">{t("appealReview.diff.insertedPrefix")}</span>
            {change.text}
          </ins>
        </p>
      </div>
    );
  }
  const block = blocks.get(change.blockId);
  return (
    <div className="review-change" data-testid="suggestion-change">
      <p className="muted review-change__where">
        {block
          ? t("appealReview.suggestions.removeBlock", { kind: blockKind(block.kind) })
          : t("appealReview.suggestions.removeGone")}
      </p>
      {block ? (
        <p className="review-change__text prewrap">
          <del>
            <span className="visually-hidden">{t("appealReview.diff.deletedPrefix")}</span>
            {block.text}
          </del>
        </p>
      ) : null}
    </div>
  );
}

/** Rejecting needs a reason: the author reads it. Nothing is sent without one. */
function RejectForm({
  appealId,
  suggestion,
  onCancel,
  onDone,
}: {
  appealId: string;
  suggestion: Suggestion;
  onCancel: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const personName = usePersonName();
  const action = useAction();
  const [reason, setReason] = useState("");
  const [missing, setMissing] = useState(false);
  const errorId = useId();
  const form = useRef<HTMLFormElement>(null);

  useEffect(() => {
    form.current?.querySelector("textarea")?.focus();
  }, []);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (!reason.trim()) {
      setMissing(true);
      form.current?.querySelector("textarea")?.focus();
      return;
    }
    setMissing(false);
    const done = await action.run(async () => {
      await rejectSuggestion(appealId, suggestion.id, reason.trim());
      return true;
    });
    if (done) onDone();
  };

  return (
    <form ref={form} className="form review-form" onSubmit={(event) => void submit(event)} noValidate>
      <TextArea
        label={t("appealReview.suggestions.reasonLabel")}
        hint={t("appealReview.suggestions.reasonHint", { author: personName(suggestion.author) })}
        value={reason}
        onChange={(value) => {
          setReason(value);
          if (value.trim()) setMissing(false);
        }}
        rows={3}
        maxLength={2000}
        required
        aria-invalid={missing || undefined}
        aria-errormessage={missing ? errorId : undefined}
      />
      {missing ? (
        <p id={errorId} role="alert" className="alert alert--error">
          {t("appealReview.suggestions.reasonRequired")}
        </p>
      ) : null}
      <ReviewError error={action.error} />
      <div className="actions">
        <button type="submit" className="button button--danger" disabled={action.busy}>
          {action.busy ? t("common.working") : t("appealReview.suggestions.rejectConfirm")}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}
