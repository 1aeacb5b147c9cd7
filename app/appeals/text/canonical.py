"""The canonical bytes of an appeal's text, and their SHA-256: the revision hash.

Pure: no I/O. Why RFC 8785 (JSON Canonicalization Scheme): a signatory, a journalist or a
ministry can check that the text they hold is the text that was signed, by recomputing the
hash from an export with any conforming implementation, in any language, without our code:

    sha256(JCS({"blocks": [{"id": …, "kind": …, "text": …}, …]}))

Before hashing, each text is normalized: CRLF and lone CR become LF (a browser on Windows
must not change the hash) and the text is put in Unicode NFC (``é`` typed as one code
point or as ``e`` + combining accent is the same letter; Cyrillic with combining breves
likewise). :func:`normalize_blocks` applies the same normalization, so that what is stored
is byte for byte what was hashed and a stored text re-hashes to its recorded hash.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Sequence

import rfc8785

from app.appeals.text.blocks import Block, BlockKind, TextInvalid


def normalize_text(text: str) -> str:
    """One block's text as it is stored and hashed: LF line ends, Unicode NFC."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def normalize_blocks(blocks: Sequence[Block]) -> list[Block]:
    """``blocks`` with each text normalized (ids and kinds are unchanged)."""
    return [Block(b.id, BlockKind(b.kind), normalize_text(b.text)) for b in blocks]


def canonical_bytes(blocks: Sequence[Block]) -> bytes:
    """RFC 8785 canonical JSON of ``{"blocks": [{"id", "kind", "text"}, …]}``, UTF-8."""
    document = {
        "blocks": [
            {"id": b.id, "kind": BlockKind(b.kind).value, "text": normalize_text(b.text)}
            for b in blocks
        ]
    }
    try:
        return rfc8785.dumps(document)
    except rfc8785.CanonicalizationError as exc:
        # An unpaired surrogate (JSON "\ud800" decodes to one) has no UTF-8 encoding.
        raise TextInvalid("the text contains a character that is not valid Unicode") from exc


def text_sha256(blocks: Sequence[Block]) -> str:
    """Lower-case hex SHA-256 of :func:`canonical_bytes`: the hash a revision records."""
    return hashlib.sha256(canonical_bytes(blocks)).hexdigest()
