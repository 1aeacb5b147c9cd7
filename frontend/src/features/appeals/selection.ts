import { codePointOffset } from "./inline";

/** A passage of one block: offsets in code points of the block's raw text (markup included). */
export interface Passage {
  blockId: string;
  start: number;
  end: number;
  /** The raw text of the passage, as it will be quoted. */
  quote: string;
}

/** The element that holds a block's rendered text (InlineText with `mapped`). */
export const BLOCK_TEXT_ATTRIBUTE = "data-block-id";

interface Piece {
  node: Text;
  /** UTF-16 index in the raw text where this text node starts. */
  start: number;
}

/** The text nodes of a rendered block, each with its start in the raw text. */
function pieces(blockElement: Element): Piece[] {
  const found: Piece[] = [];
  const walker = document.createTreeWalker(blockElement, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const owner = node.parentElement?.closest("[data-start]");
    if (!owner || !blockElement.contains(owner)) continue;
    // A span holds exactly one text node, its whole visible text.
    found.push({ node: node as Text, start: Number(owner.getAttribute("data-start")) });
  }
  return found;
}

/**
 * A boundary point of a selection (node, offset) as a UTF-16 index in the block's raw text:
 * inside a text node, that node's raw start plus the offset; elsewhere (a triple click ends
 * on an element), the start of the first text at or after the point, or the end of the last.
 */
function rawIndex(list: Piece[], node: Node, offset: number): number {
  const direct = list.find((piece) => piece.node === node);
  if (direct) return direct.start + Math.min(offset, direct.node.length);
  const point = document.createRange();
  point.setStart(node, offset);
  for (const piece of list) {
    if (point.comparePoint(piece.node, 0) >= 0) return piece.start;
  }
  const last = list[list.length - 1];
  return last ? last.start + last.node.length : 0;
}

/** The text of other blocks that `range` covers (a selection spilling out of its block). */
function spilledText(range: Range, home: Element): string {
  const root = range.commonAncestorContainer;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let spilled = "";
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!range.intersectsNode(node) || home.contains(node) || !blockOf(node)) continue;
    const text = node.textContent ?? "";
    const from = node === range.startContainer ? range.startOffset : 0;
    const to = node === range.endContainer ? range.endOffset : text.length;
    spilled += text.slice(from, to);
  }
  return spilled;
}

function blockOf(node: Node | null): Element | null {
  const element = node instanceof Element ? node : (node?.parentElement ?? null);
  return element?.closest(`[${BLOCK_TEXT_ATTRIBUTE}]`) ?? null;
}

/**
 * The passage a DOM range selects inside one rendered block, or null: nothing selected,
 * outside the letter, or across blocks (unless all that spills into the next block is
 * nothing, as after a triple click). `rawText(blockId)` gives the block's raw text.
 */
export function passageFromRange(range: Range, rawText: (blockId: string) => string | undefined): Passage | null {
  if (range.collapsed) return null;
  const startBlock = blockOf(range.startContainer);
  if (!startBlock) return null;
  const blockId = startBlock.getAttribute(BLOCK_TEXT_ATTRIBUTE) ?? "";
  const raw = rawText(blockId);
  if (raw === undefined) return null;
  const list = pieces(startBlock);
  const startIndex = rawIndex(list, range.startContainer, range.startOffset);
  let endIndex: number;
  if (startBlock.contains(range.endContainer)) {
    endIndex = rawIndex(list, range.endContainer, range.endOffset);
  } else {
    // Past the block: fine only if no text of another block was selected (a triple click).
    if (spilledText(range, startBlock).trim() !== "") return null;
    endIndex = raw.length;
  }
  if (endIndex <= startIndex) return null;
  const quote = raw.slice(startIndex, endIndex);
  if (quote.trim() === "") return null;
  return {
    blockId,
    start: codePointOffset(raw, startIndex),
    end: codePointOffset(raw, endIndex),
    quote,
  };
}

/** The passage the document's current selection makes, or null. */
export function currentPassage(rawText: (blockId: string) => string | undefined): Passage | null {
  const selection = document.getSelection();
  if (!selection || selection.rangeCount === 0) return null;
  return passageFromRange(selection.getRangeAt(0), rawText);
}
