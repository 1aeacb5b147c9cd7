"""Suggestions applied to the text they were made on and to later, edited revisions."""

from __future__ import annotations

import pytest

from app.appeals.anchoring import make_anchor
from app.appeals.suggestions import (
    Insert,
    Remove,
    Replace,
    Suggestion,
    SuggestionOutdated,
    apply_suggestion,
    is_outdated,
)
from app.appeals.text.blocks import BLOCK_ID, Block, BlockKind, TextInvalid

K = BlockKind

TITLE = Block("title0001", K.TITLE, "Appeal on political prisoners")
INTRO = Block("intro0001", K.PARAGRAPH, "We, the undersigned organizations, call on you.")
ASK1 = Block("ask000001", K.ASK, "Release all political prisoners within 30 days.")
ASK2 = Block("ask000002", K.ASK, "Repeal the law on foreign agents within 30 days.")
TEXT = [TITLE, INTRO, ASK1, ASK2]


def replace(block: Block, passage: str, replacement: str, occurrence: int = 0) -> Replace:
    start = -1
    for _ in range(occurrence + 1):
        start = block.text.index(passage, start + 1)
    return Replace(block.id, make_anchor(block, start, start + len(passage)), replacement)


def with_block(text: list[Block], block: Block) -> list[Block]:
    return [block if b.id == block.id else b for b in text]


# Replace


def test_replace_on_the_text_it_was_made_on() -> None:
    result = apply_suggestion(TEXT, replace(ASK1, "30 days", "7 days"))
    assert result == with_block(TEXT, Block(ASK1.id, K.ASK, ASK1.text.replace("30", "7")))
    assert TEXT[2] is ASK1  # the input is left as it was


def test_replace_after_edits_elsewhere_in_the_block() -> None:
    suggestion = replace(ASK1, "within 30 days", "at once")
    edited = with_block(
        TEXT, Block(ASK1.id, K.ASK, "Free every political prisoner within 30 days.")
    )
    result = apply_suggestion(edited, suggestion)
    assert result[2] == Block(ASK1.id, K.ASK, "Free every political prisoner at once.")
    assert not is_outdated(edited, suggestion)


def test_replace_picks_the_quoted_one_of_repeated_phrases() -> None:
    block = Block("ask000003", K.ASK, "First stop the raids, then the arrests; stop the raids now.")
    first = replace(block, "stop the raids", "end the raids", occurrence=0)
    second = replace(block, "stop the raids", "end the raids", occurrence=1)
    edited = [Block(block.id, K.ASK, "We ask: " + block.text)]
    assert apply_suggestion(edited, first)[0].text == (
        "We ask: First end the raids, then the arrests; stop the raids now."
    )
    assert apply_suggestion(edited, second)[0].text == (
        "We ask: First stop the raids, then the arrests; end the raids now."
    )


def test_an_empty_replacement_deletes_the_passage() -> None:
    result = apply_suggestion(TEXT, replace(INTRO, ", the undersigned organizations,", ""))
    assert result[1].text == "We call on you."


def test_replace_of_an_edited_passage_is_outdated() -> None:
    suggestion = replace(ASK1, "30 days", "7 days")
    edited = with_block(TEXT, Block(ASK1.id, K.ASK, ASK1.text.replace("30", "60")))
    assert is_outdated(edited, suggestion)
    with pytest.raises(SuggestionOutdated) as outdated:
        apply_suggestion(edited, suggestion)
    assert outdated.value.suggestion is suggestion
    assert "changed" in str(outdated.value)


def test_replace_in_a_removed_block_is_outdated() -> None:
    suggestion = replace(ASK1, "30 days", "7 days")
    text = [TITLE, INTRO, ASK2]
    assert is_outdated(text, suggestion)
    with pytest.raises(SuggestionOutdated, match="no longer in the text"):
        apply_suggestion(text, suggestion)


