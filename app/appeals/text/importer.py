"""Pasted plain text or Markdown becomes an appeal's blocks.

Pure: no I/O. Why an importer at all: coalition letters start life in a word processor or
a chat, and re-typing them block by block invites mistakes in the one text that must be
exact. Why it leaves things out: the date and the addressee are per recipient (outreach
prints them for each government), and signatories come from signing, not from the text.
What it leaves out is returned in ``skipped`` so the person importing sees it and can
put back anything misjudged; the kinds of blocks can be corrected in the editor.

The rules, in order (deliberately few, so a person can predict them):

1. Lines: ``\\r\\n``, ``\\r``, vertical tab and U+2028 end lines; form feed and U+2029
   separate paragraphs; other control characters go; the text is put in NFC.
2. Elements: ``#`` headings, ``>`` quote lines (one quote per run, lines kept), numbered
   items (``1.``, ``2)``, ``3 .``), bullet items (``-``, ``*``, ``•``) and paragraphs
   (lines separated by blank lines, joined with a space; a two-space hard break too;
   a tab inside a line is a space).
   A line after an item continues it; a bullet or number indented under an item stays
   inside the item on its own line.
3. The salutation is the first one-line paragraph (or first line of one) before any list
   that ends with ``,``, ``:`` or ``!`` and starts with "Dear", "Your Excellency",
   "Уважаем…", "Паважан…", "Шаноўн…" and a few more, or is wholly ``**bold**`` and
   ends with ``,`` (the wrapping ``**`` is removed). Before it: date lines are skipped
   as ``date``, other lines of short paragraphs as ``addressee``; a long paragraph
   (a line over 200 characters) is a preamble and is kept.
   Without a salutation, only date lines at the very top are skipped.
4. The closing is the first line after the salutation that is a closing formula alone
   ("Sincerely,", "Yours faithfully,", "С уважением,", "З павагай,"…). It becomes the
   closing block and every line after it is skipped as ``signature`` — numbered or
   not, so a list of signatories never becomes asks. A line "Signatories:" (and its
   Russian and Belarusian forms) starts the signatures the same way, with no closing.
   A thank-you line before the closing stays a paragraph: it is part of what every
   recipient reads, while the closing is only the formula before the signatures.
5. The first ``#`` heading before any paragraph is the title; other headings are
   headings. Each numbered item is an ``ask``; bullet items are asks when they directly
   follow a paragraph ending with ``:`` ("We urge you to:"), otherwise paragraphs.
6. A paragraph that does not end a sentence, followed by one that starts in lower case,
   was cut by a page break and is joined back into one.
7. A link whose address is not http(s) keeps its label and loses the address (see
   ``inline.drop_unsafe_links``): importing never fails on a pasted link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from app.appeals.text.blocks import (
    MAX_TEXT_CHARS,
    Block,
    BlockKind,
    TextInvalid,
    check_blocks,
    new_block_id,
)
from app.appeals.text.canonical import normalize_text
from app.appeals.text.inline import check_inline, drop_unsafe_links, plain_text
from app.appeals.text.letter_lines import (
    is_closing,
    is_date,
    is_salutation,
    is_signature_header,
    unwrap_bold,
)

SkippedKind = Literal["date", "addressee", "signature"]


@dataclass(frozen=True, slots=True)
class Skipped:
    kind: SkippedKind
    text: str


@dataclass(frozen=True, slots=True)
class ImportResult:
    blocks: list[Block]
    skipped: list[Skipped]


_PREAMBLE_LINE_CHARS = 200

_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_QUOTE = re.compile(r"^ {0,3}>[ ]?(.*)$")
_ORDERED = re.compile(r"^( *)(\d{1,3}) ?[.)][ \t]+(\S.*)$")
_BULLET = re.compile(r"^( *)[-*•·][ \t]+(\S.*)$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")

_SENTENCE_END = re.compile(r"[.!?…:;][\"'”’»)\]]*$")


@dataclass(slots=True)
class _Element:
    kind: str  # heading, quote, olist, ulist, para, salutation, closing
    lines: list[str]  # a list's items; otherwise the content lines
    raw: list[str] = field(default_factory=list)  # source lines, for skipped signatures
    level: int = 0  # a heading's level; a list's indentation


def _clean(source: str) -> list[str]:
    text = source.replace("\r\n", "\n").replace("\r", "\n").replace("\v", "\n")
    text = text.replace("\u2028", "\n").replace("\f", "\n\n").replace("\u2029", "\n\n")
    text = "".join(c for c in text if c in "\n\t" or not (c < " " or "\x7f" <= c <= "\x9f"))
    return normalize_text(text.lstrip("\ufeff")).split("\n")


def _lex(lines: list[str]) -> list[_Element]:
    out: list[_Element] = []
    cur: _Element | None = None
    blank = False
    for raw_line in lines:
        body = raw_line.lstrip(" \t")
        line = (
            raw_line[: len(raw_line) - len(body)].expandtabs(4) + body.replace("\t", " ")
        ).rstrip()
        text = line.strip()
        if not text:
            blank = True
            continue
        in_list = cur is not None and cur.kind in ("olist", "ulist")
        ordered, bullet = _ORDERED.match(line), _BULLET.match(line)
        item = ordered or bullet
        heading, quote = _HEADING.match(line), _QUOTE.match(line)
        indent = len(line) - len(line.lstrip())
        if _RULE.match(line):
            cur = None
        elif heading:
            out.append(_Element("heading", [heading[2]], [text], len(heading[1])))
            cur = None
        elif quote:
            if cur is not None and cur.kind == "quote" and not blank:
                cur.lines.append(quote[1].rstrip())
                cur.raw.append(text)
            else:
                cur = _Element("quote", [quote[1].rstrip()], [text])
                out.append(cur)
        elif cur is not None and in_list and item and indent >= cur.level + 2:
            cur.lines[-1] += "\n" + text  # a list nested under an item stays in the item
            cur.raw.append(text)
        elif item and indent <= 3 and _starts_list(cur, blank, ordered):
            kind = "olist" if ordered else "ulist"
            content = ordered[3] if ordered else item[2]
            if cur is not None and cur.kind == kind:
                cur.lines.append(content)
                cur.raw.append(text)
            else:
                cur = _Element(kind, [content], [text], indent)
                out.append(cur)
        elif cur is not None and in_list and (not blank or indent >= cur.level + 2):
            cur.lines[-1] += " " + text
            cur.raw.append(text)
        elif cur is not None and cur.kind == "para" and not blank:
            cur.lines.append(text)
            cur.raw.append(text)
        else:
            cur = _Element("para", [text], [text])
            out.append(cur)
        blank = False
    return out


def _starts_list(cur: _Element | None, blank: bool, ordered: re.Match[str] | None) -> bool:
    # Inside a paragraph, a line starting with a number is a new list only when it is
    # item 1 or follows a lead-in ("…urge you to:"); "2020. That year…" is wrapped text.
    if ordered is None or cur is None or cur.kind != "para" or blank:
        return True
    return ordered[2] == "1" or cur.lines[-1].endswith(":")


def _split(elements: list[_Element], at: int, line: int, kind: str) -> int:
    """Make line ``line`` of paragraph ``elements[at]`` an element of its own of ``kind``;
    return that element's index."""
    el = elements[at]
    before = _Element("para", el.lines[:line], el.raw[:line])
    middle = _Element(kind, [unwrap_bold(el.lines[line])[0]], [el.raw[line]])
    after = _Element("para", el.lines[line + 1 :], el.raw[line + 1 :])
    parts = [p for p in (before, middle, after) if p.lines]
    elements[at : at + 1] = parts
    return at + parts.index(middle)


