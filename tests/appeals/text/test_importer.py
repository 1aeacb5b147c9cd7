"""Importing pasted letters: what becomes which block, and what is left out."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from app.appeals.text.blocks import BLOCK_ID, Block, BlockKind, TextInvalid, check_blocks
from app.appeals.text.importer import ImportResult, Skipped, import_text
from app.appeals.text.inline import check_inline

FIXTURE = "letter-forum-to-denmark-2023-03-16.txt"
# The shared directory is a sibling of the repository root.
FIXTURES = Path(__file__).resolve().parents[3].parent / "shared" / "fixtures"

K = BlockKind


def imported(source: str) -> ImportResult:
    result = import_text(source)
    check_blocks(result.blocks)
    for block in result.blocks:
        assert BLOCK_ID.match(block.id)
        check_inline(block.text)
    return result


def kinds(result: ImportResult) -> list[BlockKind]:
    return [b.kind for b in result.blocks]


def of_kind(result: ImportResult, kind: BlockKind) -> list[str]:
    return [b.text for b in result.blocks if b.kind is kind]


def skipped(result: ImportResult, kind: str) -> list[str]:
    return [s.text for s in result.skipped if s.kind == kind]


ENGLISH = """\
2 May 2024

The Right Honourable Example Person
Minister for Foreign Affairs of Exampleland

# Free the prisoners of conscience

**Dear Minister,**

We, twelve organizations of the exile community, write to you about the people held
for their views, among them *teachers*, **journalists** and union members.

> Nobody shall be subjected to arbitrary arrest, detention or exile.

Their families have no news of them for months; the lawyers who tried to visit were
themselves detained. See [the monitoring report](https://example.org/report?y=2024).

We therefore urge you to:

- Demand the release of every person detained for their views.
- Support the international investigation of torture in detention.

Thank you for your attention to these matters.

Yours faithfully,

Maria Example
Coordinator, Example Solidarity Network
1. Example Human Rights Group
2. Example Union of Journalists
"""


def test_an_english_markdown_letter() -> None:
    result = imported(ENGLISH)
    assert kinds(result) == [
        K.TITLE, K.SALUTATION, K.PARAGRAPH, K.QUOTE, K.PARAGRAPH, K.PARAGRAPH,
        K.ASK, K.ASK, K.PARAGRAPH, K.CLOSING,
    ]  # fmt: skip
    assert of_kind(result, K.TITLE) == ["Free the prisoners of conscience"]
    assert of_kind(result, K.SALUTATION) == ["Dear Minister,"]
    assert of_kind(result, K.CLOSING) == ["Yours faithfully,"]
    assert of_kind(result, K.ASK) == [
        "Demand the release of every person detained for their views.",
        "Support the international investigation of torture in detention.",
    ]
    paragraphs = of_kind(result, K.PARAGRAPH)
    assert paragraphs[0] == (
        "We, twelve organizations of the exile community, write to you about the people held "
        "for their views, among them *teachers*, **journalists** and union members."
    )
    assert paragraphs[1].endswith("[the monitoring report](https://example.org/report?y=2024).")
    assert paragraphs[2] == "We therefore urge you to:"
    assert paragraphs[3] == "Thank you for your attention to these matters."
    assert skipped(result, "date") == ["2 May 2024"]
    assert skipped(result, "addressee") == [
        "The Right Honourable Example Person",
        "Minister for Foreign Affairs of Exampleland",
    ]
    assert skipped(result, "signature") == [
        "Maria Example",
        "Coordinator, Example Solidarity Network",
        "1. Example Human Rights Group",
        "2. Example Union of Journalists",
    ]


def test_crlf_input_gives_the_same_text() -> None:
    lf, crlf = imported(ENGLISH), imported(ENGLISH.replace("\n", "\r\n"))
    assert [(b.kind, b.text) for b in crlf.blocks] == [(b.kind, b.text) for b in lf.blocks]
    assert crlf.skipped == lf.skipped


def test_ids_are_fresh_and_unique() -> None:
    first, second = imported(ENGLISH), imported(ENGLISH)
    assert len({b.id for b in first.blocks}) == len(first.blocks)
    assert not {b.id for b in first.blocks} & {b.id for b in second.blocks}


RUSSIAN = """\
Вильнюс, 5 апреля 2024 г.

Министру иностранных дел
Королевства Примерия
господину Н. Примерову

Уважаемый господин Министр!

Мы, объединение правозащитных организаций, обращаемся к Вам в связи с «делом
учителей»: восемь человек осуждены за слова, сказанные на уроках.

Их родственники не получают писем уже полгода. Адвокаты лишены доступа к
подзащитным.

Мы просим Вас:

1. Публично потребовать освобождения всех осуждённых по этому делу.
2) Добиться допуска независимых врачей
   в места лишения свободы.
