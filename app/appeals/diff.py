"""What changed between two revisions of an appeal, block by block and word by word.

Pure: no I/O. Reviewers of a joint appeal read revisions side by side, so the diff is built
for people:

* Blocks are matched by id (ids survive edits), never by similarity: a block whose text was
  rewritten is still "changed", not "removed" plus "added".
* A block counts as ``moved`` only if it left the longest run of matched blocks that kept
  their relative order (a longest increasing subsequence), so one insertion or one block
  dragged elsewhere flags that block, not everything after it.
* Inside a changed block the diff is word-level: tokens are words and the whitespace or
  punctuation between them, so a changed word reads as the old word deleted and the new one
  inserted, never half a word. Combining marks, joiners, emoji modifiers and flag pairs stay
  with the characters they modify (a skin tone or an accent is never split off).
* The word diff is diff-match-patch's Myers diff over tokens encoded as one character each
  (the trick of its line mode). Codes come from the private-use areas (the BMP's and planes
  15 and 16: 137,468 codes); a block pair with more distinct tokens than that (far beyond
  MAX_BLOCK_CHARS) is shown as the whole old text deleted and the new one inserted.
* Each block pair gets DIFF_TIMEOUT_SECONDS and the whole text TOTAL_BUDGET_SECONDS. When
  time runs out diff-match-patch returns what it has with the rest as one delete plus one
  insert: coarser, still correct (equal+delete segments always give the old text,
  equal+insert the new one), and a hostile pair of texts cannot hold a worker.
"""

from __future__ import annotations

import re
import time
import unicodedata
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from diff_match_patch import diff_match_patch  # type: ignore[import-untyped,unused-ignore]

from app.appeals.text.blocks import Block, BlockKind

DIFF_TIMEOUT_SECONDS = 0.1
TOTAL_BUDGET_SECONDS = 1.0

BlockOp = Literal["same", "changed", "added", "removed"]
SegmentOp = Literal["equal", "insert", "delete"]


@dataclass(frozen=True, slots=True)
class Segment:
    op: SegmentOp
    text: str


@dataclass(frozen=True, slots=True)
class BlockDiff:
    """One block of the diff. ``kind`` is the new kind (the old one for a removed block);
    ``old_kind`` is set only when the kind changed. Segments never have empty text, so an
    empty block has none."""

    op: BlockOp
    id: str
    kind: BlockKind
    segments: tuple[Segment, ...]
    moved: bool = False
    old_kind: BlockKind | None = None


@dataclass(frozen=True, slots=True)
class DiffSummary:
    added: int
    removed: int
    changed: int
    moved: int


@dataclass(frozen=True, slots=True)
class TextDiff:
    """Blocks in the new text's order; a removed block sits after the nearest block before
    it in the old text that neither moved nor went away (first, if there is none)."""

    blocks: tuple[BlockDiff, ...]
    summary: DiffSummary


def diff_texts(old: Sequence[Block], new: Sequence[Block]) -> TextDiff:
    """Diff two texts with unique block ids (ValueError otherwise)."""
    old_by_id = _by_id(old)
    new_by_id = _by_id(new)
    matched = [b.id for b in new if b.id in old_by_id]
    old_pos = {b.id: i for i, b in enumerate(old)}
    stable = _longest_increasing([old_pos[i] for i in matched], matched)

    removed_after: dict[str | None, list[Block]] = {}
    anchor: str | None = None
    for block in old:
        if block.id not in new_by_id:
            removed_after.setdefault(anchor, []).append(block)
        elif block.id in stable:
            anchor = block.id

    words = _WordDiffer()
    out: list[BlockDiff] = [_removed(b) for b in removed_after.get(None, ())]
    for block in new:
        before = old_by_id.get(block.id)
        if before is None:
            out.append(BlockDiff("added", block.id, block.kind, _one("insert", block.text)))
            continue
        moved = block.id not in stable
        if before.kind == block.kind and before.text == block.text:
            out.append(BlockDiff("same", block.id, block.kind, _one("equal", block.text), moved))
        else:
            old_kind = before.kind if before.kind != block.kind else None
            segments = words.diff(before.text, block.text)
            out.append(BlockDiff("changed", block.id, block.kind, segments, moved, old_kind))
        if not moved:
            out.extend(_removed(b) for b in removed_after.get(block.id, ()))

    summary = DiffSummary(
        added=sum(d.op == "added" for d in out),
        removed=sum(d.op == "removed" for d in out),
        changed=sum(d.op == "changed" for d in out),
        moved=sum(d.moved for d in out),
    )
    return TextDiff(tuple(out), summary)


def to_json(diff: TextDiff) -> dict[str, Any]:
    """The diff as plain JSON values for the API (see the module's tests for the shape)."""
    return {
        "blocks": [
            {
                "id": d.id,
                "op": d.op,
                "moved": d.moved,
                "kind": d.kind.value,
                "old_kind": d.old_kind.value if d.old_kind is not None else None,
                "segments": [{"op": s.op, "text": s.text} for s in d.segments],
            }
            for d in diff.blocks
        ],
        "summary": {
            "added": diff.summary.added,
            "removed": diff.summary.removed,
            "changed": diff.summary.changed,
            "moved": diff.summary.moved,
        },
    }


def _by_id(blocks: Sequence[Block]) -> dict[str, Block]:
    by_id = {b.id: b for b in blocks}
    if len(by_id) != len(blocks):
        raise ValueError("block ids must be unique")
    return by_id