def _find_salutation(elements: list[_Element]) -> int | None:
    for i, el in enumerate(elements):
        if el.kind in ("olist", "ulist"):
            return None
        if el.kind == "para":
            for k, line in enumerate(el.lines):
                if is_salutation(line):
                    return _split(elements, i, k, "salutation")
    return None


def _find_end(elements: list[_Element], start: int) -> int | None:
    """Index of the closing (or of the first signature element), split out."""
    for i in range(start, len(elements)):
        el = elements[i]
        if el.kind == "heading" and is_signature_header(el.lines[0]):
            el.kind = "signature"
            return i
        if el.kind == "para":
            for k, line in enumerate(el.lines):
                if is_closing(line):
                    return _split(elements, i, k, "closing")
                if is_signature_header(line):
                    return _split(elements, i, k, "signature")
    return None


def _head(elements: list[_Element], salutation: int | None) -> tuple[int, list[Skipped]]:
    """Drop dates and addressees from the top; return how many elements were dropped
    from the front and what was skipped (headings, quotes and preambles stay)."""
    skipped: list[Skipped] = []
    if salutation is None:
        for el in elements:
            if el.kind == "para":
                while el.lines and is_date(el.lines[0]):
                    skipped.append(Skipped("date", el.lines.pop(0)))
                    el.raw.pop(0)
                break
            if el.kind != "heading":
                break
        elements[:] = [el for el in elements if el.lines]
        return 0, skipped
    kept: list[_Element] = []
    for el in elements[:salutation]:
        if el.kind != "para" or any(len(x) > _PREAMBLE_LINE_CHARS for x in el.lines):
            kept.append(el)
            continue
        for line in el.lines:
            skipped.append(Skipped("date" if is_date(line) else "addressee", line))
    dropped = salutation - len(kept)
    elements[:salutation] = kept
    return dropped, skipped


