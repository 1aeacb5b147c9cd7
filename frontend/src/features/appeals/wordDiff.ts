/** A word-level diff of two texts, in the browser (for an edit conflict: theirs against yours). */

export interface Segment {
  op: "equal" | "insert" | "delete";
  text: string;
}

// Words (letters, digits and their marks), runs of whitespace, and any other single character:
// a changed word reads as that word deleted and its replacement inserted, never half a word.
const TOKEN = /[\p{L}\p{N}\p{M}_]+|\s+|./gsu;
// Longest common subsequence is quadratic: beyond this many token pairs the texts are
// shown as one deletion and one insertion (still correct, only coarser).
const MAX_CELLS = 4_000_000;

const tokens = (text: string) => text.match(TOKEN) ?? [];

function push(out: Segment[], op: Segment["op"], text: string) {
  if (!text) return;
  const last = out[out.length - 1];
  if (last && last.op === op) last.text += text;
  else out.push({ op, text });
}

/** Segments from `before` to `after`: equal + delete give `before`, equal + insert `after`. */
export function wordDiff(before: string, after: string): Segment[] {
  const a = tokens(before);
  const b = tokens(after);
  // Common head and tail first: most edits touch a few words in the middle.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const out: Segment[] = [];
  push(out, "equal", a.slice(0, head).join(""));
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  if (x.length * y.length > MAX_CELLS) {
    push(out, "delete", x.join(""));
    push(out, "insert", y.join(""));
  } else {
    // lengths[i][j]: the LCS of x[i:] and y[j:].
    const width = y.length + 1;
    const lengths = new Uint32Array((x.length + 1) * width);
    for (let i = x.length - 1; i >= 0; i--) {
      for (let j = y.length - 1; j >= 0; j--) {
        lengths[i * width + j] =
          x[i] === y[j]
            ? (lengths[(i + 1) * width + j + 1] ?? 0) + 1
            : Math.max(lengths[(i + 1) * width + j] ?? 0, lengths[i * width + j + 1] ?? 0);
      }
    }
    let i = 0;
    let j = 0;
    while (i < x.length && j < y.length) {
      if (x[i] === y[j]) {
        push(out, "equal", x[i] ?? "");
        i++;
        j++;
      } else if ((lengths[(i + 1) * width + j] ?? 0) >= (lengths[i * width + j + 1] ?? 0)) {
        push(out, "delete", x[i] ?? "");
        i++;
      } else {
        push(out, "insert", y[j] ?? "");
        j++;
      }
    }
    push(out, "delete", x.slice(i).join(""));
    push(out, "insert", y.slice(j).join(""));
  }
  push(out, "equal", a.slice(a.length - tail).join(""));
  return out;
}