def _one(op: SegmentOp, text: str) -> tuple[Segment, ...]:
    return (Segment(op, text),) if text else ()


def _removed(block: Block) -> BlockDiff:
    return BlockDiff("removed", block.id, block.kind, _one("delete", block.text))


def _longest_increasing(values: list[int], ids: list[str]) -> set[str]:
    """Ids at one longest strictly increasing subsequence of ``values`` (patience sorting,
    O(n log n)). When several are longest the same input always picks the same one."""
    tails: list[int] = []  # tails[k]: index in values ending the best run of length k+1
    tail_values: list[int] = []
    previous: list[int] = [-1] * len(values)
    for i, value in enumerate(values):
        k = bisect_left(tail_values, value)
        previous[i] = tails[k - 1] if k else -1
        if k == len(tails):
            tails.append(i)
            tail_values.append(value)
        else:
            tails[k] = i
            tail_values[k] = value
    kept: set[str] = set()
    i = tails[-1] if tails else -1
    while i >= 0:
        kept.add(ids[i])
        i = previous[i]
    return kept


# --- word-level diff -------------------------------------------------------------------

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
# Characters that may need gluing to a neighbour: anything neither word, space nor ASCII.
_MAYBE_GLUE = re.compile(r"[^\w\s\x00-\x7f]")
_WORD = re.compile(r"\w")
_JOINERS = frozenset("\u200c\u200d")  # zero-width non-joiner, joiner


def _is_regional(char: str) -> bool:
    return "\U0001f1e6" <= char <= "\U0001f1ff"


def _extends(char: str) -> bool:
    """Whether ``char`` belongs to the character before it: combining marks (accents,
    Indic vowel signs, variation selectors, keycaps), emoji skin tones, emoji tag chars."""
    return (
        unicodedata.category(char)[0] == "M"
        or "\U0001f3fb" <= char <= "\U0001f3ff"
        or "\U000e0020" <= char <= "\U000e007f"
    )


def _glues(char: str) -> bool:
    return _extends(char) or char in _JOINERS or _is_regional(char)


def tokens(text: str) -> list[str]:
    """Split ``text`` into words, whitespace runs and single other characters, keeping
    each user-perceived character whole. ``"".join(tokens(t)) == t`` always."""
    parts: list[str] = _TOKEN.findall(text)
    # The loop below is the slow part; most texts (dashes and quotes included) skip it.
    if not any(_glues(m.group()) for m in _MAYBE_GLUE.finditer(text)):
        return parts
    out: list[str] = []
    for part in parts:
        if out:
            prev = out[-1]
            first = part[0]
            if (
                _extends(first)
                or first in _JOINERS
                or prev[-1] in _JOINERS
                # A word going on after a combining mark (decomposed "naïve", Hindi).
                or (_WORD.match(first) and _WORD.match(prev) and _extends(prev[-1]))
                # Flags are pairs of regional indicators.
                or (_is_regional(first) and len(prev) == 1 and _is_regional(prev))
            ):
                out[-1] = prev + part
                continue
        out.append(part)
    return out


# Private-use code points, in order: the BMP's area, then planes 15 and 16 (without the two
# noncharacters that end each plane).
_CODE_RANGES = ((0xE000, 0xF8FF), (0xF0000, 0xFFFFD), (0x100000, 0x10FFFD))
CODE_CAPACITY = sum(hi - lo + 1 for lo, hi in _CODE_RANGES)


def _code(index: int) -> str:
    for lo, hi in _CODE_RANGES:
        if index <= hi - lo:
            return chr(lo + index)
        index -= hi - lo + 1
    raise OverflowError(index)


def _encode(old: list[str], new: list[str]) -> tuple[str, str, dict[str, str]]:
    """Both token lists as one code per token, and the table back from code to token."""
    index: dict[str, int] = {}
    add = index.setdefault
    old_ids = [add(token, len(index)) for token in old]
    new_ids = [add(token, len(index)) for token in new]
    if len(index) > CODE_CAPACITY:
        raise OverflowError(len(index))
    codes = [_code(i) for i in range(len(index))]
    table = dict(zip(codes, index, strict=True))
    return "".join(map(codes.__getitem__, old_ids)), "".join(map(codes.__getitem__, new_ids)), table


_OPS: dict[int, SegmentOp] = {-1: "delete", 0: "equal", 1: "insert"}


class _WordDiffer:
    """diff-match-patch behind a typed interface, with the whole text's time budget."""

    def __init__(self) -> None:
        self._dmp = diff_match_patch()
        # > 0 also enables its half-match speed-up (may give a less than minimal diff).
        self._dmp.Diff_Timeout = DIFF_TIMEOUT_SECONDS
        self._deadline = time.time() + TOTAL_BUDGET_SECONDS

    def diff(self, old: str, new: str) -> tuple[Segment, ...]:
        if old == new:
            return _one("equal", old)
        try:
            old_codes, new_codes, table = _encode(tokens(old), tokens(new))
        except OverflowError:
            return _one("delete", old) + _one("insert", new)
        deadline = min(time.time() + DIFF_TIMEOUT_SECONDS, self._deadline)
        raw: list[tuple[int, str]] = self._dmp.diff_main(old_codes, new_codes, False, deadline)
        self._dmp.diff_cleanupSemantic(raw)
        return tuple(
            Segment(_OPS[op], "".join(map(table.__getitem__, chars))) for op, chars in raw if chars
        )
