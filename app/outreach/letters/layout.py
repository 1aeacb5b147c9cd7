"""A letter to one recipient, as a structure: what the PDF, the plain text and the preview
all print, decided once.

Pure: no I/O. The inputs are the frozen revision's blocks (or an approved translation's),
the recipient's addressee lines and salutation, the printed signatories and the counts of
those whose names are withheld. The few words the letter adds itself (the date, the withheld
sentence, the footer) come in the letter's language: English, Belarusian and Russian, and
English for any other.

* The salutation is the recipient's when the registry has one, else the text's.
* Asks are numbered 1..n through the whole text (as export.py numbers them: "demand 4" must
  mean the same thing in every copy of the letter).
* The text's own inline markup (emphasis, strong, links) is kept as spans; nothing in a
  span is ever code for a renderer (typeset.py passes spans as data, never as markup).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from app.appeals.text.blocks import Block, BlockKind
from app.appeals.text.inline import Span, SpanKind, parse_inline

LANGUAGES = ("en", "be", "ru")

_MONTHS = {
    "en": (
        "January February March April May June July August September October November December"
    ).split(),
    "ru": (
        "января февраля марта апреля мая июня июля августа сентября октября ноября декабря"
    ).split(),
    "be": (
        "студзеня лютага сакавіка красавіка мая чэрвеня ліпеня жніўня верасня кастрычніка "
        "лістапада снежня"
    ).split(),
}
# one, few, many (Slavic plural forms); English uses one and many.
_ORGANIZATIONS = {
    "en": ("organization", "organizations", "organizations"),
    "ru": ("организация", "организации", "организаций"),
    "be": ("арганізацыя", "арганізацыі", "арганізацый"),
}
_PEOPLE = {
    "en": ("person", "people", "people"),
    "ru": ("человек", "человека", "человек"),
    "be": ("чалавек", "чалавекі", "чалавек"),
}
_WORDS = {
    "en": {
        "and_also": "and",
        "join": "and",
        "withheld": "whose names are withheld for their safety",
        "sha": "SHA-256 of the text",
        "verify": "Verify",
        "organizations": "Organizations",
        "individuals": "Individuals",
    },
    "ru": {
        "and_also": "а также",
        "join": "и",
        "withheld": "чьи имена не раскрываются ради их безопасности",
        "sha": "SHA-256 текста",
        "verify": "Проверка",
        "organizations": "Организации",
        "individuals": "Частные лица",
    },
    "be": {
        "and_also": "а таксама",
        "join": "і",
        "withheld": "чые імёны не раскрываюцца дзеля іх бяспекі",
        "sha": "SHA-256 тэксту",
        "verify": "Праверка",
        "organizations": "Арганізацыі",
        "individuals": "Прыватныя асобы",
    },
}


def letter_language(tag: str) -> str:
    """The language of the letter's own words for a BCP 47 tag: en, be or ru (else en)."""
    primary = tag.split("-", 1)[0].strip().lower()
    return primary if primary in LANGUAGES else "en"


def format_date(day: date, language: str) -> str:
    lang = letter_language(language)
    month = _MONTHS[lang][day.month - 1]
    if lang == "en":
        return f"{month} {day.day}, {day.year}"
    return f"{day.day} {month} {day.year} г."


def _plural(count: int, forms: tuple[str, str, str], lang: str) -> str:
    if lang == "en":
        return forms[0] if count == 1 else forms[2]
    if count % 10 == 1 and count % 100 != 11:
        return forms[0]
    if 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
        return forms[1]
    return forms[2]


def withheld_sentence(
    organizations: int, people: int, language: str, *, after_names: bool
) -> str | None:
    """ "and 3 organizations and 12 people whose names are withheld for their safety", in
    the letter's language; None when nobody is withheld. ``after_names``: whether printed
    names come before it (otherwise it starts the list and has no leading "and")."""
    if organizations <= 0 and people <= 0:
        return None
    lang = letter_language(language)
    words = _WORDS[lang]
    parts = []
    if organizations > 0:
        parts.append(f"{organizations} {_plural(organizations, _ORGANIZATIONS[lang], lang)}")
    if people > 0:
        parts.append(f"{people} {_plural(people, _PEOPLE[lang], lang)}")
    counted = f" {words['join']} ".join(parts)
    comma = "," if lang != "en" else ""
    sentence = f"{counted}{comma} {words['withheld']}"
    if after_names:
        return f"{words['and_also']} {sentence}"
    return sentence[:1].upper() + sentence[1:]


