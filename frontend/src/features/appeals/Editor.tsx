import { useEffect, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useConfirm } from "../../shared/Confirm";
import { Loading } from "../../shared/Loading";
import { Notice } from "../../shared/Notice";
import { TextArea } from "../../shared/TextArea";
import { useAction } from "../../shared/useAction";
import { useLoad } from "../../shared/useLoad";
import { useSession } from "../auth/AuthContext";
import { AppealErrorAlert } from "./AppealError";
import { EditConflictError, getText, saveText, type Appeal, type Block, type BlockInput, type BlockKind } from "./api";
import { BLOCK_KINDS, newBlockId, rebase, repeatedSingleKinds, sameText, type Choice } from "./blocks";
import { ConflictResolver, type Conflict } from "./ConflictResolver";
import { hasUnsafeLink } from "./inline";
import { Letter } from "./Letter";

/** The editor's whole state: what it is based on, what the person has typed, a pending conflict. */
export interface EditorDraft {
  base: BlockInput[];
  etag: string | null;
  baseNumber: number;
  blocks: BlockInput[];
  note: string;
  conflict: Conflict | null;
}

// Unsaved work per person and appeal, in memory only (never in storage: a draft is
// sensitive). Leaving the appeal's page and coming back finds it here; a reload or a closed
// tab is warned about. Keyed by the user too, so nobody else signing in here is offered it.
const unsaved = new Map<string, EditorDraft>();
const draftKey = (userId: string, appealId: string) => `${userId}/${appealId}`;

/** Forget every kept draft (tests). */
export const forgetUnsavedDrafts = () => unsaved.clear();

const SAVEABLE_STATES: ReadonlySet<Appeal["state"]> = new Set(["draft", "review"]);

/** Rows for an auto-growing textarea (CSS field-sizing does it where supported). */
const rowsFor = (text: string) =>
  Math.min(
    30,
    Math.max(
      2,
      text.split("\n").reduce((sum, line) => sum + Math.max(1, Math.ceil(line.length / 70)), 0),
    ),
  );

const copyBlocks = (blocks: readonly BlockInput[]): BlockInput[] =>
  blocks.map(({ id, kind, text }) => ({ id, kind, text }));

