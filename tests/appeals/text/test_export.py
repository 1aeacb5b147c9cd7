"""Markdown export, and the round trip through the importer."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.appeals.text.blocks import Block, BlockKind, new_block_id
from app.appeals.text.export import export_markdown
from app.appeals.text.importer import import_text

K = BlockKind
FIXTURE = (
    Path(__file__).resolve().parents[3].parent
    / "shared"
    / "fixtures"
    / ("letter-forum-to-denmark-2023-03-16.txt")
)


def blocks(*pairs: tuple[BlockKind, str]) -> list[Block]:
    return [Block(new_block_id(), kind, text) for kind, text in pairs]


def round_trip(text: list[Block]) -> list[tuple[BlockKind, str]]:
    return [(b.kind, b.text) for b in import_text(export_markdown(text)).blocks]


LETTER = blocks(
    (K.TITLE, "Release the *journalists* now"),
    (K.SALUTATION, "Dear Ministers,"),
    (K.PARAGRAPH, "We write on behalf of **forty** organizations."),
    (K.QUOTE, "Everyone has the right to freedom of opinion\nand expression."),
    (K.HEADING, "Our requests"),
    (K.PARAGRAPH, "We call on you to:"),
    (K.ASK, "Demand their release, see [the list](https://example.org/list)."),
    (K.ASK, "Fund legal aid."),
    (K.PARAGRAPH, "And beyond that:"),
    (K.ASK, "Keep the border open for those who flee."),
    (K.PARAGRAPH, "Thank you."),
    (K.CLOSING, "Respectfully,"),
)


def test_export_shape() -> None:
    assert export_markdown(LETTER) == (
        "# Release the *journalists* now\n"
        "\n"
        "Dear Ministers,\n"
        "\n"
        "We write on behalf of **forty** organizations.\n"
        "\n"
        "> Everyone has the right to freedom of opinion\n"
        "> and expression.\n"
        "\n"
        "## Our requests\n"
        "\n"
        "We call on you to:\n"
        "\n"
        "1. Demand their release, see [the list](https://example.org/list).\n"
        "2. Fund legal aid.\n"
        "\n"
        "And beyond that:\n"
        "\n"
        "3. Keep the border open for those who flee.\n"
        "\n"
        "Thank you.\n"
        "\n"
        "Respectfully,\n"
    )


def test_empty_text_exports_to_nothing() -> None:
    assert export_markdown([]) == ""


def test_quote_keeps_empty_lines_and_other_blocks_are_one_line_headings() -> None:
    text = blocks((K.TITLE, "Two\nlines"), (K.QUOTE, "first\n\nthird"))
    assert export_markdown(text) == "# Two lines\n\n> first\n>\n> third\n"


def test_line_breaks_inside_a_paragraph_or_ask_are_hard_breaks() -> None:
    text = blocks((K.PARAGRAPH, "one\ntwo"), (K.ASK, "Release:\n- Minsk\n- Hrodna"))
    assert export_markdown(text) == "one  \ntwo\n\n1. Release:  \n   - Minsk  \n   - Hrodna\n"


def test_round_trip_keeps_kinds_and_texts() -> None:
    assert round_trip(LETTER) == [(b.kind, b.text) for b in LETTER]


def test_round_trip_of_a_nested_list_in_an_ask() -> None:
    text = blocks((K.ASK, "Release those held in:\n- Minsk\n- Hrodna"), (K.ASK, "Act."))
    assert round_trip(text) == [(b.kind, b.text) for b in text]


def test_round_trip_in_russian_and_belarusian() -> None:
    text = blocks(
        (K.SALUTATION, "Уважаемый господин Министр!"),
        (K.PARAGRAPH, "Мы обращаемся к Вам с «просьбой»:"),
        (K.ASK, "Освободить всех."),
        (K.ASK, "Вызваліць усіх палітвязняў."),
        (K.CLOSING, "З павагай,"),
    )
    assert round_trip(text) == [(b.kind, b.text) for b in text]


def test_round_trip_of_the_fixture_letter() -> None:
    if not FIXTURE.is_file():
        pytest.skip(f"fixture {FIXTURE} is absent")
    first = import_text(FIXTURE.read_text(encoding="utf-8")).blocks
    assert round_trip(first) == [(b.kind, b.text) for b in first]