@dataclass(frozen=True, slots=True)
class Signer:
    name: str
    line: str | None = None


@dataclass(frozen=True, slots=True)
class Recipient:
    addressee: str
    salutation: str | None
    language: str


@dataclass(frozen=True, slots=True)
class Signatories:
    organizations: Sequence[Signer] = ()
    individuals: Sequence[Signer] = ()
    withheld_organizations: int = 0
    withheld_people: int = 0
    closing_phrase: str | None = None


@dataclass(frozen=True, slots=True)
class Part:
    """One block of the body: ``kind`` heading, paragraph, ask or quote; ``lines`` are the
    block's lines, each a list of spans; ``number`` is an ask's."""

    kind: str
    block_id: str
    lines: list[list[Span]]
    number: int | None = None


@dataclass(frozen=True, slots=True)
class Letter:
    language: str  # the text's language tag (the recipient's, or the source's)
    words_language: str  # en, be or ru: the letter's own words
    date_line: str
    addressee: list[str]
    salutation: list[list[Span]]
    title: list[list[Span]]
    body: list[Part]
    closing: list[list[Span]]
    organizations: list[Signer]
    individuals: list[Signer]
    withheld: str | None
    closing_phrase: str | None
    sha256: str
    verify_url: str
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def title_text(self) -> str:
        return " ".join("".join(s.text for s in line) for line in self.title).strip()


def _lines(text: str) -> list[list[Span]]:
    return [parse_inline(line.strip()) for line in text.strip().split("\n") if line.strip()]


def _plain_lines(text: str) -> list[list[Span]]:
    return [[Span(SpanKind.TEXT, line.strip())] for line in text.split("\n") if line.strip()]


def build_letter(
    blocks: Sequence[Block],
    *,
    language: str,
    recipient: Recipient,
    signatories: Signatories,
    day: date,
    sha256: str,
    verify_url: str,
) -> Letter:
    """The letter of ``blocks`` (a frozen text, in ``language``) to ``recipient``."""
    words = letter_language(language)
    title: list[list[Span]] = []
    salutation: list[list[Span]] = []
    closing: list[list[Span]] = []
    body: list[Part] = []
    number = 0
    for block in blocks:
        kind = BlockKind(block.kind)
        if kind is BlockKind.TITLE:
            title = _lines(block.text)
        elif kind is BlockKind.SALUTATION:
            salutation = _lines(block.text)
        elif kind is BlockKind.CLOSING:
            closing = _lines(block.text)
        elif kind is BlockKind.ASK:
            number += 1
            body.append(Part("ask", block.id, _lines(block.text), number))
        else:
            body.append(Part(kind.value, block.id, _lines(block.text)))
    if recipient.salutation and recipient.salutation.strip():
        salutation = _plain_lines(recipient.salutation)
    organizations = [s for s in signatories.organizations if s.name.strip()]
    individuals = [s for s in signatories.individuals if s.name.strip()]
    closing_phrase = (signatories.closing_phrase or "").strip() or None
    return Letter(
        language=language,
        words_language=words,
        date_line=format_date(day, words),
        addressee=[line.rstrip() for line in recipient.addressee.strip().split("\n")],
        salutation=salutation,
        title=title,
        body=body,
        closing=closing,
        organizations=organizations,
        individuals=individuals,
        withheld=withheld_sentence(
            signatories.withheld_organizations,
            signatories.withheld_people,
            words,
            after_names=bool(organizations or individuals),
        ),
        closing_phrase=closing_phrase,
        sha256=sha256,
        verify_url=verify_url,
        labels={
            key: _WORDS[words][key] for key in ("sha", "verify", "organizations", "individuals")
        },
    )


def line_text(line: Sequence[Span]) -> str:
    """A line as plain text; a link shows its address after its label."""
    out: list[str] = []
    for span in line:
        if span.kind is SpanKind.LINK and span.href and span.href != span.text:
            out.append(f"{span.text} ({span.href})")
        else:
            out.append(span.text)
    return "".join(out)


def signer_text(signer: Signer) -> str:
    return f"{signer.name}, {signer.line}" if signer.line else signer.name


__all__ = [
    "Letter",
    "Part",
    "Recipient",
    "Signatories",
    "Signer",
    "build_letter",
    "format_date",
    "line_text",
    "signer_text",
    "withheld_sentence",
]