3 . Поднять этот вопрос на ближайшей встрече министров.

Благодарим Вас за внимание.

С уважением,
Ольга Примерова, координатор
1. Правозащитный центр «Пример»
2. Инициатива «Свободное слово»
"""


def test_a_russian_letter() -> None:
    result = imported(RUSSIAN)
    assert kinds(result) == [
        K.SALUTATION, K.PARAGRAPH, K.PARAGRAPH, K.PARAGRAPH, K.ASK, K.ASK, K.ASK,
        K.PARAGRAPH, K.CLOSING,
    ]  # fmt: skip
    assert of_kind(result, K.SALUTATION) == ["Уважаемый господин Министр!"]
    assert of_kind(result, K.ASK) == [
        "Публично потребовать освобождения всех осуждённых по этому делу.",
        "Добиться допуска независимых врачей в места лишения свободы.",
        "Поднять этот вопрос на ближайшей встрече министров.",
    ]
    assert of_kind(result, K.PARAGRAPH)[0] == (
        "Мы, объединение правозащитных организаций, обращаемся к Вам в связи с «делом "
        "учителей»: восемь человек осуждены за слова, сказанные на уроках."
    )
    assert of_kind(result, K.CLOSING) == ["С уважением,"]
    assert skipped(result, "date") == ["Вильнюс, 5 апреля 2024 г."]
    assert len(skipped(result, "addressee")) == 3
    assert skipped(result, "signature") == [
        "Ольга Примерова, координатор",
        "1. Правозащитный центр «Пример»",
        "2. Инициатива «Свободное слово»",
    ]


BELARUSIAN = """\
12 сакавіка 2024 года

Паважаны спадар Міністр,

Мы, арганізацыі беларускай дыяспары, звяртаемся да Вас з просьбай
падтрымаць сем'і палітычных вязняў.

Мы заклікаем Вас:

1. Запатрабаваць вызвалення ўсіх палітычных вязняў.
2. Падтрымаць незалежны маніторынг умоў утрымання.

З павагай,

