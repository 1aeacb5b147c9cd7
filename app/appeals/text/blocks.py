"""An appeal's text: an ordered list of blocks, each with a stable id.

Pure: no I/O. Every other module of ``app.appeals`` (revisions, diff, merge, comments,
suggestions, translations) speaks in these blocks.

* ``id`` survives edits: a comment anchored to a block, a suggestion against it, a
  translation of it and (later) a government's stance on an ask all point at the id.
  Lower-case letters and digits, 8 to 32 of them; new ids come from :func:`new_block_id`
  (the browser makes its own of the same shape).
* ``kind`` says what the block is in a letter. ``ask`` is one numbered demand (outreach
  records each government's stance per ask); ``title``, ``salutation`` and ``closing``
  appear at most once each.
* ``text`` is one block's text in a small inline markup (app/appeals/text/inline.py):
  ``*emphasis*``, ``**strong**`` and ``[label](https://…)``. Newlines are kept (a quote
  or a closing may span lines); nothing in it is ever rendered as HTML.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class BlockKind(StrEnum):
    TITLE = "title"
    SALUTATION = "salutation"
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    ASK = "ask"
    QUOTE = "quote"
    CLOSING = "closing"


# Kinds a text has at most one of.
SINGLE_KINDS: frozenset[BlockKind] = frozenset(
    {BlockKind.TITLE, BlockKind.SALUTATION, BlockKind.CLOSING}
)

BLOCK_ID = re.compile(r"^[a-z0-9]{8,32}$")
BLOCK_ID_LENGTH = 12
# Limits that keep one request, one revision row and one diff bounded.
MAX_BLOCKS = 2000
MAX_BLOCK_CHARS = 20_000
MAX_TEXT_CHARS = 400_000

_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def new_block_id() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(BLOCK_ID_LENGTH))


@dataclass(frozen=True, slots=True)
class Block:
    id: str
    kind: BlockKind
    text: str


class TextInvalid(ValueError):
    """The blocks break a rule of the text format; ``str()`` says which, for a person."""


def check_blocks(blocks: Sequence[Block]) -> None:
    """Raise :class:`TextInvalid` unless ``blocks`` form a valid text (ids unique and well
    formed, single kinds once, sizes bounded). Inline markup is checked by inline.py."""
    if len(blocks) > MAX_BLOCKS:
        raise TextInvalid(f"a text has at most {MAX_BLOCKS} blocks")
    seen: set[str] = set()
    singles: set[BlockKind] = set()
    total = 0
    for block in blocks:
        if not BLOCK_ID.match(block.id):
            raise TextInvalid("block ids are 8 to 32 lower-case letters and digits")
        if block.id in seen:
            raise TextInvalid(f"block id {block.id} appears twice")
        seen.add(block.id)
        if block.kind in SINGLE_KINDS:
            if block.kind in singles:
                raise TextInvalid(f"a text has at most one {block.kind.value} block")
            singles.add(block.kind)
        if len(block.text) > MAX_BLOCK_CHARS:
            raise TextInvalid(f"a block has at most {MAX_BLOCK_CHARS} characters")
        total += len(block.text)
    if total > MAX_TEXT_CHARS:
        raise TextInvalid(f"a text has at most {MAX_TEXT_CHARS} characters")


def blocks_to_json(blocks: Sequence[Block]) -> str:
    """The stored form of a text (encrypted as one value): compact JSON, order kept."""
    return json.dumps(
        [{"id": b.id, "kind": b.kind.value, "text": b.text} for b in blocks],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def blocks_from_json(stored: str) -> list[Block]:
    return [Block(item["id"], BlockKind(item["kind"]), item["text"]) for item in json.loads(stored)]