function EditorForm({
  appeal,
  initial,
  keptAs,
  onChanged,
}: {
  appeal: Appeal;
  initial: EditorDraft;
  keptAs: string;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const confirm = useConfirm();
  const base = useId();
  const [draft, setDraft] = useState<EditorDraft>(initial);
  const [merged, setMerged] = useState<Block[] | null>(null);
  const [focus, setFocus] = useState<string | null>(null);
  const action = useAction();
  const { blocks, note, conflict } = draft;
  const dirty = !sameText(blocks, draft.base) || conflict !== null;
  const saveable = SAVEABLE_STATES.has(appeal.state);
  const repeated = repeatedSingleKinds(blocks);

  // Keep the work where a remount finds it; forget it once saved.
  useEffect(() => {
    if (dirty || note) unsaved.set(keptAs, draft);
    else unsaved.delete(keptAs);
  }, [keptAs, draft, dirty, note]);

  // Closing the tab or reloading with unsaved changes asks first (the browser's own prompt).
  useEffect(() => {
    if (!dirty) return;
    // preventDefault() is how every current browser is asked (the returnValue string is deprecated).
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  useEffect(() => {
    if (!focus) return;
    document.getElementById(focus)?.focus();
    setFocus(null);
  }, [focus]);

  const fieldId = (blockId: string, what: string) => `${base}-${blockId}-${what}`;
  const update = (change: (blocks: BlockInput[]) => BlockInput[]) => {
    setMerged(null);
    setDraft((previous) => ({ ...previous, blocks: change(copyBlocks(previous.blocks)) }));
  };
  const setBlock = (id: string, patch: Partial<BlockInput>) =>
    update((list) => list.map((b) => (b.id === id ? { ...b, ...patch } : b)));
  const moveBlock = (index: number, by: -1 | 1) => {
    const target = index + by;
    const id = blocks[index]?.id;
    if (!id || target < 0 || target >= blocks.length) return;
    update((list) => {
      const [moved] = list.splice(index, 1);
      if (moved) list.splice(target, 0, moved);
      return list;
    });
    // At the top or bottom the pressed button is disabled: continue from its sibling.
    const edge = target === 0 ? "down" : target === blocks.length - 1 ? "up" : by < 0 ? "up" : "down";
    setFocus(fieldId(id, edge));
  };
  const insertBelow = (index: number) => {
    const kind: BlockKind = blocks[index]?.kind === "ask" ? "ask" : "paragraph";
    const id = newBlockId();
    update((list) => {
      list.splice(index + 1, 0, { id, kind, text: "" });
      return list;
    });
    setFocus(fieldId(id, "text"));
  };
  const deleteBlock = (index: number) => {
    const block = blocks[index];
    if (!block) return;
    void action.run(async () => {
      await confirm({
        title: t("appeals.editor.deleteConfirm", { number: index + 1 }),
        body: block.text.trim() ? block.text.slice(0, 160) : t("appeals.editor.emptyBlock"),
        confirmLabel: t("appeals.editor.delete"),
        danger: true,
      });
      update((list) => list.filter((b) => b.id !== block.id));
      const neighbour = blocks[index + 1] ?? blocks[index - 1];
      setFocus(neighbour ? fieldId(neighbour.id, "text") : `${base}-add`);
      action.setNotice(t("appeals.editor.deleted", { number: index + 1 }));
    });
  };
  const addFirst = () => {
    const id = newBlockId();
    update((list) => [...list, { id, kind: "paragraph", text: "" }]);
    setFocus(fieldId(id, "text"));
  };

  /** Save `text` based on `from`: a merge or a conflict keeps every character typed. */
  const saveFrom = (text: BlockInput[], from: { base: BlockInput[]; etag: string | null; baseNumber: number }) =>
    action.run(async () => {
      try {
        const saved = await saveText(appeal.id, from.etag, text, note);
        const { revision } = saved.text;
        const fresh = copyBlocks(saved.text.blocks);
        setDraft({
          base: fresh,
          etag: saved.etag,
          baseNumber: revision.number,
          blocks: fresh,
          note: "",
          conflict: null,
        });
        unsaved.delete(keptAs);
        setMerged(revision.merged ? saved.text.blocks : null);
        action.setNotice(
          revision.merged
            ? t("appeals.editor.savedMerged", { number: revision.number })
            : t("appeals.editor.saved", { number: revision.number }),
        );
        onChanged();
      } catch (caught) {
        if (!(caught instanceof EditConflictError)) throw caught;
        const choices: Record<string, Choice> = {};
        for (const id of caught.conflicts) choices[id] = { mode: "mine" };
        setDraft((previous) => ({
          ...previous,
          conflict: {
            base: from.base,
            mine: text,
            current: caught.current,
            etag: caught.currentEtag,
            conflicts: caught.conflicts,
            choices,
          },
        }));
      }
    });

  const save = () => void saveFrom(blocks, draft);

  /** The person's text on top of the current one, as they chose; the editor is then based on it. */
  const applyChoices = (current: Conflict) => {
    const resolved = rebase(current.base, current.mine, current.current.blocks, current.conflicts, current.choices);
    const next: EditorDraft = {
      base: copyBlocks(current.current.blocks),
      etag: current.etag,
      baseNumber: current.current.revision.number,
      blocks: resolved,
      note,
      conflict: null,
    };
    setDraft(next);
    return next;
  };

  const discard = () => {
    void action.run(async () => {
      await confirm({
        title: t("appeals.editor.discardConfirm"),
        body: t("appeals.editor.discardBody", { number: draft.baseNumber }),
        confirmLabel: t("appeals.editor.discard"),
        danger: true,
      });
      setDraft((previous) => ({ ...previous, blocks: copyBlocks(previous.base), note: "", conflict: null }));
      action.setNotice(t("appeals.editor.discarded"));
    });
  };

  if (conflict) {
    return (
      <div className="editor">
        <ConflictResolver
          conflict={conflict}
          busy={action.busy}
          onChoices={(choices) =>
            setDraft((previous) =>
              previous.conflict ? { ...previous, conflict: { ...previous.conflict, choices } } : previous,
            )
          }
          onSave={() => {
            const next = applyChoices(conflict);
            void saveFrom(next.blocks, next);
          }}
          onEdit={() => {
            applyChoices(conflict);
            action.setNotice(t("appeals.editor.choicesApplied"));
          }}
        />
        <AppealErrorAlert error={action.error} />
      </div>
    );
  }

  return (
    <div className="editor">
      <p className="muted">{t("appeals.editor.basedOn", { number: draft.baseNumber })}</p>
      {!saveable ? (
        <p className="alert alert--warning">
          {t("appeals.editor.frozen", { state: t(`appeals.states.${appeal.state}`) })}
        </p>
      ) : null}
      {blocks.length === 0 ? (
        <p>
          <button type="button" id={`${base}-add`} className="button" onClick={addFirst}>
            {t("appeals.editor.addFirst")}
          </button>
        </p>
      ) : null}
      <ol className="editor-blocks">
        {blocks.map((block, index) => {
          const number = index + 1;
          const hidden = (
            <>
              {" "}
              <span className="visually-hidden">{t("appeals.editor.blockSuffix", { number })}</span>
            </>
          );
          return (
            <li key={block.id} className={`editor-block editor-block--${block.kind}`}>
              <fieldset className="editor-block__fields">
                <legend>{t("appeals.editor.blockLegend", { number })}</legend>
                <div className="field editor-block__kind">
                  <label htmlFor={fieldId(block.id, "kind")}>{t("appeals.editor.kind")}</label>
                  <select
                    id={fieldId(block.id, "kind")}
                    value={block.kind}
                    onChange={(event) =>
                      setBlock(block.id, { kind: BLOCK_KINDS.find((k) => k === event.target.value) ?? block.kind })
                    }
                  >
                    {BLOCK_KINDS.map((kind) => (
                      <option key={kind} value={kind}>
                        {t(`appeals.kinds.${kind}`)}
                      </option>
                    ))}
                  </select>
                </div>
                <div className="field editor-block__text">
                  <label htmlFor={fieldId(block.id, "text")}>{t("appeals.editor.text")}</label>
                  <textarea
                    id={fieldId(block.id, "text")}
                    value={block.text}
                    rows={rowsFor(block.text)}
                    maxLength={20000}
                    aria-describedby={hasUnsafeLink(block.text) ? fieldId(block.id, "link") : undefined}
                    onChange={(event) => setBlock(block.id, { text: event.target.value })}
                  />
                  {hasUnsafeLink(block.text) ? (
                    <p className="field__hint field__hint--warning" id={fieldId(block.id, "link")}>
                      {t("appeals.editor.unsafeLink")}
                    </p>
                  ) : null}
                </div>
                <div className="actions editor-block__actions">
                  <button
                    type="button"
                    className="button"
                    id={fieldId(block.id, "up")}
                    disabled={index === 0}
                    onClick={() => moveBlock(index, -1)}
                  >
                    {t("appeals.editor.moveUp")}
                    {hidden}
                  </button>
                  <button
                    type="button"
                    className="button"
                    id={fieldId(block.id, "down")}
                    disabled={index === blocks.length - 1}
                    onClick={() => moveBlock(index, 1)}
                  >
                    {t("appeals.editor.moveDown")}
                    {hidden}
                  </button>
                  <button type="button" className="button" onClick={() => insertBelow(index)}>
                    {t("appeals.editor.insertBelow")}
                    {hidden}
                  </button>
                  <button type="button" className="button button--danger" onClick={() => deleteBlock(index)}>
                    {t("appeals.editor.delete")}
                    {hidden}
                  </button>
                </div>
              </fieldset>
            </li>
          );
        })}
      </ol>
      <TextArea
        label={t("appeals.editor.note")}
        hint={t("appeals.editor.noteHint")}
        value={note}
        onChange={(value) => setDraft((previous) => ({ ...previous, note: value }))}
        maxLength={2000}
        rows={2}
      />
      {repeated.length > 0 ? (
        <p className="alert alert--warning">
          {t("appeals.editor.repeatedKinds", {
            kinds: repeated.map((kind) => t(`appeals.kinds.${kind}`)).join(", "),
          })}
        </p>
      ) : null}
      <AppealErrorAlert error={action.error} />
      <div className="actions editor__footer">
        <button
          type="button"
          className="button button--primary"
          disabled={action.busy || !dirty || !saveable || repeated.length > 0}
          onClick={save}
        >
          {action.busy ? t("common.working") : t("appeals.editor.save")}
        </button>
        <button type="button" className="button" disabled={action.busy || !dirty} onClick={discard}>
          {t("appeals.editor.discard")}
        </button>
        <span className="muted" aria-live="polite">
          {dirty ? t("appeals.editor.unsaved") : ""}
        </span>
      </div>
      <Notice>{action.notice}</Notice>
      {merged ? (
        <details className="merged-text" open>
          <summary>{t("appeals.editor.mergedText")}</summary>
          <Letter blocks={merged} label={t("appeals.editor.mergedText")} />
        </details>
      ) : null}
    </div>
  );
}

/** The edit tab: the head text as blocks to edit, or the unsaved work left here before. */
export function Editor({ appeal, onChanged }: { appeal: Appeal; onChanged: () => void }) {
  const { t } = useTranslation();
  const keptAs = draftKey(useSession().user.id, appeal.id);
  const kept = useRef(unsaved.get(keptAs));
  const text = useLoad(() => (kept.current ? Promise.resolve(null) : getText(appeal.id)), [appeal.id]);
  if (kept.current) {
    return (
      <>
        <p role="status" className="alert alert--ok">
          {t("appeals.editor.restored")}
        </p>
        <EditorForm appeal={appeal} initial={kept.current} keptAs={keptAs} onChanged={onChanged} />
      </>
    );
  }
  if (text.error) return <AppealErrorAlert error={text.error} />;
  if (!text.data) return <Loading />;
  const blocks = copyBlocks(text.data.text.blocks);
  return (
    <EditorForm
      appeal={appeal}
      onChanged={onChanged}
      keptAs={keptAs}
      initial={{
        base: blocks,
        etag: text.data.etag,
        baseNumber: text.data.text.revision.number,
        blocks: copyBlocks(blocks),
        note: "",
        conflict: null,
      }}
    />
  );
}
