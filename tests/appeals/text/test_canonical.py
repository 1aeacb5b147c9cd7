"""The revision hash: RFC 8785 JSON of the blocks, NFC and LF, SHA-256."""

from __future__ import annotations

import hashlib
import json
import unicodedata

import pytest

from app.appeals.text.blocks import Block, BlockKind, TextInvalid
from app.appeals.text.canonical import (
    canonical_bytes,
    normalize_blocks,
    normalize_text,
    text_sha256,
)

TEXT = [
    Block("aaaaaaaa", BlockKind.TITLE, "Café for all"),
    Block("bbbbbbbb", BlockKind.PARAGRAPH, "Line one\nline two «ёлка»"),
    Block("cccccccc", BlockKind.ASK, "Release **everyone**."),
]


def test_golden_vector_built_by_hand() -> None:
    blocks = [
        Block("abcdefgh", BlockKind.TITLE, "Café"),
        Block("ijklmnop", BlockKind.PARAGRAPH, "a\nb"),
    ]
    expected = (
        '{"blocks":[{"id":"abcdefgh","kind":"title","text":"Café"},'
        '{"id":"ijklmnop","kind":"paragraph","text":"a\\nb"}]}'
    ).encode()
    assert canonical_bytes(blocks) == expected
    assert text_sha256(blocks) == hashlib.sha256(expected).hexdigest()
    # Pinned (computed with coreutils: printf '%s' '<the JSON above>' | sha256sum), so a
    # change of library or of normalization cannot slip through unnoticed.
    assert text_sha256(blocks) == (
        "75110bd59bce154b86c0f88be57749e5e9d9b27537873a14bde1df7197b3ac27"
    )


def test_matches_a_plain_json_encoder_for_simple_strings() -> None:
    # For strings without control characters, RFC 8785 is sorted keys, no spaces, UTF-8.
    blocks = [Block("abcdefgh", BlockKind.QUOTE, "«Свабода» — “freedom”")]
    document = {"blocks": [{"text": b.text, "kind": b.kind.value, "id": b.id} for b in blocks]}
    by_hand = json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    assert canonical_bytes(blocks) == by_hand.encode("utf-8")


def test_hash_is_lowercase_hex_sha256() -> None:
    digest = text_sha256(TEXT)
    assert len(digest) == 64
    assert digest == digest.lower()
    int(digest, 16)


def test_hash_is_stable_across_nfc_and_nfd() -> None:
    nfd = [Block(b.id, b.kind, unicodedata.normalize("NFD", b.text)) for b in TEXT]
    assert [b.text for b in nfd] != [b.text for b in TEXT]
    assert text_sha256(nfd) == text_sha256(TEXT)
    # Belarusian ў and Russian й are composed characters too.
    assert text_sha256([Block("abcdefgh", BlockKind.PARAGRAPH, "у\u0306 и\u0306")]) == (
        text_sha256([Block("abcdefgh", BlockKind.PARAGRAPH, "ў й")])
    )


def test_hash_is_stable_across_line_endings() -> None:
    crlf = [Block(b.id, b.kind, b.text.replace("\n", "\r\n")) for b in TEXT]
    cr = [Block(b.id, b.kind, b.text.replace("\n", "\r")) for b in TEXT]
    assert text_sha256(crlf) == text_sha256(cr) == text_sha256(TEXT)


def test_kind_given_as_a_string_hashes_like_the_enum() -> None:
    as_str = [Block(b.id, b.kind.value, b.text) for b in TEXT]  # type: ignore[arg-type]
    assert text_sha256(as_str) == text_sha256(TEXT)


@pytest.mark.parametrize(
    "changed",
    [
        [Block("zzzzzzzz", TEXT[0].kind, TEXT[0].text), *TEXT[1:]],
        [Block(TEXT[0].id, BlockKind.HEADING, TEXT[0].text), *TEXT[1:]],
        [Block(TEXT[0].id, TEXT[0].kind, TEXT[0].text + " "), *TEXT[1:]],
        [Block(TEXT[0].id, TEXT[0].kind, "Cafe for all"), *TEXT[1:]],
        [TEXT[1], TEXT[0], TEXT[2]],
        TEXT[:2],
        [*TEXT, Block("dddddddd", BlockKind.PARAGRAPH, "")],
    ],
)
def test_hash_changes_with_any_id_kind_text_or_order(changed: list[Block]) -> None:
    assert text_sha256(changed) != text_sha256(TEXT)


def test_empty_text_has_a_hash() -> None:
    assert canonical_bytes([]) == b'{"blocks":[]}'
    assert text_sha256([]) == hashlib.sha256(b'{"blocks":[]}').hexdigest()


def test_normalize_blocks_stores_what_is_hashed() -> None:
    raw = [Block("abcdefgh", BlockKind.PARAGRAPH, "Cafe\u0301\r\nline")]
    normalized = normalize_blocks(raw)
    assert normalized == [Block("abcdefgh", BlockKind.PARAGRAPH, "Café\nline")]
    assert normalize_blocks(normalized) == normalized
    assert canonical_bytes(normalized) == canonical_bytes(raw)
    assert json.loads(canonical_bytes(raw))["blocks"][0]["text"] == normalized[0].text


def test_normalize_text() -> None:
    assert normalize_text("a\r\nb\rc\nd") == "a\nb\nc\nd"
    assert normalize_text("e\u0301") == "é"
    assert normalize_text("  keeps spaces  ") == "  keeps spaces  "


def test_control_characters_are_escaped_per_rfc_8785() -> None:
    blocks = [Block("abcdefgh", BlockKind.PARAGRAPH, 'tab\tquote"back\\slash\x01')]
    assert canonical_bytes(blocks) == (
        b'{"blocks":[{"id":"abcdefgh","kind":"paragraph",'
        b'"text":"tab\\tquote\\"back\\\\slash\\u0001"}]}'
    )


def test_an_unpaired_surrogate_is_refused_as_invalid_text() -> None:
    with pytest.raises(TextInvalid):
        text_sha256([Block("abcdefgh", BlockKind.PARAGRAPH, "bad \ud800 text")])
