import type { BlockInput, BlockKind } from "./api";

/** Every kind of block, in the order a letter usually has them (app/appeals/text/blocks.py). */
export const BLOCK_KINDS: readonly BlockKind[] = [
  "title",
  "salutation",
  "heading",
  "paragraph",
  "ask",
  "quote",
  "closing",
] as const;

/** Kinds a text has at most one of. */
export const SINGLE_KINDS: ReadonlySet<BlockKind> = new Set<BlockKind>(["title", "salutation", "closing"]);

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** A new block id: 12 characters [a-z0-9] from the browser's random source (no modulo bias). */
export function newBlockId(): string {
  let id = "";
  const bytes = new Uint8Array(32);
  while (id.length < 12) {
    crypto.getRandomValues(bytes);
    for (const byte of bytes) {
      // 252 = 7 × 36: bytes above it would favour the first letters.
      if (byte < 252 && id.length < 12) id += ALPHABET.charAt(byte % 36);
    }
  }
  return id;
}

/** The single kinds that appear more than once (the server refuses such a text). */
export function repeatedSingleKinds(blocks: readonly BlockInput[]): BlockKind[] {
  const seen = new Set<BlockKind>();
  const repeated = new Set<BlockKind>();
  for (const block of blocks) {
    if (!SINGLE_KINDS.has(block.kind)) continue;
    if (seen.has(block.kind)) repeated.add(block.kind);
    seen.add(block.kind);
  }
  return [...repeated];
}

export const sameBlock = (a: BlockInput | undefined, b: BlockInput | undefined) =>
  a?.kind === b?.kind && a?.text === b?.text;

export const sameText = (a: readonly BlockInput[], b: readonly BlockInput[]) =>
  a.length === b.length && a.every((block, i) => block.id === b[i]?.id && sameBlock(block, b[i]));

/** What the person decided for one conflicting block. */
export type Choice = { mode: "mine" } | { mode: "theirs" } | { mode: "merged"; text: string };

/** Put `block` into `result` right after its nearest predecessor in `order` already there (else first). */
function insertAfterPredecessor(result: BlockInput[], block: BlockInput, order: readonly BlockInput[]) {
  const index = order.findIndex((b) => b.id === block.id);
  for (let i = index - 1; i >= 0; i--) {
    const at = result.findIndex((b) => b.id === order[i]?.id);
    if (at >= 0) {
      result.splice(at + 1, 0, block);
      return;
    }
  }
  result.unshift(block);
}

/**
 * The person's text rebased on the current one after an edit conflict: the current text,
 * with every change of theirs (`mine` against `base`) that is not in conflict applied again,
 * and each conflicting block as chosen. Blocks the person added land after their
 * predecessor; blocks they removed (and nobody changed) go. Nothing they typed is dropped
 * unless they chose "take theirs" for it.
 */
export function rebase(
  base: readonly BlockInput[],
  mine: readonly BlockInput[],
  current: readonly BlockInput[],
  conflicts: readonly string[],
  choices: Readonly<Record<string, Choice>>,
): BlockInput[] {
  const byId = (list: readonly BlockInput[]) => new Map(list.map((b) => [b.id, b]));
  const baseById = byId(base);
  const mineById = byId(mine);
  const conflicting = new Set(conflicts);
  const result: BlockInput[] = current.map((b) => ({ ...b }));
  const put = (block: BlockInput) => {
    const at = result.findIndex((b) => b.id === block.id);
    if (at >= 0) result[at] = { ...block };
    else insertAfterPredecessor(result, { ...block }, mine);
  };
  const remove = (id: string) => {
    const at = result.findIndex((b) => b.id === id);
    if (at >= 0) result.splice(at, 1);
  };

  for (const block of mine) {
    if (conflicting.has(block.id)) continue;
    if (!sameBlock(block, baseById.get(block.id))) put(block);
  }
  for (const block of base) {
    if (!conflicting.has(block.id) && !mineById.has(block.id)) {
      const now = result.find((b) => b.id === block.id);
      // Removed by the person; if someone else changed it meanwhile the server called it a conflict.
      if (now && sameBlock(now, block)) remove(block.id);
    }
  }
  for (const id of conflicts) {
    const choice = choices[id] ?? { mode: "mine" };
    const own = mineById.get(id);
    if (choice.mode === "theirs") continue;
    if (choice.mode === "merged") {
      const kind = own?.kind ?? current.find((b) => b.id === id)?.kind ?? baseById.get(id)?.kind ?? "paragraph";
      put({ id, kind, text: choice.text });
    } else if (own) put(own);
    else remove(id);
  }
  return result;
}
