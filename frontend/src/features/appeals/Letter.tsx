import type { ReactNode } from "react";
import type { Block } from "./api";
import { InlineText } from "./InlineText";
import { BLOCK_TEXT_ATTRIBUTE } from "./selection";

/** A run of blocks: one block, or consecutive asks (one numbered list). */
type Run = { kind: "single"; block: Block } | { kind: "asks"; blocks: Block[]; start: number };

/** Blocks grouped for a letter: asks in runs, numbered on across runs (ask 3 stays ask 3). */
export function runsOf(blocks: readonly Block[]): Run[] {
  const runs: Run[] = [];
  let asks = 0;
  for (const block of blocks) {
    const last = runs[runs.length - 1];
    if (block.kind === "ask") {
      if (last?.kind === "asks") last.blocks.push(block);
      else runs.push({ kind: "asks", blocks: [block], start: asks + 1 });
      asks++;
    } else {
      runs.push({ kind: "single", block });
    }
  }
  return runs;
}

/** The element that shows one block's text (with data-block-id when it can be selected). */
function BlockText({ block, selectable }: { block: Block; selectable: boolean }) {
  const at = selectable ? { [BLOCK_TEXT_ATTRIBUTE]: block.id } : {};
  const text = <InlineText text={block.text} mapped={selectable} />;
  switch (block.kind) {
    case "title":
      return (
        <h2 className="letter__title" {...at}>
          {text}
        </h2>
      );
    case "heading":
      return (
        <h3 className="letter__heading" {...at}>
          {text}
        </h3>
      );
    case "quote":
      return (
        <blockquote className="letter__quote" {...at}>
          {text}
        </blockquote>
      );
    case "ask":
      return (
        <span className="letter__ask-text" {...at}>
          {text}
        </span>
      );
    default:
      return (
        <p className={`letter__${block.kind}`} {...at}>
          {text}
        </p>
      );
  }
}

/**
 * An appeal's text as the letter it is: title as a heading, salutation, paragraphs, asks as
 * numbered lists, quotes, closing. `around(block, text)` may wrap each block's text with
 * more (badges, tools, forms) — for asks inside their list item.
 */
export function Letter({
  blocks,
  selectable = false,
  around,
  label,
}: {
  blocks: readonly Block[];
  selectable?: boolean;
  around?: (block: Block, text: ReactNode) => ReactNode;
  label?: string;
}) {
  const wrap = (block: Block) => {
    const text = <BlockText block={block} selectable={selectable} />;
    return around ? around(block, text) : text;
  };
  return (
    <article className="letter" aria-label={label}>
      {runsOf(blocks).map((run) =>
        run.kind === "asks" ? (
          <ol key={run.blocks[0]?.id} className="letter__asks" start={run.start}>
            {run.blocks.map((block) => (
              <li key={block.id} className="letter__ask">
                {wrap(block)}
              </li>
            ))}
          </ol>
        ) : (
          <div key={run.block.id} className={`letter__block letter__block--${run.block.kind}`}>
            {wrap(run.block)}
          </div>
        ),
      )}
    </article>
  );
}
