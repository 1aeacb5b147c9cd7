import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { TextArea } from "../../shared/TextArea";
import type { BlockInput, TextRead } from "./api";
import type { Choice } from "./blocks";
import { plainText } from "./inline";
import { DiffText } from "./DiffText";
import { wordDiff } from "./wordDiff";

/** A save refused because someone changed the same blocks: everything needed to try again. */
export interface Conflict {
  /** What the person's text was based on, and their text as they sent it. */
  base: BlockInput[];
  mine: BlockInput[];
  /** The text as it now is, and its ETag (the next save is based on it). */
  current: TextRead;
  etag: string | null;
  conflicts: string[];
  choices: Record<string, Choice>;
}

const preview = (text: string) => {
  const plain = plainText(text).replace(/\s+/gu, " ").trim();
  return plain.length > 60 ? `${plain.slice(0, 59)}…` : plain;
};

/**
 * For each block both sides changed: their version against the person's as a word diff, and
 * the choice of keeping theirs, the person's, or a text merged by hand. Nothing is saved
 * until the person says so; their text is kept whatever they choose here.
 */
export function ConflictResolver({
  conflict,
  busy,
  onChoices,
  onSave,
  onEdit,
}: {
  conflict: Conflict;
  busy: boolean;
  onChoices: (choices: Record<string, Choice>) => void;
  onSave: () => void;
  onEdit: () => void;
}) {
  const { t } = useTranslation();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const mine = new Map(conflict.mine.map((b) => [b.id, b]));
  const theirs = new Map(conflict.current.blocks.map((b) => [b.id, b]));
  // Where the block is in the person's text (as the editor numbers it), else in the current one.
  const positionOf = (id: string) => {
    const mineAt = conflict.mine.findIndex((b) => b.id === id);
    return (mineAt >= 0 ? mineAt : conflict.current.blocks.findIndex((b) => b.id === id)) + 1;
  };
  const choose = (id: string, choice: Choice) => onChoices({ ...conflict.choices, [id]: choice });

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  return (
    <section className="conflict" aria-labelledby="conflict-heading" data-testid="edit-conflict">
      <h3 id="conflict-heading" ref={headingRef} tabIndex={-1} className="focus-heading">
        {t("appeals.conflict.title")}
      </h3>
      <p role="alert" className="alert alert--warning">
        {t("appeals.conflict.explain", {
          number: conflict.current.revision.number,
          blocks: conflict.conflicts.length,
        })}
      </p>
      <p className="muted">{t("appeals.conflict.legend")}</p>
      {conflict.conflicts.map((id) => {
        const own = mine.get(id);
        const other = theirs.get(id);
        const choice = conflict.choices[id] ?? { mode: "mine" };
        const kind = own?.kind ?? other?.kind ?? "paragraph";
        const name = `conflict-${id}`;
        return (
          <div key={id} className="conflict__block" data-testid={`conflict-${id}`}>
            <h4>
              {t("appeals.conflict.blockTitle", { number: positionOf(id), kind: t(`appeals.kinds.${kind}`) })}
              <span className="muted"> {preview(own?.text ?? other?.text ?? "")}</span>
            </h4>
            {!other ? <p className="muted">{t("appeals.conflict.theyRemoved")}</p> : null}
            {!own ? <p className="muted">{t("appeals.conflict.youRemoved")}</p> : null}
            {own?.kind && other?.kind && own.kind !== other.kind ? (
              <p className="muted">
                {t("appeals.conflict.kinds", {
                  theirs: t(`appeals.kinds.${other.kind}`),
                  mine: t(`appeals.kinds.${own.kind}`),
                })}
              </p>
            ) : null}
            <p className="diff-text prewrap" data-testid={`conflict-diff-${id}`}>
              <DiffText segments={wordDiff(other?.text ?? "", own?.text ?? "")} />
            </p>
            <fieldset className="choice conflict__choice">
              <legend>{t("appeals.conflict.choose")}</legend>
              {(["mine", "theirs", "merged"] as const).map((mode) => (
                <div key={mode} className="choice__option">
                  <input
                    type="radio"
                    id={`${name}-${mode}`}
                    name={name}
                    checked={choice.mode === mode}
                    onChange={() =>
                      choose(id, mode === "merged" ? { mode, text: own?.text ?? other?.text ?? "" } : { mode })
                    }
                  />
                  <label htmlFor={`${name}-${mode}`}>{t(`appeals.conflict.${mode}`)}</label>
                </div>
              ))}
            </fieldset>
            {choice.mode === "merged" ? (
              <TextArea
                label={t("appeals.conflict.mergedLabel")}
                value={choice.text}
                onChange={(text) => choose(id, { mode: "merged", text })}
                rows={4}
                maxLength={20000}
              />
            ) : null}
          </div>
        );
      })}
      <div className="actions">
        <button type="button" className="button button--primary" disabled={busy} onClick={onSave}>
          {busy ? t("common.working") : t("appeals.conflict.save")}
        </button>
        <button type="button" className="button" disabled={busy} onClick={onEdit}>
          {t("appeals.conflict.edit")}
        </button>
      </div>
    </section>
  );
}
