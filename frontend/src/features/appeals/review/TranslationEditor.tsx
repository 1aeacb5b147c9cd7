import { useEffect, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { isApiError } from "../../../api/problem";
import { useConfirm } from "../../../shared/Confirm";
import { Loading } from "../../../shared/Loading";
import { Notice } from "../../../shared/Notice";
import { useAction } from "../../../shared/useAction";
import { approveTranslation, getTranslation, saveTranslation, type Appeal, type Block, type Translation } from "../api";
import { Badge, DiffSegments, languageName, ReviewError, textOpen, useBlockKind } from "./common";

type Texts = Record<string, string>;

interface Loaded {
  translation: Translation;
  etag: string | null;
}

/** Editing state: what is in each box, and what was saved when it was last loaded. */
interface Edit {
  drafts: Texts;
  base: Texts;
}

/**
 * The saved translation of each *current* source block (same id); a block new in the source
 * starts as the source text. Blocks no longer in the source are dropped: a save must have
 * exactly the source's blocks.
 */
function savedTexts(translation: Translation): Texts {
  const translated = new Map(translation.blocks.map((block) => [block.id, block.text]));
  return Object.fromEntries(
    translation.source_blocks.map((block) => [block.id, translated.get(block.id) ?? block.text]),
  );
}

/**
 * One translation beside the current source, block by block. When the source moved on
 * (stale), what changed in it is shown first. Saving sends the ETag read: if someone saved
 * meanwhile (412) the newer version is loaded and what this person typed stays in the boxes.
 */
export function TranslationEditor({
  appeal,
  language,
  onClose,
}: {
  appeal: Appeal;
  language: string;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const confirm = useConfirm();
  const blockKind = useBlockKind();
  const action = useAction();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [edit, setEdit] = useState<Edit | null>(null);
  // After a 412: the text someone else saved meanwhile, for the blocks this person changed too.
  const [theirs, setTheirs] = useState<Texts>({});
  const [conflict, setConflict] = useState(false);
  const approveHintId = useId();
  const editRef = useRef<Edit | null>(null);
  useEffect(() => {
    editRef.current = edit;
  });

  /** Take a freshly read translation; `keep` leaves what the person typed in the boxes. */
  const adopt = (next: Loaded, keep: boolean) => {
    const saved = savedTexts(next.translation);
    const previous = editRef.current;
    const drafts: Texts = {};
    const others: Texts = {};
    for (const block of next.translation.source_blocks) {
      const mine = previous?.drafts[block.id];
      const changedByMe = keep && mine !== undefined && mine !== previous?.base[block.id];
      drafts[block.id] = changedByMe ? mine : (saved[block.id] ?? "");
      if (changedByMe && previous?.base[block.id] !== saved[block.id] && saved[block.id] !== mine) {
        others[block.id] = saved[block.id] ?? "";
      }
    }
    const nextEdit = { drafts, base: saved };
    editRef.current = nextEdit;
    setEdit(nextEdit);
    setTheirs(others);
    setLoaded(next);
  };

  // Read again when the source changes (a new revision), keeping what was typed.
  useEffect(() => {
    let live = true;
    setLoadError(null);
    getTranslation(appeal.id, language).then(
      (next) => live && adopt(next, true),
      (caught: unknown) => live && setLoadError(caught),
    );
    return () => {
      live = false;
    };
  }, [appeal.id, language, appeal.head_sha256]);

  const canEdit = appeal.rights.includes("edit") && textOpen(appeal);
  const canApprove = appeal.rights.includes("manage");
  const name = languageName(language, i18n.language);

  if (loadError) {
    return (
      <>
        <ReviewError error={loadError} />
        <button type="button" className="button" onClick={onClose}>
          {t("appealReview.translations.back")}
        </button>
      </>
    );
  }
  if (!loaded || !edit) return <Loading />;
  const { translation } = loaded;
  const dirty = translation.source_blocks.some((block) => edit.drafts[block.id] !== edit.base[block.id]);
  const translatedIds = new Set(translation.blocks.map((block) => block.id));
  const changedInSource = new Set(
    (translation.source_diff?.blocks ?? []).filter((b) => b.op === "changed" || b.op === "added").map((b) => b.id),
  );

  const close = async () => {
    if (dirty) {
      const left = await action.run(async () => {
        await confirm({
          title: t("appealReview.translations.leaveTitle"),
          body: t("appealReview.translations.leaveBody"),
          confirmLabel: t("appealReview.translations.leaveConfirm"),
          danger: true,
        });
        return true;
      });
      if (!left) return;
    }
    onClose();
  };

  const save = async () => {
    setConflict(false);
    const blocks = translation.source_blocks.map((block) => ({
      id: block.id,
      kind: block.kind,
      text: edit.drafts[block.id] ?? block.text,
    }));
    const saved = await action.run(async () => {
      try {
        return await saveTranslation(appeal.id, language, loaded.etag, blocks);
      } catch (error) {
        if (!isApiError(error, "version_mismatch")) throw error;
        // Someone saved first: read their version, keep this person's text in the boxes.
        adopt(await getTranslation(appeal.id, language), true);
        setConflict(true);
        return null;
      }
    });
    if (saved) {
      adopt(saved, false);
      action.setNotice(t("appealReview.translations.savedNotice", { number: saved.translation.head_number }));
    }
  };

  const approveIt = async () => {
    const hash = translation.sha256;
    if (!hash) return;
    const approved = await action.run(async () => {
      await confirm({
        title: t("appealReview.translations.approveTitle", { language: name }),
        body: t("appealReview.translations.approveBody", { number: translation.head_number, hash }),
        confirmLabel: t("appealReview.translations.approveConfirm"),
      });
      return approveTranslation(appeal.id, language, hash);
    });
    if (approved) {
      // Approval does not change the translation's revision: its ETag stays.
      adopt({ translation: approved, etag: loaded.etag }, true);
      action.setNotice(t("appealReview.translations.approvedNotice", { language: name, number: approved.head_number }));
    }
  };

  return (
    <div className="review-translation" data-testid="translation-editor">
      <p>
        <button type="button" className="link-button" onClick={() => void close()}>
          {t("appealReview.translations.back")}
        </button>
      </p>
      <p className="review-meta">
        <span>{t("appealReview.translations.revision", { number: translation.head_number })}</span>
        {translation.stale ? (
          <Badge tone="warn">
            {t("appealReview.translations.stale", { number: translation.source_number ?? "—" })}
          </Badge>
        ) : (
          <Badge>{t("appealReview.translations.current", { number: translation.source_number ?? "—" })}</Badge>
        )}
        {translation.approved ? (
          <Badge tone="ok">{t("appealReview.translations.approved")}</Badge>
        ) : (
          <Badge>{t("appealReview.translations.notApproved")}</Badge>
        )}
      </p>

      {translation.stale && translation.source_diff ? <SourceDiff diff={translation.source_diff} /> : null}

      <div className="review-pairs" data-testid="translation-blocks">
        <div className="review-pairs__head" aria-hidden="true">
          <span>
            {t("appealReview.translations.sourceColumn", { language: languageName(appeal.language, i18n.language) })}
          </span>
          <span>{t("appealReview.translations.targetColumn", { language: name })}</span>
        </div>
        {translation.source_blocks.map((block, index) => (
          <BlockPair
            key={block.id}
            block={block}
            index={index}
            kind={blockKind(block.kind)}
            sourceLanguage={appeal.language}
            language={language}
            value={edit.drafts[block.id] ?? ""}
            editable={canEdit}
            isNew={!translatedIds.has(block.id)}
            sourceChanged={changedInSource.has(block.id)}
            theirs={theirs[block.id]}
            onChange={(value) => {
              const next = { ...edit, drafts: { ...edit.drafts, [block.id]: value } };
              editRef.current = next;
              setEdit(next);
            }}
          />
        ))}
      </div>

      {conflict ? (
        <p role="alert" className="alert alert--warning review-conflict">
          {t("appealReview.translations.conflict")}
        </p>
      ) : null}
      <Notice>{action.notice}</Notice>
      <ReviewError error={action.error} />

      {canEdit || canApprove ? (
        <div className="actions review-actions">
          {canEdit ? (
            <button type="button" className="button button--primary" disabled={action.busy} onClick={() => void save()}>
              {action.busy ? t("common.working") : t("appealReview.translations.save")}
            </button>
          ) : null}
          {canApprove && !translation.approved && !translation.stale ? (
            <button
              type="button"
              className="button"
              disabled={action.busy || dirty || !translation.sha256}
              aria-describedby={dirty ? approveHintId : undefined}
              onClick={() => void approveIt()}
            >
              {t("appealReview.translations.approve")}
            </button>
          ) : null}
        </div>
      ) : null}
      {canApprove && !translation.approved && !translation.stale && dirty ? (
        <p id={approveHintId} className="muted">
          {t("appealReview.translations.saveBeforeApproving")}
        </p>
      ) : null}
      {canApprove && translation.stale ? (
        <p className="muted" data-testid="stale-no-approval">
          {t("appealReview.translations.staleCannotApprove")}
        </p>
      ) : null}
      {!canEdit && appeal.rights.includes("edit") ? (
        <p className="muted">{t("appealReview.translations.frozen")}</p>
      ) : null}
    </div>
  );
}

function SourceDiff({ diff }: { diff: NonNullable<Translation["source_diff"]> }) {
  const { t } = useTranslation();
  const blockKind = useBlockKind();
  const id = useId();
  const changed = diff.blocks.filter((block) => block.op !== "same" || block.moved || block.old_kind);
  return (
    <section className="review-section review-source-diff" aria-labelledby={id} data-testid="source-diff">
      <h3 id={id} className="review-section__title">
        {t("appealReview.translations.diffTitle", { from: diff.from_number, to: diff.to_number })}
      </h3>
      <p className="muted">{t("appealReview.translations.diffExplained", { to: diff.to_number })}</p>
      {changed.length === 0 ? <p className="muted">{t("appealReview.translations.diffNothing")}</p> : null}
      <ul className="review-list">
        {changed.map((block) => (
          <li key={block.id} className="review-diff-block">
            <p className="review-meta">
              <strong>
                {t(`appealReview.diff.ops.${block.op}`, { kind: blockKind(block.kind) })}
                {block.moved ? ` ${t("appealReview.diff.moved")}` : ""}
                {block.old_kind ? ` ${t("appealReview.diff.kindChanged", { kind: blockKind(block.old_kind) })}` : ""}
              </strong>
            </p>
            <p className="prewrap review-body">
              <DiffSegments segments={block.segments} />
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}

function BlockPair({
  block,
  index,
  kind,
  sourceLanguage,
  language,
  value,
  editable,
  isNew,
  sourceChanged,
  theirs,
  onChange,
}: {
  block: Block;
  index: number;
  kind: string;
  sourceLanguage: string;
  language: string;
  value: string;
  editable: boolean;
  isNew: boolean;
  sourceChanged: boolean;
  theirs: string | undefined;
  onChange: (value: string) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const sourceId = `${id}-source`;
  const notesId = `${id}-notes`;
  const label = t("appealReview.translations.blockLabel", { number: index + 1, kind });
  const notes = (
    <>
      {isNew ? <Badge tone="warn">{t("appealReview.translations.notTranslated")}</Badge> : null}
      {sourceChanged && !isNew ? <Badge tone="warn">{t("appealReview.translations.sourceChanged")}</Badge> : null}
    </>
  );
  return (
    <div className="review-pair" data-testid="translation-block">
      <div className="review-pair__source">
        <p className="review-pair__label">{t("appealReview.translations.sourceOf", { number: index + 1, kind })}</p>
        <p id={sourceId} className="prewrap review-body" lang={sourceLanguage}>
          {block.text}
        </p>
      </div>
      <div className="review-pair__target">
        {editable ? (
          <>
            <label htmlFor={id} className="review-pair__label">
              {label}
            </label>
            <span id={notesId} className="review-meta">
              {notes}
            </span>
            <textarea
              id={id}
              lang={language}
              value={value}
              rows={Math.min(14, Math.max(3, Math.ceil(Math.max(value.length, block.text.length) / 50) + 1))}
              maxLength={20000} // MAX_BLOCK_CHARS (app/appeals/text/blocks.py)
              aria-describedby={`${notesId} ${sourceId}`}
              onChange={(event) => onChange(event.target.value)}
            />
          </>
        ) : (
          <>
            <p className="review-pair__label">{label}</p>
            <span className="review-meta">{notes}</span>
            <p className="prewrap review-body" lang={language}>
              {value}
            </p>
          </>
        )}
        {theirs !== undefined ? (
          <div className="review-theirs" data-testid="saved-meanwhile">
            <p className="review-pair__label">{t("appealReview.translations.savedMeanwhile")}</p>
            <p className="prewrap review-body" lang={language}>
              {theirs}
            </p>
            {editable ? (
              <button type="button" className="button" onClick={() => onChange(theirs)}>
                {t("appealReview.translations.useTheirs")}
              </button>
            ) : null}
          </div>
        ) : null}
      </div>
    </div>
  );
}
