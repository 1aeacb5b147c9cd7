"""Suggested changes to an appeal's text, and applying them to a later revision.

Pure: no I/O. A co-author who may not (or would rather not) edit the text directly proposes
a change; someone who may edit accepts it, often revisions later. So a suggestion never
says "characters 120 to 134": it names its block by id and, for a replacement, quotes the
passage (an :class:`~app.appeals.anchoring.Anchor`), which survives edits elsewhere.

Three kinds:

* :class:`Replace` the quoted passage of one block with new text (empty text deletes it).
  The passage is found again with :func:`~app.appeals.anchoring.locate` *in that block
  only*: a suggestion for one ask must not rewrite a sentence that moved to another.
* :class:`Insert` a new block (a paragraph, an ask, …) after a given block, or at the start
  (``after_block_id=None``). It gets a fresh id.
* :class:`Remove` a block.

If the passage or block a suggestion is about was changed or removed since, applying it
raises :class:`SuggestionOutdated` instead of guessing: the person accepting it sees the
suggestion as outdated and decides. The result must still be a valid text
(:func:`~app.appeals.text.blocks.check_blocks`), so accepting a suggestion for a second
title raises :class:`~app.appeals.text.blocks.TextInvalid`: that is not outdated, it never
fit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import assert_never

from app.appeals.anchoring import Anchor, Located, locate
from app.appeals.text.blocks import Block, BlockKind, check_blocks, new_block_id


@dataclass(frozen=True, slots=True)
class Replace:
    """Replace the passage ``anchor`` quotes in block ``block_id`` with ``replacement``."""

    block_id: str
    anchor: Anchor
    replacement: str

    def __post_init__(self) -> None:
        if self.anchor.block_id != self.block_id:
            raise ValueError("a replacement's anchor is on the block it replaces in")


@dataclass(frozen=True, slots=True)
class Insert:
    """Insert a new block after block ``after_block_id`` (``None``: at the start)."""

    after_block_id: str | None
    kind: BlockKind
    text: str


@dataclass(frozen=True, slots=True)
class Remove:
    """Remove block ``block_id``."""

    block_id: str


Suggestion = Replace | Insert | Remove


class SuggestionOutdated(Exception):
    """The text changed so that ``suggestion`` no longer applies; ``str()`` says why."""

    def __init__(self, suggestion: Suggestion, reason: str) -> None:
        self.suggestion = suggestion
        super().__init__(reason)


def apply_suggestion(blocks: Sequence[Block], suggestion: Suggestion) -> list[Block]:
    """The text with ``suggestion`` applied (``blocks`` itself is left as it was).

    Raises :class:`SuggestionOutdated` when its passage or block is gone or changed, and
    :class:`~app.appeals.text.blocks.TextInvalid` when the result is not a valid text."""
    result = list(blocks)
    if isinstance(suggestion, Replace):
        index, place = _passage(blocks, suggestion)
        old = blocks[index]
        text = old.text[: place.start] + suggestion.replacement + old.text[place.end :]
        result[index] = Block(old.id, old.kind, text)
    elif isinstance(suggestion, Insert):
        index = _insertion_index(blocks, suggestion)
        result.insert(index, Block(_fresh_id(blocks), suggestion.kind, suggestion.text))
    elif isinstance(suggestion, Remove):
        del result[_index(blocks, suggestion.block_id, suggestion)]
    else:
        assert_never(suggestion)
    check_blocks(result)
    return result


def is_outdated(blocks: Sequence[Block], suggestion: Suggestion) -> bool:
    """Whether :func:`apply_suggestion` would refuse ``suggestion`` as outdated (whether
    the result would be a valid text is not part of it)."""
    try:
        if isinstance(suggestion, Replace):
            _passage(blocks, suggestion)
        elif isinstance(suggestion, Insert):
            _insertion_index(blocks, suggestion)
        elif isinstance(suggestion, Remove):
            _index(blocks, suggestion.block_id, suggestion)
        else:
            assert_never(suggestion)
    except SuggestionOutdated:
        return True
    return False


def _index(blocks: Sequence[Block], block_id: str, suggestion: Suggestion) -> int:
    for index, block in enumerate(blocks):
        if block.id == block_id:
            return index
    raise SuggestionOutdated(suggestion, f"block {block_id} is no longer in the text")


def _passage(blocks: Sequence[Block], suggestion: Replace) -> tuple[int, Located]:
    index = _index(blocks, suggestion.block_id, suggestion)
    place = locate(suggestion.anchor, [blocks[index]])
    if place is None:
        raise SuggestionOutdated(suggestion, "the passage it replaces was changed since")
    return index, place


def _insertion_index(blocks: Sequence[Block], suggestion: Insert) -> int:
    if suggestion.after_block_id is None:
        return 0
    return _index(blocks, suggestion.after_block_id, suggestion) + 1


def _fresh_id(blocks: Sequence[Block]) -> str:
    taken = {block.id for block in blocks}
    while (block_id := new_block_id()) in taken:
        pass
    return block_id
