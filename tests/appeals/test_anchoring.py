"""Comments anchored to passages: made on one revision, found again in later ones."""

from __future__ import annotations

import unicodedata

import pytest

from app.appeals.anchoring import CONTEXT_CHARS, Anchor, Located, locate, make_anchor
from app.appeals.text.blocks import Block, BlockKind

P = BlockKind.PARAGRAPH


def block(block_id: str, text: str, kind: BlockKind = P) -> Block:
    return Block(block_id, kind, text)


def anchor_on(b: Block, passage: str, occurrence: int = 0) -> Anchor:
    start = -1
    for _ in range(occurrence + 1):
        start = b.text.index(passage, start + 1)
    return make_anchor(b, start, start + len(passage))


def found_text(place: Located | None, blocks: list[Block]) -> str:
    assert place is not None
    (b,) = [b for b in blocks if b.id == place.block_id]
    return b.text[place.start : place.end]


INTRO = block("intro0001", "We, the undersigned organizations, call on the government.")
ASKS = block(
    "asks00001",
    "Release all political prisoners within 30 days. Repeal the law on foreign agents.",
)


# make_anchor


def test_make_anchor_keeps_the_quote_and_its_context() -> None:
    anchor = anchor_on(ASKS, "within 30 days")
    assert anchor == Anchor(
        block_id="asks00001",
        exact="within 30 days",
        prefix="Release all political prisoners ",
        suffix=". Repeal the law on foreign agen",
    )
    assert len(anchor.prefix) == len(anchor.suffix) == CONTEXT_CHARS


def test_make_anchor_context_stops_at_the_block_edges() -> None:
    anchor = make_anchor(INTRO, 0, 3)
    assert (anchor.exact, anchor.prefix) == ("We,", "")
    assert make_anchor(INTRO, len(INTRO.text) - 1, len(INTRO.text)).suffix == ""


@pytest.mark.parametrize(("start", "end"), [(5, 5), (6, 5), (-1, 3), (0, 10_000)])
def test_make_anchor_refuses_empty_or_outside_selections(start: int, end: int) -> None:
    with pytest.raises(ValueError, match="empty or outside"):
        make_anchor(INTRO, start, end)


def test_make_anchor_refuses_to_cut_a_letter_from_its_accent() -> None:
    b = block("accent001", "cafe\u0301 libre")  # "café" with a combining acute
    with pytest.raises(ValueError, match="accents"):
        make_anchor(b, 0, 4)
    assert make_anchor(b, 0, 5).exact == "café"  # NFC: precomposed


def test_anchor_refuses_an_empty_quote_or_long_context() -> None:
    with pytest.raises(ValueError):
        Anchor("asks00001", "")
    with pytest.raises(ValueError):
        Anchor("asks00001", "x", prefix="p" * (CONTEXT_CHARS + 1))


# locate


def test_unchanged_text_gives_the_same_span() -> None:
    anchor = anchor_on(ASKS, "within 30 days")
    start = ASKS.text.index("within 30 days")
    assert locate(anchor, [INTRO, ASKS]) == Located("asks00001", start, start + 14)


def test_an_edit_elsewhere_in_the_block_shifts_the_offsets() -> None:
    anchor = anchor_on(ASKS, "within 30 days")
    edited = block("asks00001", "Immediately release all detained activists within 30 days.")
    place = locate(anchor, [INTRO, edited])
    assert place is not None and place.start == edited.text.index("within 30 days")
    assert found_text(place, [INTRO, edited]) == "within 30 days"


def test_duplicate_phrases_are_told_apart_by_their_context() -> None:
    b = block("dup000001", "We say stop the raids; lawyers: stop the raids; all: stop the raids.")
    starts = [i for i in range(len(b.text)) if b.text.startswith("stop the raids", i)]
    anchors = [anchor_on(b, "stop the raids", occurrence=n) for n in range(3)]
    for anchor, start in zip(anchors, starts, strict=True):
        assert locate(anchor, [b]) == Located(b.id, start, start + 14)
    # Still told apart after an edit before them shifted every offset.
    edited = block(b.id, "Preface. " + b.text)
    for anchor, start in zip(anchors, starts, strict=True):
        assert locate(anchor, [edited]) == Located(b.id, start + 9, start + 23)


def test_the_best_context_wins_even_when_neither_agrees_in_full() -> None:
    b = block("dup000002", "one: ask A. two: ask A. three: ask A.")
    anchor = anchor_on(b, "ask A", occurrence=1)
    edited = block(b.id, "one: ask A. TWO: ask A. three: ask A. four: ask A.")
    place = locate(anchor, [edited])
    assert place is not None and place.start == edited.text.index("ask A", 12)


