"""Comments anchored to a passage of an appeal's text, and finding that passage again.

Pure: no I/O. A comment (and a suggested replacement, app/appeals/suggestions.py) points at
a passage the way the W3C Web Annotation *TextQuoteSelector* does: the quoted text
(``exact``) with up to :data:`CONTEXT_CHARS` characters before (``prefix``) and after
(``suffix``), plus the id of the block it was made on. Character offsets alone would break
at the first edit earlier in the block; the quote and its context survive edits elsewhere,
and say honestly when the passage itself was changed.

:func:`locate` finds the passage in a later revision:

1. In the same block: a single occurrence of ``exact`` is the passage, wherever it moved
   within the block and whatever changed around it. Several occurrences: the one whose
   surroundings agree with ``prefix`` and ``suffix`` on the most characters (the first of
   equals).
2. Not in that block, or the block is gone: the passage may have moved to another block
   (a paragraph split, a sentence moved). An occurrence there counts only if its context
   agrees in full on both sides, or up to the edge of its block, and only if exactly one
   occurrence in the other blocks does; a common phrase elsewhere must not capture the
   comment.
3. Otherwise ``None``: the passage was edited or deleted and the comment is outdated. No
   fuzzy matching: a comment on "within 30 days" must not silently land on "within 90
   days".

Matching is on the raw block text, inline markup included (``*``, ``[label](url)``: what
the person selected in the editor's source), after Unicode NFC normalization of both the
text and the anchor, so a quote typed with a combining accent finds the precomposed letter.
Offsets (in :class:`Located` and :func:`make_anchor`) are Python string indices into
``block.text`` as stored, not into its normalized form; the API layer converts from the
browser's UTF-16 offsets.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from app.appeals.text.blocks import Block

# How much context an anchor keeps on each side (as TextQuoteSelector implementations do).
CONTEXT_CHARS = 32


@dataclass(frozen=True, slots=True)
class Anchor:
    """A passage of block ``block_id``: ``exact`` between ``prefix`` and ``suffix``."""

    block_id: str
    exact: str
    prefix: str = ""
    suffix: str = ""

    def __post_init__(self) -> None:
        if not self.exact:
            raise ValueError("an anchor quotes a passage of at least one character")
        if len(self.prefix) > CONTEXT_CHARS or len(self.suffix) > CONTEXT_CHARS:
            raise ValueError(f"an anchor keeps at most {CONTEXT_CHARS} characters of context")


@dataclass(frozen=True, slots=True)
class Located:
    """Where an anchor's passage is now: ``block.text[start:end]`` of block ``block_id``."""

    block_id: str
    start: int
    end: int


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _is_mark(char: str) -> bool:
    """Whether ``char`` belongs with the letter before it: a combining mark, or a character
    that decomposes into one (as the discouraged Tibetan vowel signs U+0F73, U+0F75 do)."""
    return unicodedata.combining(unicodedata.normalize("NFD", char)[0]) != 0


class _Normalized:
    """A block's text in NFC, with the way back from normalized offsets to raw ones.

    Most stored text is already NFC (browsers send it so) and offsets are the same. For
    the rest the text is cut into pieces that normalize on their own (a base character with
    its combining marks, merged further where letters compose, as Hangul jamo do); an
    offset maps back only at a piece boundary, so a match never splits a letter."""

    __slots__ = ("_to_raw", "text")

    def __init__(self, raw: str) -> None:
        self._to_raw: dict[int, int] | None
        if unicodedata.is_normalized("NFC", raw):
            self.text = raw
            self._to_raw = None
            return
        pieces: list[str] = []
        for char in raw:
            if pieces and _is_mark(char):
                pieces[-1] += char
            elif pieces and _nfc(pieces[-1] + char) != _nfc(pieces[-1]) + _nfc(char):
                pieces[-1] += char
            else:
                pieces.append(char)
        normalized = [_nfc(piece) for piece in pieces]
        self.text = "".join(normalized)
        self._to_raw = {0: 0}
        if self.text != _nfc(raw):  # Never seen; if it were, only whole-block matches map.
            self.text = _nfc(raw)
            self._to_raw[len(self.text)] = len(raw)
            return
        raw_at = norm_at = 0
        for piece, norm in zip(pieces, normalized, strict=True):
            raw_at += len(piece)
            norm_at += len(norm)
            self._to_raw[norm_at] = raw_at

    def raw(self, offset: int) -> int | None:
        """The raw offset of normalized ``offset``; ``None`` inside a letter."""
        return offset if self._to_raw is None else self._to_raw.get(offset)

    def is_raw_boundary(self, raw_offset: int) -> bool:
        """Whether a match may begin or end at ``raw_offset`` of the raw text."""
        return self._to_raw is None or raw_offset in self._to_raw.values()


