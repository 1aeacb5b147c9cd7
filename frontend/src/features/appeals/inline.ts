/**
 * The inline markup of a block's text, as app/appeals/text/inline.py reads it: `*emphasis*`,
 * `**strong**` and `[label](https://…)`. Same rules, same regular expressions (with Python's
 * idea of whitespace), so the browser and the server agree on what is a link. Nothing here
 * makes HTML: InlineText.tsx turns the spans into React elements.
 *
 * Every span keeps where its visible text starts in the raw text (`start`, a UTF-16 index):
 * its text is exactly `raw.slice(start, start + text.length)`, which is how a selection in
 * the rendered letter maps back to offsets in the raw text (selection.ts).
 */

export type SpanKind = "text" | "emphasis" | "strong" | "link";

export interface Span {
  kind: SpanKind;
  text: string;
  /** UTF-16 index in the raw text where `text` starts. */
  start: number;
  /** Only for links: an address urlProblem() accepted. */
  href?: string;
}

const MAX_URL_CHARS = 2048;
const MAX_LABEL_CHARS = 500;

// Python's str.isspace() (what `\s` and `\S` mean in inline.py), which differs from
// JavaScript's `\s` by a few characters (U+001C–U+001F, U+0085 in; U+FEFF out).
const WS = "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const strip = (text: string) => text.replace(new RegExp(`^[${WS}]+|[${WS}]+$`, "gu"), "");

// `u`: counts and character classes work on code points, as Python's do.
const LINK = new RegExp(`\\[([^\\[\\]\\n]{0,${MAX_LABEL_CHARS}})\\]\\(([^)\\n]{0,${MAX_URL_CHARS}})\\)`, "gu");
const SCHEME = /^https?:\/\//iu;
const FORBIDDEN_URL_CHARS = new Set(['"', "<", ">", "[", "]", "(", ")", "\\"]);
const CONTROL_OR_SEPARATOR = /^[\p{C}\p{Z}]$/u;
const EMPHASIS = new RegExp(
  `\\*\\*(?=[^${WS}])(?<strong>[^\\n]+?)(?<=[^${WS}])\\*\\*|\\*(?=[^${WS}*])(?<em>[^*\\n]+?)(?<=[^${WS}*])\\*`,
  "gu",
);

/** Why `url` cannot be a link's address (a short code), or null if it can. */
export function urlProblem(url: string): "scheme" | "length" | "parentheses" | "characters" | "host" | "user" | null {
  if (!SCHEME.test(url)) return "scheme";
  const chars = Array.from(url);
  if (chars.length > MAX_URL_CHARS) return "length";
  for (const char of chars) {
    if (char === "(" || char === ")") return "parentheses";
    if (FORBIDDEN_URL_CHARS.has(char) || CONTROL_OR_SEPARATOR.test(char)) return "characters";
  }
  const afterScheme = url.slice(url.indexOf("://") + 3);
  const authority = afterScheme.split(/[/?#]/u, 1)[0] ?? "";
  if (!authority) return "host";
  if (authority.includes("@")) return "user";
  return null;
}

function linkProblem(label: string, url: string) {
  if (!strip(label)) return "label";
  return urlProblem(url);
}

interface LinkMatch {
  index: number;
  end: number;
  label: string;
  url: string;
}

function safeLinks(text: string): LinkMatch[] {
  const found: LinkMatch[] = [];
  for (const m of text.matchAll(LINK)) {
    const label = m[1] ?? "";
    const url = m[2] ?? "";
    if (linkProblem(label, url) === null) found.push({ index: m.index, end: m.index + m[0].length, label, url });
  }
  return found;
}

function emphasisSpans(raw: string, from: number, to: number): Span[] {
  const segment = raw.slice(from, to);
  const spans: Span[] = [];
  let pos = 0;
  for (const m of segment.matchAll(EMPHASIS)) {
    if (m.index > pos) spans.push({ kind: "text", text: segment.slice(pos, m.index), start: from + pos });
    const strong = m.groups?.strong;
    if (strong !== undefined) spans.push({ kind: "strong", text: strong, start: from + m.index + 2 });
    else spans.push({ kind: "emphasis", text: m.groups?.em ?? "", start: from + m.index + 1 });
    pos = m.index + m[0].length;
  }
  if (pos < segment.length) spans.push({ kind: "text", text: segment.slice(pos), start: from + pos });
  return spans;
}

/**
 * The spans of `text`, in order, adjacent text spans merged (parse_inline). Safe links are
 * found first; emphasis and strong only between them. An unsafe link stays text.
 */
export function parseInline(text: string): Span[] {
  const spans: Span[] = [];
  let pos = 0;
  for (const link of safeLinks(text)) {
    spans.push(...emphasisSpans(text, pos, link.index));
    spans.push({ kind: "link", text: link.label, start: link.index + 1, href: link.url });
    pos = link.end;
  }
  spans.push(...emphasisSpans(text, pos, text.length));
  const merged: Span[] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span.kind === "text" && last.kind === "text") last.text += span.text;
    else merged.push({ ...span });
  }
  return merged;
}

/** `text` without markup (links keep their label). */
export const plainText = (text: string) =>
  parseInline(text)
    .map((span) => span.text)
    .join("");

/** Whether `text` has a link the server would refuse (check_inline), for a warning while editing. */
export function hasUnsafeLink(text: string): boolean {
  for (const m of text.matchAll(LINK)) {
    if (linkProblem(m[1] ?? "", m[2] ?? "") !== null) return true;
  }
  const labelEnds = new Set(safeLinks(text).map((link) => link.index + 1 + link.label.length));
  for (const m of text.matchAll(/\]\(/gu)) if (!labelEnds.has(m.index)) return true;
  return false;
}

/** A UTF-16 index into `text` as a count of code points (what the API's offsets are). */
export const codePointOffset = (text: string, index: number) => Array.from(text.slice(0, index)).length;