def test_a_passage_moved_to_another_block_is_found_there() -> None:
    anchor = anchor_on(ASKS, "Repeal the law on foreign agents.")
    moved = block("asks00002", "Repeal the law on foreign agents. Stop the raids.")
    place = locate(anchor, [INTRO, moved])
    assert place == Located("asks00002", 0, len("Repeal the law on foreign agents."))


def test_a_split_block_keeps_its_comment_in_the_new_half() -> None:
    anchor = anchor_on(ASKS, "Release all political prisoners")
    # The block was split: its id stays with the second half, the passage went to a new block.
    first = block("asks00002", "Release all political prisoners within 30 days.")
    second = block("asks00001", "Repeal the law on foreign agents.")
    assert locate(anchor, [INTRO, first, second]) == Located("asks00002", 0, 31)


def test_a_common_phrase_elsewhere_does_not_capture_the_comment() -> None:
    anchor = anchor_on(ASKS, "the law")
    # The passage is gone from its block; "the law" appears elsewhere with other context.
    edited = block("asks00001", "Release all political prisoners within 30 days.")
    other = block("other0001", "We ask that the law be reviewed by parliament.")
    assert locate(anchor, [INTRO, edited, other]) is None


def test_two_equally_good_places_in_other_blocks_are_ambiguous() -> None:
    anchor = anchor_on(ASKS, "Repeal the law on foreign agents.")
    copies = [
        block("copy00001", "Repeal the law on foreign agents."),
        block("copy00002", "Repeal the law on foreign agents."),
    ]
    assert locate(anchor, copies) is None
    assert locate(anchor, copies[:1]) == Located("copy00001", 0, 33)


def test_an_edited_passage_makes_the_comment_outdated() -> None:
    anchor = anchor_on(ASKS, "within 30 days")
    edited = block("asks00001", ASKS.text.replace("within 30 days", "within 90 days"))
    assert locate(anchor, [INTRO, edited]) is None


def test_a_removed_block_makes_the_comment_outdated() -> None:
    assert locate(anchor_on(ASKS, "within 30 days"), [INTRO]) is None
    assert locate(anchor_on(ASKS, "within 30 days"), []) is None


def test_inline_markup_is_part_of_the_matched_text() -> None:
    b = block("markup001", "Free **all** prisoners, see [report](https://example.org/r).")
    anchor = anchor_on(b, "**all** prisoners")
    assert found_text(locate(anchor, [b]), [b]) == "**all** prisoners"
    unmarked = block(b.id, "Free all prisoners, see [report](https://example.org/r).")
    assert locate(anchor, [unmarked]) is None


def test_cyrillic_text() -> None:
    b = block(
        "cyril0001",
        "Мы патрабуем вызваліць усіх палітвязняў. Мы патрабуем спыніць рэпрэсіі.",
    )
    anchor = anchor_on(b, "Мы патрабуем", occurrence=1)
    assert anchor.suffix.startswith(" спыніць")
    edited = block(b.id, "Звяртаемся да ўлад. " + b.text)
    place = locate(anchor, [edited])
    assert place is not None and place.start == edited.text.rindex("Мы патрабуем")
    assert found_text(place, [edited]) == "Мы патрабуем"
    russian = block(b.id, "Мы требуем освободить всех политзаключённых.")
    assert locate(anchor, [russian]) is None


def test_matching_is_nfc_normalized() -> None:
    composed = block("nfc000001", "Свабода для ўсіх, café ouvert.")
    decomposed_quote = unicodedata.normalize("NFD", "ўсіх, café")
    anchor = Anchor("nfc000001", decomposed_quote, prefix=unicodedata.normalize("NFD", "для "))
    assert found_text(locate(anchor, [composed]), [composed]) == "ўсіх, café"


def test_offsets_are_into_the_stored_text_even_when_it_is_not_nfc() -> None:
    stored = unicodedata.normalize("NFD", "Ёсць café і ўсё.")
    b = block("nfd000001", stored)
    place = locate(Anchor(b.id, "і ўсё"), [b])
    assert place is not None
    assert b.text[place.start : place.end] == unicodedata.normalize("NFD", "і ўсё")
    # A selection made on the stored text is found again at the same raw offsets.
    start = stored.index(unicodedata.normalize("NFD", "café"))
    anchor = make_anchor(b, start, start + len("cafe\u0301"))
    assert locate(anchor, [b]) == Located(b.id, start, start + 5)


def test_letters_that_compose_from_several_starters_are_never_split() -> None:
    # Hangul conjoining jamo (each a starter) compose into one syllable under NFC.
    b = block("hangul001", "\u1100\u1161\u11a8 x \u1100\u1161")  # 각 x 가, decomposed
    place = locate(Anchor(b.id, "각"), [b])
    assert place == Located(b.id, 0, 3)
    assert locate(Anchor(b.id, "가"), [b]) == Located(b.id, 6, 8)