def test_replace_does_not_follow_a_passage_to_another_block() -> None:
    # A comment would follow it (anchoring.locate); a replacement stays in its block.
    suggestion = replace(ASK1, "Release all political prisoners", "Free everyone")
    moved = [
        TITLE,
        Block(ASK1.id, K.ASK, "Within 30 days."),
        Block("ask000009", K.ASK, "Release all political prisoners"),
    ]
    assert is_outdated(moved, suggestion)
    with pytest.raises(SuggestionOutdated):
        apply_suggestion(moved, suggestion)


def test_replace_in_cyrillic() -> None:
    block = Block("ask000004", K.ASK, "Спыніць рэпрэсіі супраць журналістаў.")
    suggestion = replace(block, "журналістаў", "журналістаў і праваабаронцаў")
    edited = Block(block.id, K.ASK, "Неадкладна спыніць рэпрэсіі супраць журналістаў.")
    result = apply_suggestion([edited], suggestion)
    assert result[0].text == "Неадкладна спыніць рэпрэсіі супраць журналістаў і праваабаронцаў."


def test_a_replacement_anchor_is_on_its_own_block() -> None:
    anchor = make_anchor(ASK1, 0, 7)
    with pytest.raises(ValueError):
        Replace(ASK2.id, anchor, "Free")


# Insert


def test_insert_after_a_block_gets_a_fresh_id() -> None:
    suggestion = Insert(ASK1.id, K.ASK, "Allow independent monitors into prisons.")
    result = apply_suggestion(TEXT, suggestion)
    assert [b.id for b in result[:3]] == [TITLE.id, INTRO.id, ASK1.id]
    assert result[4] == ASK2
    new = result[3]
    assert (new.kind, new.text) == (K.ASK, "Allow independent monitors into prisons.")
    assert BLOCK_ID.match(new.id) and new.id not in {b.id for b in TEXT}
    assert not is_outdated(TEXT, suggestion)


def test_insert_at_the_start() -> None:
    result = apply_suggestion(TEXT[1:], Insert(None, K.TITLE, "A new title"))
    assert (result[0].kind, result[0].text) == (K.TITLE, "A new title")
    assert result[1:] == TEXT[1:]
    assert not is_outdated([], Insert(None, K.PARAGRAPH, "x"))


def test_insert_after_a_removed_block_is_outdated() -> None:
    suggestion = Insert("gone00001", K.PARAGRAPH, "More.")
    assert is_outdated(TEXT, suggestion)
    with pytest.raises(SuggestionOutdated, match="gone00001"):
        apply_suggestion(TEXT, suggestion)


def test_insert_of_a_second_title_is_an_invalid_text() -> None:
    suggestion = Insert(None, K.TITLE, "Another title")
    assert not is_outdated(TEXT, suggestion)
    with pytest.raises(TextInvalid, match="title"):
        apply_suggestion(TEXT, suggestion)


# Remove


def test_remove_a_block() -> None:
    suggestion = Remove(ASK1.id)
    assert apply_suggestion(TEXT, suggestion) == [TITLE, INTRO, ASK2]
    assert not is_outdated(TEXT, suggestion)
    assert apply_suggestion([ASK1], suggestion) == []


def test_remove_of_a_removed_block_is_outdated() -> None:
    suggestion = Remove(ASK1.id)
    text = [TITLE, INTRO, ASK2]
    assert is_outdated(text, suggestion)
    with pytest.raises(SuggestionOutdated):
        apply_suggestion(text, suggestion)


@pytest.mark.parametrize(
    "suggestion",
    [
        replace(ASK2, "foreign agents", "“foreign agents”"),
        Insert(INTRO.id, K.QUOTE, "“No one is free when others are oppressed.”"),
        Remove(INTRO.id),
    ],
    ids=["replace", "insert", "remove"],
)
def test_only_the_target_changes(suggestion: Suggestion) -> None:
    result = apply_suggestion(TEXT, suggestion)
    untouched = {b.id for b in TEXT} - {getattr(suggestion, "block_id", "")}
    assert [b for b in result if b.id in untouched] == [b for b in TEXT if b.id in untouched]