1. Грамадская ініцыятыва «Прыклад»
2. Аб'яднанне «Салідарнасць»
Ганна Прыкладава
"""


def test_a_belarusian_letter() -> None:
    result = imported(BELARUSIAN)
    assert kinds(result) == [K.SALUTATION, K.PARAGRAPH, K.PARAGRAPH, K.ASK, K.ASK, K.CLOSING]
    assert of_kind(result, K.SALUTATION) == ["Паважаны спадар Міністр,"]
    assert of_kind(result, K.ASK)[0] == "Запатрабаваць вызвалення ўсіх палітычных вязняў."
    assert of_kind(result, K.CLOSING) == ["З павагай,"]
    assert skipped(result, "date") == ["12 сакавіка 2024 года"]
    assert skipped(result, "signature") == [
        "1. Грамадская ініцыятыва «Прыклад»",
        "2. Аб'яднанне «Салідарнасць»",
        "Ганна Прыкладава",
    ]


def test_the_fixture_letter() -> None:
    path = FIXTURES / FIXTURE
    if not path.is_file():
        pytest.skip(f"fixture {path} is absent")
    result = imported(path.read_text(encoding="utf-8"))
    asks = of_kind(result, K.ASK)
    assert len(asks) == 3
    for ask, start in zip(
        asks, ["Issue an ultimatum", "Take immediate", "Include the release"], strict=True
    ):
        assert ask.startswith(start)
    assert of_kind(result, K.SALUTATION) == ["Dear Prime Minister and Minister,"]
    assert of_kind(result, K.CLOSING) == ["Sincerely,"]
    paragraphs = of_kind(result, K.PARAGRAPH)
    assert len(paragraphs) == 10
    cut = [p for p in paragraphs if "22,000" in p]
    assert len(cut) == 1
    assert "about 22,000 protesters were pardoned in Iran" in cut[0]
    assert paragraphs[7] == "We therefore urge you to:"
    assert paragraphs[-1] == "Thank you for your consideration."
    assert kinds(result)[0] is K.SALUTATION
    assert kinds(result)[-1] is K.CLOSING
    assert skipped(result, "date") == ["March 16, 2023"]
    addressees = skipped(result, "addressee")
    assert any("Mette Frederiksen" in a for a in addressees)
    assert any("Lars Løkke Rasmussen" in a for a in addressees)
    assert any("Valery Tsepkalo" in s for s in skipped(result, "signature"))
    assert not any("Valery Tsepkalo" in b.text for b in result.blocks)
    assert any("“Belarus Democratic Forum”" in p for p in paragraphs)


@pytest.mark.parametrize("source", ["", "   ", "\n\n\r\n\t\n", "\ufeff"])
def test_empty_input_is_refused(source: str) -> None:
    with pytest.raises(TextInvalid, match="empty"):
        import_text(source)


def test_input_with_nothing_but_a_date_and_signatures_is_refused() -> None:
    with pytest.raises(TextInvalid):
        import_text("16 March 2023\n\nSignatories:\n\n1. Org one\n2. Org two")


@pytest.mark.parametrize(
    "line",
    [
        "March 16, 2023",
        "Mar. 16, 2023",
        "16 March 2023",
        "16th of March, 2023",
        "2023-03-16",
        "16.03.2023",
        "16/03/2023",
        "Vilnius, 16 March 2023",
        "Thursday, March 16, 2023",
        "16 марта 2023 г.",
        "16 марта 2023 года",
        "Минск, 16.03.2023 г.",
        "16 сакавіка 2023 г.",
        "16 сакавіка 2023 года",
    ],
)
def test_a_date_at_the_top_is_skipped(line: str) -> None:
    result = imported(f"{line}\n\nWe write about the prisoners.")
    assert result.skipped == [Skipped("date", line)]
    assert of_kind(result, K.PARAGRAPH) == ["We write about the prisoners."]


@pytest.mark.parametrize(
    "line",
    ["March 2023 was a hard month.", "16 people 2023", "In 2023-03 nothing", "2023"],
)
def test_other_first_lines_are_not_dates(line: str) -> None:
    result = imported(f"{line}\n\nMore text.")
    assert result.skipped == []
    assert of_kind(result, K.PARAGRAPH)[0] == line


@pytest.mark.parametrize(
    ("line", "salutation"),
    [
        ("Dear Prime Minister,", "Dear Prime Minister,"),
        ("**Dear Prime Minister and Minister,**", "Dear Prime Minister and Minister,"),
        ("**Distinguished *delegates*,**", "Distinguished *delegates*,"),
        ("Your Excellency,", "Your Excellency,"),
        ("Dear Sir or Madam:", "Dear Sir or Madam:"),
        ("Уважаемые дамы и господа!", "Уважаемые дамы и господа!"),
        ("Уважаемый господин министр,", "Уважаемый господин министр,"),
        ("Шаноўны спадар Міністр!", "Шаноўны спадар Міністр!"),
        ("Паважаныя сябры,", "Паважаныя сябры,"),
    ],
)
def test_salutations(line: str, salutation: str) -> None:
    result = imported(f"The Minister\nThe Ministry\n\n{line}\n\nWe write to you.")
    assert result.blocks[0] == Block(result.blocks[0].id, K.SALUTATION, salutation)
    assert skipped(result, "addressee") == ["The Minister", "The Ministry"]


def test_a_salutation_directly_followed_by_text_is_split_from_it() -> None:
    result = imported("The Minister\nDear Minister,\nWe write to you.\n")
    assert kinds(result) == [K.SALUTATION, K.PARAGRAPH]
    assert skipped(result, "addressee") == ["The Minister"]


def test_a_bold_lead_in_is_not_a_salutation() -> None:
    result = imported("**We urge you to:**\n\n1. Act.")
    assert kinds(result) == [K.PARAGRAPH, K.ASK]
    assert result.skipped == []


def test_a_long_preamble_before_the_salutation_is_kept() -> None:
    preamble = "This open letter was prepared by " + "many organizations, " * 12 + "together."
    result = imported(f"The Minister\n\n{preamble}\n\nDear Minister,\n\nText.")
    assert kinds(result) == [K.PARAGRAPH, K.SALUTATION, K.PARAGRAPH]
    assert skipped(result, "addressee") == ["The Minister"]


def test_numbered_list_forms_and_multi_line_items() -> None:
    result = imported("Asks:\n\n1. First\ncontinued\n2) Second\n3 . Third\n   indented more")
    assert of_kind(result, K.ASK) == ["First continued", "Second", "Third indented more"]


def test_a_loose_numbered_list_is_one_list() -> None:
    result = imported("1. First\n\n2. Second\n\n3. Third\n\nAfter.")
    assert kinds(result) == [K.ASK, K.ASK, K.ASK, K.PARAGRAPH]


def test_a_numbered_line_inside_a_paragraph_is_wrapped_text() -> None:
    result = imported("The decree of\n12. March is void.")
    assert of_kind(result, K.PARAGRAPH) == ["The decree of 12. March is void."]


def test_a_list_nested_under_an_ask_stays_in_the_ask() -> None:
    result = imported("1. Release those held in:\n   - Minsk\n   - Hrodna\n2. Stop the trials.")
    assert of_kind(result, K.ASK) == [
        "Release those held in:\n- Minsk\n- Hrodna",
        "Stop the trials.",
    ]


def test_bullets_are_asks_only_after_a_lead_in() -> None:
    result = imported("We call on you to:\n\n* Act now.\n* Speak out.\n\nFacts\n\n- One\n- Two")
    assert kinds(result) == [K.PARAGRAPH, K.ASK, K.ASK, K.PARAGRAPH, K.PARAGRAPH, K.PARAGRAPH]
    assert of_kind(result, K.PARAGRAPH) == ["We call on you to:", "Facts", "One", "Two"]


def test_a_bullet_list_right_under_the_lead_in_line() -> None:
    result = imported("We call on you to:\n- Act now.\n- Speak out.")
    assert kinds(result) == [K.PARAGRAPH, K.ASK, K.ASK]


def test_headings_title_only_first() -> None:
    result = imported("# Title\n\nText.\n\n# Later\n\n## Section\n\n### Deeper #\n\n#NoSpace")
    assert [(b.kind, b.text) for b in result.blocks] == [
        (K.TITLE, "Title"),
        (K.PARAGRAPH, "Text."),
        (K.HEADING, "Later"),
        (K.HEADING, "Section"),
        (K.HEADING, "Deeper"),
        (K.PARAGRAPH, "#NoSpace"),
    ]


def test_quotes_keep_their_lines() -> None:
    result = imported("> First line\n> second line\n>\n> after gap\n\n> another quote")
    assert of_kind(result, K.QUOTE) == ["First line\nsecond line\n\nafter gap", "another quote"]


def test_hard_wraps_and_hard_breaks_join_with_a_space() -> None:
    result = imported("One line  \nand the next\nand a third.")
    assert of_kind(result, K.PARAGRAPH) == ["One line and the next and a third."]


def test_a_paragraph_cut_by_a_page_break_is_joined() -> None:
    result = imported("They were held for about\n\nthree months without charge.\n\nNext one.")
    assert of_kind(result, K.PARAGRAPH) == [
        "They were held for about three months without charge.",
        "Next one.",
    ]
    form_feed = imported("Их держали около\f\fтрёх месяцев.")
    assert of_kind(form_feed, K.PARAGRAPH) == ["Их держали около трёх месяцев."]


@pytest.mark.parametrize(
    "source",
    [
        "A full sentence.\n\nlower case start.",
        "No sentence end\n\nUpper case start.",
        "A lead-in:\n\nlower case start.",
        "«A quoted sentence.»\n\nlower case start.",
    ],
)
def test_separate_paragraphs_stay_separate(source: str) -> None:
    assert len(of_kind(imported(source), K.PARAGRAPH)) == 2


@pytest.mark.parametrize(
    "closing",
    [
        "Sincerely,",
        "Yours faithfully,",
        "Respectfully,",
        "**Kind regards,**",
        "In solidarity,",
        "С уважением,",
        "С глубоким уважением,",
        "З павагай,",
    ],
)
def test_closings_end_the_text_and_signatures_are_skipped(closing: str) -> None:
    result = imported(f"Dear all,\n\nWe ask you.\n\n1. Act.\n\n{closing}\nA. Person\n\n1. Org one")
    assert kinds(result)[-1] is K.CLOSING
    assert of_kind(result, K.ASK) == ["Act."]
    assert skipped(result, "signature") == ["A. Person", "1. Org one"]


def test_a_signatories_line_starts_the_signatures_without_a_closing() -> None:
    result = imported("Dear all,\n\nWe ask you.\n\nSignatories:\n\n1. Org one\n2. Org two")
    assert kinds(result) == [K.SALUTATION, K.PARAGRAPH]
    assert skipped(result, "signature") == ["Signatories:", "1. Org one", "2. Org two"]
    heading = imported("Text.\n\n## Падпісанты\n\n1. Арганізацыя")
    assert kinds(heading) == [K.PARAGRAPH]
    assert skipped(heading, "signature") == ["## Падпісанты", "1. Арганізацыя"]


def test_unsafe_links_become_their_label() -> None:
    result = imported(
        "See [this](javascript:alert(1)), [that](//evil.example) "
        "and [the report](https://example.org/r)."
    )
    assert of_kind(result, K.PARAGRAPH) == [
        "See this, that and [the report](https://example.org/r)."
    ]


def test_raw_html_smart_quotes_and_cyrillic_are_kept_as_written() -> None:
    source = "“Quoted” — ‘text’ <script>alert(1)</script> «Свабода» ёлка ў"
    assert of_kind(imported(source), K.PARAGRAPH) == [source]


def test_text_is_put_in_nfc() -> None:
    result = imported(unicodedata.normalize("NFD", "Café — й ў"))
    assert of_kind(result, K.PARAGRAPH) == ["Café — й ў"]


def test_control_characters_are_dropped_and_tabs_are_spaces() -> None:
    result = imported("Bell\x07 and\x00 null\tand tab")
    assert of_kind(result, K.PARAGRAPH) == ["Bell and null and tab"]


def test_limits_of_the_text_format_are_enforced() -> None:
    with pytest.raises(TextInvalid, match="blocks"):
        import_text("Paragraph.\n\n" * 2001)
    with pytest.raises(TextInvalid, match="characters"):
        import_text("x" * 20_001)