def _continues(previous: str, following: str) -> bool:
    """A page break cut a paragraph: no sentence end before it, lower case after it."""
    before, after = plain_text(previous).rstrip(), plain_text(following).lstrip()
    return bool(before and after) and not _SENTENCE_END.search(before) and after[0].islower()


def _blocks(elements: list[_Element]) -> list[tuple[BlockKind, str]]:
    out: list[tuple[BlockKind, str]] = []
    title_allowed = True
    previous: _Element | None = None
    for el in elements:
        if el.kind == "heading":
            title = el.level == 1 and title_allowed
            out.append((BlockKind.TITLE if title else BlockKind.HEADING, el.lines[0]))
            title_allowed = title_allowed and not title
        elif el.kind == "salutation":
            out.append((BlockKind.SALUTATION, el.lines[0]))
        elif el.kind == "closing":
            out.append((BlockKind.CLOSING, el.lines[0]))
        elif el.kind == "quote":
            out.append((BlockKind.QUOTE, "\n".join(el.lines).strip("\n")))
        elif el.kind == "olist" or (
            el.kind == "ulist"
            and previous is not None
            and previous.kind == "para"
            and plain_text(" ".join(previous.lines)).rstrip().endswith(":")
        ):
            out.extend((BlockKind.ASK, item) for item in el.lines)
        elif el.kind == "ulist":
            out.extend((BlockKind.PARAGRAPH, item) for item in el.lines)
        else:
            text = " ".join(el.lines)
            if previous is not None and previous.kind == "para" and _continues(out[-1][1], text):
                out[-1] = (BlockKind.PARAGRAPH, out[-1][1] + " " + text)
            else:
                out.append((BlockKind.PARAGRAPH, text))
        if el.kind not in ("heading", "salutation"):
            title_allowed = False
        previous = el
    return out


def import_text(source: str) -> ImportResult:
    """Blocks (with fresh ids) for pasted ``source``, and the lines deliberately left out.

    Raises :class:`TextInvalid` when nothing is left to import or the result breaks a
    limit of the text format.
    """
    if len(source) > 2 * MAX_TEXT_CHARS:
        raise TextInvalid(f"a text has at most {MAX_TEXT_CHARS} characters")
    elements = _lex(_clean(source))
    if not elements:
        raise TextInvalid("the text is empty")
    salutation = _find_salutation(elements)
    dropped, skipped = _head(elements, salutation)
    start = 0 if salutation is None else salutation - dropped + 1
    end = _find_end(elements, start)
    if end is not None:
        cut = end + 1 if elements[end].kind == "closing" else end
        skipped.extend(Skipped("signature", line) for el in elements[cut:] for line in el.raw)
        del elements[cut:]
    pairs = [(kind, drop_unsafe_links(text).strip()) for kind, text in _blocks(elements)]
    blocks = [Block(new_block_id(), kind, text) for kind, text in pairs if text]
    if not blocks:
        raise TextInvalid("the text has nothing to import but dates, addressees or signatures")
    check_blocks(blocks)
    for block in blocks:
        check_inline(block.text)
    return ImportResult(blocks, skipped)
