"""Three-way merge of an appeal's text, block by block, so that no edit is lost.

Pure: no I/O. A member saves a text based on revision ``base`` while someone else already
saved ``theirs`` (the current head) on top of it. Rather than refusing the save or letting
the later one silently overwrite the earlier, the two are merged per block id (ids survive
edits, so there is no guessing which block is which):

* changed (text or kind) on one side only: that side's block; changed identically on both
  sides: that block; changed differently: a conflict;
* removed on one side and unchanged on the other: removed; removed on one side and changed
  on the other: a conflict (an edit would be lost either way);
* added on either side: kept. The same id added on both sides (the client retried) is kept
  once if both blocks are equal, a conflict otherwise;
* the merged text keeps at most one title, salutation and closing: if it would hold two,
  every block of that kind is a conflict (e.g. both sides added a title).

Conflicts are never resolved here: the caller shows the listed blocks to the person saving,
who decides. Nothing is merged inside a block; a block is the unit people discuss,
comment on and translate.

Order. A side "reordered" when the blocks it kept from ``base`` are no longer in base's
order (removing or adding blocks is not reordering). The primary side is ``ours`` unless
only ``theirs`` reordered. The merged text is the primary side's order (of the blocks
that survive), and each block the other side added is placed right after its
predecessor in that side's text: the nearest block before it there that is in the merged
text (its own earlier additions included), or first if there is none. So if both sides
reordered, ours' order wins and theirs' additions still land next to their neighbours.
Every merged block is either on the primary side or an addition of the other, so nothing
is dropped or duplicated, and the same inputs always give the same text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from app.appeals.text.blocks import SINGLE_KINDS, Block, BlockKind


@dataclass(frozen=True, slots=True)
class MergeResult:
    """``blocks`` is the merged text, or None when there are conflicts; ``conflicts`` are
    block ids, in the order of ours' text, then theirs', then base's."""

    blocks: list[Block] | None
    conflicts: list[str]

    @property
    def clean(self) -> bool:
        return not self.conflicts


def merge_texts(
    base: Sequence[Block], ours: Sequence[Block], theirs: Sequence[Block]
) -> MergeResult:
    """Merge ``ours`` (the submitted text, based on ``base``) with ``theirs`` (the head).

    Each input must have unique ids (ValueError otherwise). The merged text is not
    re-validated here (sizes, id shape): the caller runs ``check_blocks`` on it as on any
    submitted text."""
    base_by, ours_by, theirs_by = _by_id(base), _by_id(ours), _by_id(theirs)
    merged: dict[str, Block] = {}
    conflicts: set[str] = set()

    for block_id, original in base_by.items():
        mine, other = ours_by.get(block_id), theirs_by.get(block_id)
        mine_changed = mine is not None and not _same(mine, original)
        other_changed = other is not None and not _same(other, original)
        if mine is None or other is None:  # removed on at least one side
            if mine_changed or other_changed:
                conflicts.add(block_id)
        elif not mine_changed:
            merged[block_id] = other
        elif not other_changed or _same(mine, other):
            merged[block_id] = mine
        else:
            conflicts.add(block_id)

    for side, other_by in ((ours_by, theirs_by), (theirs_by, ours_by)):
        for block_id, block in side.items():
            if block_id in base_by or block_id in merged or block_id in conflicts:
                continue
            twin = other_by.get(block_id)
            if twin is not None and not _same(block, twin):
                conflicts.add(block_id)
            else:
                merged[block_id] = block

    conflicts.update(_doubled_single_kinds(merged.values()))
    if conflicts:
        return MergeResult(None, _in_text_order(conflicts, ours, theirs, base))
    return MergeResult(_ordered(merged, base_by, ours, theirs), [])


def _by_id(blocks: Sequence[Block]) -> dict[str, Block]:
    by_id = {b.id: b for b in blocks}
    if len(by_id) != len(blocks):
        raise ValueError("block ids must be unique")
    return by_id


def _same(a: Block, b: Block) -> bool:
    return a.kind == b.kind and a.text == b.text


def _doubled_single_kinds(blocks: Iterable[Block]) -> set[str]:
    """Ids of every block of a kind the text may hold once, where it holds more."""
    by_kind: dict[BlockKind, list[str]] = {}
    for block in blocks:
        if block.kind in SINGLE_KINDS:
            by_kind.setdefault(block.kind, []).append(block.id)
    return {i for ids in by_kind.values() if len(ids) > 1 for i in ids}


def _in_text_order(ids: set[str], *texts: Sequence[Block]) -> list[str]:
    out: dict[str, None] = {}
    for text in texts:
        out.update((b.id, None) for b in text if b.id in ids)
    return list(out)


def _reordered(side: Sequence[Block], base_by: dict[str, Block]) -> bool:
    position = {block_id: i for i, block_id in enumerate(base_by)}
    kept = [position[b.id] for b in side if b.id in position]
    return any(a > b for a, b in pairwise(kept))


def _ordered(
    merged: dict[str, Block],
    base_by: dict[str, Block],
    ours: Sequence[Block],
    theirs: Sequence[Block],
) -> list[Block]:
    primary, secondary = ours, theirs
    if not _reordered(ours, base_by) and _reordered(theirs, base_by):
        primary, secondary = theirs, ours
    on_primary = {b.id for b in primary}

    # The other side's additions, each after its nearest merged predecessor there.
    after: dict[str | None, list[str]] = {}
    anchor: str | None = None
    for block in secondary:
        if block.id not in merged:
            continue
        if block.id not in on_primary:
            after.setdefault(anchor, []).append(block.id)
        anchor = block.id

    order: list[str] = []
    # A stack, not recursion: a long run of additions chains each to the one before.
    stack = [b.id for b in reversed(primary) if b.id in merged]
    stack.extend(reversed(after.get(None, [])))
    while stack:
        block_id = stack.pop()
        order.append(block_id)
        stack.extend(reversed(after.get(block_id, [])))

    if len(order) != len(merged) or set(order) != merged.keys():
        raise RuntimeError("merge order lost or repeated a block")  # a bug, never input
    return [merged[block_id] for block_id in order]