def make_anchor(block: Block, start: int, end: int) -> Anchor:
    """Anchor the selection ``block.text[start:end]``.

    Refuses (ValueError) an empty selection, one outside the block, and one that cuts a
    letter from its combining marks (it could never be found again as selected)."""
    text = block.text
    if not 0 <= start < end <= len(text):
        raise ValueError("the selection is empty or outside the block")
    normalized = _Normalized(text)
    for offset in (start, end):
        mark_follows = 0 < offset < len(text) and _is_mark(text[offset])
        if mark_follows or not normalized.is_raw_boundary(offset):
            raise ValueError("the selection cuts a letter from its accents")
    return Anchor(
        block_id=block.id,
        exact=_nfc(text[start:end]),
        prefix=_nfc(text[max(0, start - CONTEXT_CHARS) : start])[-CONTEXT_CHARS:],
        suffix=_nfc(text[end : end + CONTEXT_CHARS])[:CONTEXT_CHARS],
    )


def locate(anchor: Anchor, blocks: Sequence[Block]) -> Located | None:
    """Where ``anchor``'s passage is in ``blocks`` (see the module docstring), or ``None``
    when it can no longer be found for sure: the comment is outdated."""
    exact = _nfc(anchor.exact)
    prefix = _nfc(anchor.prefix)
    suffix = _nfc(anchor.suffix)

    home = next((block for block in blocks if block.id == anchor.block_id), None)
    if home is not None:
        text = _Normalized(home.text)
        best: tuple[int, int, int] | None = None  # (score, start, end), normalized
        for start in _occurrences(text.text, exact):
            end = start + len(exact)
            if text.raw(start) is None or text.raw(end) is None:
                continue
            score = _agreeing_before(text.text, start, prefix) + _agreeing_after(
                text.text, end, suffix
            )
            if best is None or score > best[0]:
                best = (score, start, end)
        if best is not None:
            return _located(home.id, text, best[1], best[2])

    found: list[Located] = []
    for block in blocks:
        if block.id == anchor.block_id:
            continue
        text = _Normalized(block.text)
        for start in _occurrences(text.text, exact):
            end = start + len(exact)
            before = _agreeing_before(text.text, start, prefix)
            after = _agreeing_after(text.text, end, suffix)
            context_agrees = before in (len(prefix), start) and after in (
                len(suffix),
                len(text.text) - end,
            )
            if context_agrees and (place := _located(block.id, text, start, end)) is not None:
                found.append(place)
                if len(found) > 1:
                    return None
    return found[0] if found else None


def _located(block_id: str, text: _Normalized, start: int, end: int) -> Located | None:
    raw_start, raw_end = text.raw(start), text.raw(end)
    if raw_start is None or raw_end is None:
        return None
    return Located(block_id, raw_start, raw_end)


def _occurrences(text: str, exact: str) -> Iterator[int]:
    """Every start of ``exact`` in ``text``, overlapping ones included."""
    at = text.find(exact)
    while at != -1:
        yield at
        at = text.find(exact, at + 1)


def _agreeing_before(text: str, start: int, prefix: str) -> int:
    """How many characters right before ``start`` agree with the end of ``prefix``."""
    count = 0
    while count < len(prefix) and count < start and text[start - 1 - count] == prefix[-1 - count]:
        count += 1
    return count


def _agreeing_after(text: str, end: int, suffix: str) -> int:
    """How many characters from ``end`` on agree with the start of ``suffix``."""
    count = 0
    while count < len(suffix) and end + count < len(text) and text[end + count] == suffix[count]:
        count += 1
    return count
