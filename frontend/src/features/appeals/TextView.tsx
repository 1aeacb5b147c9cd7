import {
  useCallback,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
  type SubmitEvent,
} from "react";
import { useTranslation } from "react-i18next";
import { Loading } from "../../shared/Loading";
import { TextArea } from "../../shared/TextArea";
import { useAction } from "../../shared/useAction";
import { useLoad } from "../../shared/useLoad";
import { AppealErrorAlert } from "./AppealError";
import { addComment, getText, listComments, suggest, type Appeal, type Block, type BlockKind } from "./api";
import { BLOCK_KINDS } from "./blocks";
import { Letter } from "./Letter";
import { MentionPicker } from "./MentionPicker";
import { textOpen } from "./review/common";
import { BLOCK_TEXT_ATTRIBUTE, currentPassage, type Passage } from "./selection";

/** What the person is writing about: a selected passage, or a whole block. */
type Draft = { mode: "comment" | "replace"; passage: Passage } | { mode: "insert" | "remove"; blockId: string };

const draftBlock = (draft: Draft) => ("passage" in draft ? draft.passage.blockId : draft.blockId);

/** The toolbar shown under a block while a passage of it is selected. */
function SelectionToolbar({
  canSuggest,
  onChoose,
}: {
  canSuggest: boolean;
  onChoose: (mode: "comment" | "replace") => void;
}) {
  const { t } = useTranslation();
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const [focused, setFocused] = useState(0);
  const keys = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
    event.preventDefault();
    if (!canSuggest) return;
    const next = focused === 0 ? 1 : 0;
    setFocused(next);
    refs.current[next]?.focus();
  };
  const modes = canSuggest ? (["comment", "replace"] as const) : (["comment"] as const);
  return (
    <div role="toolbar" aria-label={t("appeals.text.toolbar")} className="selection-toolbar" onKeyDown={keys}>
      {modes.map((mode, index) => (
        <button
          key={mode}
          ref={(element) => {
            refs.current[index] = element;
          }}
          type="button"
          className="button"
          tabIndex={index === focused ? 0 : -1}
          // Keep the selection: a mouse press on the button would otherwise clear it first.
          onMouseDown={(event) => event.preventDefault()}
          onClick={() => onChoose(mode)}
        >
          {t(mode === "comment" ? "appeals.text.comment" : "appeals.text.suggestChange")}
        </button>
      ))}
    </div>
  );
}

