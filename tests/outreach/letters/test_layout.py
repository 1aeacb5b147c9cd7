"""The letter's structure and its own words, without a database (layout.py, text.py)."""

from __future__ import annotations

from datetime import date

import pytest

from app.appeals.text.blocks import Block, BlockKind
from app.outreach.letters.layout import (
    Recipient,
    Signatories,
    Signer,
    build_letter,
    format_date,
    withheld_sentence,
)
from app.outreach.letters.text import letter_text


def blocks() -> list[Block]:
    return [
        Block("title0001", BlockKind.TITLE, "A title"),
        Block("salut0001", BlockKind.SALUTATION, "Dear Minister,"),
        Block("parag0001", BlockKind.PARAGRAPH, "We write."),
        Block("asksa0001", BlockKind.ASK, "First."),
        Block("heada0001", BlockKind.HEADING, "Then"),
        Block("asksa0002", BlockKind.ASK, "Second,\non two lines."),
        Block("close0001", BlockKind.CLOSING, "Sincerely,"),
    ]


def letter(**overrides):  # type: ignore[no-untyped-def]
    arguments = {
        "language": "en",
        "recipient": Recipient("The Minister\nThe Ministry", None, "en"),
        "signatories": Signatories(
            organizations=[Signer("Viasna", "human rights centre")],
            individuals=[Signer("Ales Bialiatski")],
            withheld_organizations=1,
            withheld_people=5,
            closing_phrase="as well as other participants of the Forum",
        ),
        "day": date(2023, 3, 16),
        "sha256": "a" * 64,
        "verify_url": "https://accord.example/sign/x",
    }
    return build_letter(blocks(), **(arguments | overrides))


def test_asks_are_numbered_through_the_whole_text() -> None:
    made = letter()
    assert [(p.kind, p.number) for p in made.body] == [
        ("paragraph", None),
        ("ask", 1),
        ("heading", None),
        ("ask", 2),
    ]
    text = letter_text(made)
    assert "1. First.\n\nThen\n\n2. Second,\n   on two lines." in text


def test_the_plain_text_reads_as_a_letter() -> None:
    assert letter_text(letter()) == (
        "March 16, 2023\n\nThe Minister\nThe Ministry\n\nDear Minister,\n\nA title\n\n"
        "We write.\n\n1. First.\n\nThen\n\n2. Second,\n   on two lines.\n\nSincerely,\n\n"
        "Organizations:\nViasna, human rights centre\n\nIndividuals:\nAles Bialiatski\n\n"
        "and 1 organization and 5 people whose names are withheld for their safety\n\n"
        "as well as other participants of the Forum\n\n"
        f"-- \nSHA-256 of the text: {'a' * 64}\nVerify: https://accord.example/sign/x\n"
    )


def test_the_recipients_salutation_replaces_the_texts() -> None:
    made = letter(recipient=Recipient("X", "Your Excellency,", "en"))
    assert letter_text(made).count("Your Excellency,") == 1
    assert "Dear Minister," not in letter_text(made)


@pytest.mark.parametrize(
    ("day", "language", "expected"),
    [
        (date(2023, 3, 16), "en", "March 16, 2023"),
        (date(2023, 3, 16), "ru", "16 марта 2023 г."),
        (date(2023, 3, 16), "be-BY", "16 сакавіка 2023 г."),
        (date(2023, 12, 1), "de", "December 1, 2023"),
    ],
)
def test_dates_in_the_letters_language(day: date, language: str, expected: str) -> None:
    assert format_date(day, language) == expected


@pytest.mark.parametrize(
    ("organizations", "people", "language", "expected"),
    [
        (0, 0, "en", None),
        (1, 1, "en", "and 1 organization and 1 person whose names are withheld for their safety"),
        (0, 12, "en", "and 12 people whose names are withheld for their safety"),
        (
            3,
            21,
            "ru",
            "а также 3 организации и 21 человек, чьи имена не раскрываются ради их безопасности",
        ),
        (5, 0, "ru", "а также 5 организаций, чьи имена не раскрываются ради их безопасности"),
        (
            1,
            2,
            "be",
            "а таксама 1 арганізацыя і 2 чалавекі, чые імёны не раскрываюцца дзеля іх бяспекі",
        ),
        (
            11,
            14,
            "be",
            "а таксама 11 арганізацый і 14 чалавек, чые імёны не раскрываюцца дзеля іх бяспекі",
        ),
    ],
)
def test_the_withheld_sentence(organizations: int, people: int, language: str, expected) -> None:  # type: ignore[no-untyped-def]
    assert withheld_sentence(organizations, people, language, after_names=True) == expected


def test_without_printed_names_the_withheld_sentence_stands_alone() -> None:
    made = letter(signatories=Signatories(withheld_people=2))
    assert made.withheld == "2 people whose names are withheld for their safety"
    assert "Organizations:" not in letter_text(made)
