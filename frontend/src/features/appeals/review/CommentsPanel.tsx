import { useEffect, useId, useRef, useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { Loading } from "../../../shared/Loading";
import { Notice } from "../../../shared/Notice";
import { TextArea } from "../../../shared/TextArea";
import { useAction } from "../../../shared/useAction";
import { useLoad } from "../../../shared/useLoad";
import { listComments, replyToComment, resolveComment, type Appeal, type Comment } from "../api";
import { MentionPicker } from "../MentionPicker";
import { Badge, DateTime, ReviewError, usePersonName } from "./common";

type Filter = "open" | "resolved" | "all";
const FILTERS: readonly Filter[] = ["open", "resolved", "all"];

const isFilter = (value: string): value is Filter => (FILTERS as readonly string[]).includes(value);

/**
 * Comment threads on passages of the text: the quoted passage, the discussion, replies and
 * resolving. Threads are started from the Text tab (selecting a passage); here they are read
 * and answered. Everything from the server is rendered as text.
 */
export function CommentsPanel({ appeal }: { appeal: Appeal; onChanged: () => void }) {
  const { t } = useTranslation();
  const headingId = useId();
  const filterId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  // The head hash in the deps: a new revision may outdate a thread's passage.
  const threads = useLoad(() => listComments(appeal.id), [appeal.id, appeal.head_sha256]);
  const action = useAction();
  const [filter, setFilter] = useState<Filter>("open");
  const canComment = appeal.rights.includes("comment");

  const all = threads.data?.items ?? [];
  const shown = all.filter((thread) => filter === "all" || (filter === "resolved") === (thread.resolved_at !== null));

  const resolve = async (thread: Comment, resolved: boolean) => {
    const done = await action.run(
      async () => {
        await resolveComment(appeal.id, thread.id, resolved);
        return true;
      },
      resolved ? t("appealReview.comments.resolvedNotice") : t("appealReview.comments.reopenedNotice"),
    );
    if (done) {
      threads.reload();
      // The thread may leave the filtered list with the focused button: keep focus in the panel.
      heading.current?.focus();
    }
  };

  return (
    <section className="review-panel" aria-labelledby={headingId} data-testid="comments-panel">
      <h2 id={headingId} ref={heading} tabIndex={-1} className="review-panel__title focus-heading">
        {t("appealReview.comments.title")}
      </h2>
      <Notice>{action.notice}</Notice>
      <ReviewError error={action.error} />
      <ReviewError error={threads.error} />
      {!threads.data && !threads.error ? <Loading /> : null}
      {threads.data && all.length === 0 ? <p className="muted">{t("appealReview.comments.empty")}</p> : null}
      {all.length > 0 ? (
        <>
          <div className="review-filter">
            <div className="field">
              <label htmlFor={filterId}>{t("appealReview.comments.filter")}</label>
              <select
                id={filterId}
                value={filter}
                onChange={(event) => {
                  if (isFilter(event.target.value)) setFilter(event.target.value);
                }}
              >
                {FILTERS.map((value) => (
                  <option key={value} value={value}>
                    {t(`appealReview.comments.filters.${value}`)}
                  </option>
                ))}
              </select>
            </div>
            <p className="muted" aria-live="polite">
              {t("appealReview.shown", { shown: shown.length, total: all.length })}
            </p>
          </div>
          <p className="muted">{t("appealReview.comments.howTo")}</p>
          {shown.length === 0 ? (
            <p className="muted">{t(`appealReview.comments.noneInFilter.${filter}`)}</p>
          ) : (
            <ul className="review-list">
              {shown.map((thread) => (
                <Thread
                  key={thread.id}
                  appealId={appeal.id}
                  thread={thread}
                  canComment={canComment}
                  busy={action.busy}
                  onResolve={(resolved) => void resolve(thread, resolved)}
                  onReplied={() => {
                    action.setError(null);
                    action.setNotice(t("appealReview.comments.repliedNotice"));
                    threads.reload();
                  }}
                />
              ))}
            </ul>
          )}
        </>
      ) : null}
    </section>
  );
}

function Thread({
  appealId,
  thread,
  canComment,
  busy,
  onResolve,
  onReplied,
}: {
  appealId: string;
  thread: Comment;
  canComment: boolean;
  busy: boolean;
  onResolve: (resolved: boolean) => void;
  onReplied: () => void;
}) {
  const { t } = useTranslation();
  const personName = usePersonName();
  const [replying, setReplying] = useState(false);
  const replyButton = useRef<HTMLButtonElement>(null);
  const wasReplying = useRef(false);
  useEffect(() => {
    // The form closed (sent or cancelled): focus goes back to the button that opened it.
    if (wasReplying.current && !replying) replyButton.current?.focus();
    wasReplying.current = replying;
  }, [replying]);
  const resolved = thread.resolved_at !== null;
  const author = personName(thread.author);

  return (
    <li className="review-item" data-testid="comment-thread">
      <article aria-label={t("appealReview.comments.threadBy", { author })}>
        {thread.anchor ? (
          <blockquote className="review-quote">
            <span className="visually-hidden">{t("appealReview.comments.quoteLabel")}</span>…{thread.anchor.prefix}
            <mark>{thread.anchor.exact}</mark>
            {thread.anchor.suffix}…
          </blockquote>
        ) : null}
        <p className="review-meta">
          <strong>{author}</strong> <DateTime value={thread.created_at} />
          {thread.outdated ? (
            <Badge tone="warn">{t("appealReview.comments.outdated", { number: thread.revision_number })}</Badge>
          ) : null}
          {resolved ? <Badge tone="ok">{t("appealReview.comments.resolvedBadge")}</Badge> : null}
        </p>
        <p className="prewrap review-body">{thread.body}</p>
        {thread.replies.length > 0 ? (
          <ol className="review-replies" aria-label={t("appealReview.comments.replies")}>
            {thread.replies.map((reply) => (
              <li key={reply.id} className="review-reply">
                <p className="review-meta">
                  <strong>{personName(reply.author)}</strong> <DateTime value={reply.created_at} />
                </p>
                <p className="prewrap review-body">{reply.body}</p>
              </li>
            ))}
          </ol>
        ) : null}
        {resolved ? (
          <p className="muted">
            {t("appealReview.comments.resolvedBy", { name: personName(thread.resolved_by) })}{" "}
            <DateTime value={thread.resolved_at} />
          </p>
        ) : null}
        {canComment ? (
          <>
            {replying ? (
              <ReplyForm
                appealId={appealId}
                thread={thread}
                author={author}
                onCancel={() => setReplying(false)}
                onDone={() => {
                  setReplying(false);
                  onReplied();
                }}
              />
            ) : null}
            <div className="actions review-actions">
              {replying ? null : (
                <button ref={replyButton} type="button" className="button" onClick={() => setReplying(true)}>
                  {t("appealReview.comments.reply")}
                </button>
              )}
              <button type="button" className="button" disabled={busy} onClick={() => onResolve(!resolved)}>
                {resolved ? t("appealReview.comments.reopen") : t("appealReview.comments.resolve")}
              </button>
            </div>
          </>
        ) : null}
      </article>
    </li>
  );
}

function ReplyForm({
  appealId,
  thread,
  author,
  onCancel,
  onDone,
}: {
  appealId: string;
  thread: Comment;
  author: string;
  onCancel: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const action = useAction();
  const [body, setBody] = useState("");
  const [mentions, setMentions] = useState<string[]>([]);
  const [missing, setMissing] = useState(false);
  const errorId = useId();
  const form = useRef<HTMLFormElement>(null);

  useEffect(() => {
    form.current?.querySelector("textarea")?.focus();
  }, []);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (!body.trim()) {
      setMissing(true);
      return;
    }
    setMissing(false);
    const done = await action.run(async () => {
      await replyToComment(appealId, thread.id, body.trim(), mentions);
      return true;
    });
    if (done) onDone();
  };

  return (
    <form ref={form} className="form review-form" onSubmit={(event) => void submit(event)} noValidate>
      <TextArea
        label={t("appealReview.comments.replyLabel", { author })}
        value={body}
        onChange={(value) => {
          setBody(value);
          if (value.trim()) setMissing(false);
        }}
        rows={3}
        maxLength={10000}
        aria-invalid={missing || undefined}
        aria-errormessage={missing ? errorId : undefined}
      />
      {missing ? (
        <p id={errorId} role="alert" className="alert alert--error">
          {t("appealReview.comments.replyRequired")}
        </p>
      ) : null}
      <MentionPicker appealId={appealId} selected={mentions} onChange={setMentions} />
      <ReviewError error={action.error} />
      <div className="actions">
        <button type="submit" className="button button--primary" disabled={action.busy}>
          {action.busy ? t("common.working") : t("appealReview.comments.sendReply")}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}
