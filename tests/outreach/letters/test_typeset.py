"""The PDF as a reader sees it: rendered to an image by poppler, its text extracted; and
user text in every field is printed, never run as typst code."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest

from app.appeals.text.blocks import Block, BlockKind
from app.appeals.text.importer import import_text
from app.outreach.letters.layout import Recipient, Signatories, Signer, build_letter
from app.outreach.letters.typeset import FONTS, letter_pdf
from tests.support.pdf import pdf_text

# poppler-utils: `make test` installs them (scripts/ensure-poppler.sh); without them these
# tests fail rather than pass unseen.

# Every character typst markup gives a meaning to, and a payload that would read a file.
HOSTILE = (
    '#read("/etc/passwd") #let x = 1 $a + b$ [c] \\ *d* _e_ @f <g> `h` ~ -- "q" '
    '#import "x.typ" // not a comment /* nor this */ = no heading'
)
FIXTURE = (
    Path(__file__).resolve().parents[4] / "shared/fixtures/letter-forum-to-denmark-2023-03-16.txt"
)


def hostile_letter():  # type: ignore[no-untyped-def]
    return build_letter(
        [
            Block("title0001", BlockKind.TITLE, "T " + HOSTILE),
            Block("parag0001", BlockKind.PARAGRAPH, "P " + HOSTILE),
            Block("asksa0001", BlockKind.ASK, "A " + HOSTILE),
            Block("quote0001", BlockKind.QUOTE, "Q " + HOSTILE),
            Block("close0001", BlockKind.CLOSING, "C " + HOSTILE),
        ],
        language="en",
        recipient=Recipient("R " + HOSTILE, "S " + HOSTILE, "en"),
        signatories=Signatories(
            organizations=[Signer("O " + HOSTILE, "L " + HOSTILE)],
            individuals=[Signer("I " + HOSTILE)],
            closing_phrase="E " + HOSTILE,
        ),
        day=date(2026, 1, 2),
        sha256="b" * 64,
        verify_url="https://accord.example/sign/x",
    )


def test_user_text_is_printed_not_run(tmp_path: Path) -> None:
    # Compared without whitespace and hyphens: a line may wrap anywhere ("/etc/ passwd"),
    # and pdftotext joins a line ending in "-" with the next without it.
    text = "".join(pdf_text(letter_pdf(hostile_letter()), tmp_path).split()).replace("-", "")
    hostile = "".join(HOSTILE.split()).replace("-", "")
    # Names, lines, addressee, salutation and the closing phrase are printed exactly.
    for marker in ("R", "S", "O", "L", "I", "E"):
        assert f"{marker}{hostile}" in text, marker
    # The text's blocks have inline markup of their own: *d* is printed in italics as d.
    in_blocks = hostile.replace("*d*", "d")
    for marker in ("T", "P", "A", "Q", "C"):
        assert f"{marker}{in_blocks}" in text, marker
    assert "root:" not in text


def test_only_the_shipped_fonts_are_embedded(tmp_path: Path) -> None:
    path = tmp_path / "letter.pdf"
    path.write_bytes(letter_pdf(hostile_letter()))
    fonts = subprocess.run(
        ["pdffonts", str(path)], check=True, capture_output=True, text=True
    ).stdout
    names = [line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:]]
    assert names and all(name.startswith("DejaVuSerif") for name in names)
    assert sorted(p.name for p in FONTS.glob("*.ttf")) == [
        "DejaVuSerif-Bold.ttf",
        "DejaVuSerif-BoldItalic.ttf",
        "DejaVuSerif-Italic.ttf",
        "DejaVuSerif.ttf",
    ]
    assert (FONTS / "LICENSE").read_text().count("Bitstream") > 0


def cyrillic_letter():  # type: ignore[no-untyped-def]
    return build_letter(
        [
            Block("title0001", BlockKind.TITLE, "Свабоду палітвязням"),
            Block("salut0001", BlockKind.SALUTATION, "Шаноўны спадар міністр!"),
            Block(
                "parag0001",
                BlockKind.PARAGRAPH,
                "Мы, аб'яднанні грамадзянскай супольнасці, пішам вам.",
            ),
            Block("asksa0001", BlockKind.ASK, "Вызваліць усіх палітвязняў."),
            Block("asksa0002", BlockKind.ASK, "Адкрыць гуманітарныя калідоры."),
            Block("close0001", BlockKind.CLOSING, "З павагай,"),
        ],
        language="be",
        recipient=Recipient("Спадару Міністру\nМіністэрства замежных спраў", None, "be"),
        signatories=Signatories(
            organizations=[Signer("Праваабарончы цэнтр «Вясна»", "Вільня")],
            individuals=[Signer("Łucja Żółkiewska", "dziennikarka"), Signer("Алесь Бяляцкі")],
            withheld_organizations=2,
            withheld_people=7,
        ),
        day=date(2026, 11, 30),
        sha256="c" * 64,
        verify_url="https://accord.example/sign/x",
    )


def test_cyrillic_and_latin_names_survive_and_the_page_renders(tmp_path: Path) -> None:
    pdf = letter_pdf(cyrillic_letter())
    text = pdf_text(pdf, tmp_path)
    for expected in (
        "30 лістапада 2026 г.",
        "Спадару Міністру",
        "Праваабарончы цэнтр «Вясна»",
        "Łucja Żółkiewska",
        "Алесь Бяляцкі",
        "c" * 64,
    ):
        assert expected in text, expected
    flat = " ".join(text.split())
    assert "1. Вызваліць усіх палітвязняў. 2. Адкрыць гуманітарныя калідоры." in flat
    assert "а таксама 2 арганізацыі і 7 чалавек, чые імёны не раскрываюцца" in flat
    # Rendered, the page is an A4 page with ink on it (the PNG a person looked at).
    (tmp_path / "letter.pdf").write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "40",
            "-png",
            "-singlefile",
            str(tmp_path / "letter.pdf"),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    png = (tmp_path / "page.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 5000


@pytest.mark.skipif(not FIXTURE.exists(), reason="the real fixture letter lives in ../shared")
def test_the_fixture_letter_imports_and_prints(tmp_path: Path) -> None:
    imported = import_text(FIXTURE.read_text())
    made = build_letter(
        imported.blocks,
        language="en",
        recipient=Recipient(
            "The Honorable Mette Frederiksen\nPrime Minister of Denmark", None, "en"
        ),
        signatories=Signatories(
            individuals=[Signer("Valery Tsepkalo", "First Deputy Minister of Foreign Affairs")],
            withheld_people=40,
            closing_phrase="as well as other participants of the Belarus Democratic Forum",
        ),
        day=date(2023, 3, 16),
        sha256="d" * 64,
        verify_url="https://accord.example/sign/x",
    )
    flat = " ".join(pdf_text(letter_pdf(made), tmp_path).split())
    assert "March 16, 2023" in flat
    assert "The Honorable Mette Frederiksen Prime Minister of Denmark" in flat
    assert "1. Issue an ultimatum" in flat and "3. Include the release" in flat
    assert "and 40 people whose names are withheld for their safety" in flat
    assert "as well as other participants of the Belarus Democratic Forum" in flat