/** The form for a draft: a comment or a replacement on a passage, a new block, a removal. */
function DraftForm({
  appeal,
  revisionId,
  draft,
  block,
  onDone,
  onCancel,
}: {
  appeal: Appeal;
  revisionId: string;
  draft: Draft;
  block: Block;
  onDone: (message: string) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const kindId = useId();
  const headingId = useId();
  const [body, setBody] = useState(draft.mode === "replace" ? draft.passage.quote : "");
  const [note, setNote] = useState("");
  const [kind, setKind] = useState<BlockKind>(block.kind === "ask" ? "ask" : "paragraph");
  const [mentions, setMentions] = useState<string[]>([]);
  const action = useAction();

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    void action.run(async () => {
      const extra = note.trim() ? { note: note.trim() } : {};
      if (draft.mode === "comment") {
        const { passage } = draft;
        await addComment(appeal.id, {
          revision_id: revisionId,
          block_id: passage.blockId,
          start: passage.start,
          end: passage.end,
          body,
          mentions,
        });
        onDone(t("appeals.text.commentAdded"));
      } else if (draft.mode === "replace") {
        const { passage } = draft;
        await suggest(appeal.id, {
          revision_id: revisionId,
          change: {
            kind: "replace",
            block_id: passage.blockId,
            start: passage.start,
            end: passage.end,
            replacement: body,
          },
          ...extra,
        });
        onDone(t("appeals.text.suggestionAdded"));
      } else if (draft.mode === "insert") {
        await suggest(appeal.id, {
          revision_id: revisionId,
          change: { kind: "insert", after_block_id: block.id, block_kind: kind, text: body },
          ...extra,
        });
        onDone(t("appeals.text.suggestionAdded"));
      } else {
        await suggest(appeal.id, { revision_id: revisionId, change: { kind: "remove", block_id: block.id }, ...extra });
        onDone(t("appeals.text.suggestionAdded"));
      }
    });
  };

  const titles = {
    comment: t("appeals.text.commentTitle"),
    replace: t("appeals.text.replaceTitle"),
    insert: t("appeals.text.insertTitle"),
    remove: t("appeals.text.removeTitle"),
  };
  const needsBody = draft.mode !== "remove";
  return (
    <form className="form draft-form" aria-labelledby={headingId} onSubmit={submit}>
      <h3 id={headingId} className="draft-form__title">
        {titles[draft.mode]}
      </h3>
      {"passage" in draft ? (
        <p className="draft-form__quote">
          <span className="muted">{t("appeals.text.quoted")}</span> <q className="prewrap">{draft.passage.quote}</q>
        </p>
      ) : null}
      {draft.mode === "insert" ? (
        <div className="field">
          <label htmlFor={kindId}>{t("appeals.text.newBlockKind")}</label>
          <select
            id={kindId}
            value={kind}
            onChange={(event) => setKind(BLOCK_KINDS.find((k) => k === event.target.value) ?? "paragraph")}
          >
            {BLOCK_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`appeals.kinds.${k}`)}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      {needsBody ? (
        <TextArea
          label={
            draft.mode === "comment"
              ? t("appeals.text.commentBody")
              : draft.mode === "replace"
                ? t("appeals.text.replacement")
                : t("appeals.text.newBlockText")
          }
          value={body}
          onChange={setBody}
          required={draft.mode !== "replace"}
          maxLength={draft.mode === "comment" ? 10000 : 20000}
          // eslint-disable-next-line jsx-a11y/no-autofocus -- the form opened on request; typing starts here
          autoFocus
        />
      ) : (
        <p>{t("appeals.text.removeExplain")}</p>
      )}
      {draft.mode === "comment" ? (
        <MentionPicker appealId={appeal.id} selected={mentions} onChange={setMentions} />
      ) : (
        <TextArea label={t("appeals.text.note")} value={note} onChange={setNote} maxLength={2000} rows={2} />
      )}
      <AppealErrorAlert error={action.error} />
      <div className="actions">
        <button
          type="submit"
          className="button button--primary"
          disabled={action.busy || (draft.mode !== "replace" && needsBody && !body.trim())}
        >
          {action.busy
            ? t("common.working")
            : draft.mode === "comment"
              ? t("appeals.text.addComment")
              : t("appeals.text.sendSuggestion")}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}

/** The text tab: the letter, open comments per block and (with the right) comment and suggest. */
export function TextView({ appeal }: { appeal: Appeal; onChanged: () => void }) {
  const { t } = useTranslation();
  const text = useLoad(() => getText(appeal.id), [appeal.id, appeal.head_number]);
  const [commentsVersion, setCommentsVersion] = useState(0);
  const comments = useLoad(() => listComments(appeal.id), [appeal.id, appeal.head_number, commentsVersion]);
  const canComment = appeal.rights.includes("comment");
  // Suggestions change the text: the server takes them only while it may change (draft, review).
  const canSuggest = canComment && textOpen(appeal);
  const [pending, setPending] = useState<Passage | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [menuFor, setMenuFor] = useState<string | null>(null);
  const base = useId();
  const [said, setSaid] = useState<{ blockId: string; message: string } | null>(null);
  const letterRef = useRef<HTMLDivElement>(null);
  const saidRef = useRef<HTMLParagraphElement>(null);

  const blocks = text.data?.text.blocks;
  const rawById = useMemo(() => new Map((blocks ?? []).map((b) => [b.id, b.text])), [blocks]);

  // Open threads located in each block (resolved and outdated ones are not counted).
  const openCount = useMemo(() => {
    const counts = new Map<string, number>();
    for (const comment of comments.data?.items ?? []) {
      const where = comment.located?.block_id;
      if (!where || comment.resolved_at || comment.parent_id) continue;
      counts.set(where, (counts.get(where) ?? 0) + 1);
    }
    return counts;
  }, [comments.data]);

  const readSelection = useCallback(() => {
    if (!canComment) return;
    const passage = currentPassage((id) => rawById.get(id));
    const inLetter =
      passage &&
      [...(letterRef.current?.querySelectorAll(`[${BLOCK_TEXT_ATTRIBUTE}]`) ?? [])].some(
        (element) => element.getAttribute(BLOCK_TEXT_ATTRIBUTE) === passage.blockId,
      );
    if (passage && inLetter) {
      setPending(passage);
      return;
    }
    // Moving into the toolbar must not take it away.
    const active = document.activeElement;
    if (!active?.closest(".selection-toolbar")) setPending(null);
  }, [canComment, rawById]);

  useEffect(() => {
    document.addEventListener("selectionchange", readSelection);
    return () => document.removeEventListener("selectionchange", readSelection);
  }, [readSelection]);

  useEffect(() => {
    if (said) saidRef.current?.focus();
  }, [said]);

  if (text.error) return <AppealErrorAlert error={text.error} />;
  if (!text.data) return <Loading />;
  const { revision } = text.data.text;

  const open = (next: Draft) => {
    setMenuFor(null);
    setSaid(null);
    setPending(null);
    setDraft(next);
  };

  const around = (block: Block, content: ReactNode) => {
    const count = openCount.get(block.id) ?? 0;
    const label = t(`appeals.kinds.${block.kind}`);
    const drafting = draft !== null && draftBlock(draft) === block.id;
    const menuOpen = menuFor === block.id && !drafting;
    const menuId = `${base}-${block.id}-menu`;
    return (
      <>
        {content}
        {canComment && pending?.blockId === block.id && !draft ? (
          <SelectionToolbar canSuggest={canSuggest} onChoose={(mode) => open({ mode, passage: pending })} />
        ) : null}
        {count > 0 || (canSuggest && !drafting) ? (
          <div className="block-tools">
            {count > 0 ? (
              <span className="comment-count" data-testid={`comment-count-${block.id}`}>
                {t("appeals.text.openComments", { number: count })}
              </span>
            ) : null}
            {canSuggest && !drafting ? (
              <button
                type="button"
                className="link-button"
                aria-expanded={menuOpen}
                aria-controls={menuOpen ? menuId : undefined}
                onClick={() => setMenuFor(menuOpen ? null : block.id)}
              >
                {t("appeals.text.suggestMenu")} <span className="visually-hidden">({label})</span>
              </button>
            ) : null}
            {menuOpen ? (
              <span id={menuId} className="block-tools__menu">
                <button
                  type="button"
                  className="link-button"
                  onClick={() => open({ mode: "insert", blockId: block.id })}
                >
                  {t("appeals.text.suggestInsert")} <span className="visually-hidden">({label})</span>
                </button>
                <button
                  type="button"
                  className="link-button"
                  onClick={() => open({ mode: "remove", blockId: block.id })}
                >
                  {t("appeals.text.suggestRemove")} <span className="visually-hidden">({label})</span>
                </button>
              </span>
            ) : null}
          </div>
        ) : null}
        {draft && draftBlock(draft) === block.id ? (
          <DraftForm
            appeal={appeal}
            revisionId={revision.id}
            draft={draft}
            block={block}
            onCancel={() => setDraft(null)}
            onDone={(message) => {
              setDraft(null);
              setSaid({ blockId: block.id, message });
              setCommentsVersion((n) => n + 1);
            }}
          />
        ) : null}
        {said?.blockId === block.id ? (
          <p role="status" className="alert alert--ok" tabIndex={-1} ref={saidRef}>
            {said.message}
          </p>
        ) : null}
      </>
    );
  };

  return (
    <div className="text-view" ref={letterRef}>
      <p className="muted">
        {t("appeals.text.revisionLine", { number: revision.number })}
        {canSuggest ? ` ${t("appeals.text.selectHint")}` : canComment ? ` ${t("appeals.text.selectHintComment")}` : ""}
      </p>
      <AppealErrorAlert error={comments.error} />
      {text.data.text.blocks.length === 0 ? <p className="muted">{t("appeals.text.empty")}</p> : null}
      <Letter
        blocks={text.data.text.blocks}
        selectable={canComment}
        around={around}
        label={t("appeals.text.letterLabel")}
      />
    </div>
  );
}
