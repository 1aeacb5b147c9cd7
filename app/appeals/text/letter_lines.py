"""What a single line of a letter is: a date, a salutation, a closing, a signatures header.

Pure: no I/O. Kept apart from the importer's structure rules because this is vocabulary,
in English, Russian and Belarusian, that coalitions will ask to extend ("we close with
'Жыве Беларусь!'"); adding a word here changes nothing else. Every test is on a whole
line, so a sentence that merely starts with "Sincerely" or "Dear" is never taken.
"""

from __future__ import annotations

import re

from app.appeals.text.inline import plain_text

SALUTATION_MAX_CHARS = 150


def _words(text: str) -> frozenset[str]:
    return frozenset(line.strip() for line in text.strip().splitlines() if line.strip())


# Lower-case starts of a salutation; the line must also end with ",", ":" or "!".
_SALUTATION_STARTS = tuple(
    _words("""
        dear
        to whom it may concern
        your excellenc
        excellenc
        honorable
        honourable
        mr president
        mr. president
        madam president
        уважаем
        дорог
        паважан
        шаноўн
        дарагі
    """)
)
# Whole lines, compared lower-case without markup or trailing ",.!:".
_CLOSINGS = _words("""
    sincerely
    sincerely yours
    yours sincerely
    yours faithfully
    faithfully yours
    yours truly
    truly yours
    respectfully
    respectfully yours
    yours respectfully
    regards
    best regards
    kind regards
    warm regards
    with regards
    with best regards
    with kind regards
    with respect
    with gratitude
    in solidarity
    with solidarity
    cordially
    с уважением
    с искренним уважением
    с глубоким уважением
    искренне ваш
    искренне ваша
    искренне ваши
    с наилучшими пожеланиями
    з павагай
    з глыбокай павагай
    з шчырай павагай
    шчыра ваш
    шчыра вашы
    з найлепшымі пажаданнямі
""")
_SIGNATURE_HEADERS = _words("""
    signatories
    signed
    signed by
    co-signed by
    list of signatories
    signatures
    подписанты
    подписали
    список подписантов
    падпісанты
    падпісалі
    спіс падпісантаў
""")
_MONTHS = _words(
    """
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    января февраля марта апреля мая июня июля августа сентября октября ноября декабря
    январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь
    студзеня лютага сакавіка красавіка чэрвеня ліпеня жніўня верасня кастрычніка
    лістапада снежня студзень люты сакавік красавік чэрвень ліпень жнівень верасень
    кастрычнік лістапад снежань
""".replace(" ", "\n")
)

# A place or weekday may come first: "Vilnius, 16 March 2023", "Thursday, March 16, 2023".
_DATE_PREFIX = r"^(?:[^\d\n]{1,80}?,\s*)?"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"\d{4}(?:\s*(?:г\.?|года|году))?\.?$"
_MONTH = r"([^\W\d_]+)\.?"
_DATES_WITH_MONTH = (
    re.compile(rf"{_DATE_PREFIX}{_MONTH}\s+{_DAY},?\s+{_YEAR}", re.IGNORECASE),
    re.compile(rf"{_DATE_PREFIX}{_DAY}(?:\s+of)?\s+{_MONTH},?\s+{_YEAR}", re.IGNORECASE),
)
_NUMERIC_DATE = re.compile(
    rf"{_DATE_PREFIX}(?:\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}[./]\d{{1,2}}[./]\d{{4}})"
    r"(?:\s*г\.?)?\.?$"
)


def unwrap_bold(line: str) -> tuple[str, bool]:
    """``line`` without ``**…**`` around all of it, and whether it had that."""
    if len(line) > 4 and line.startswith("**") and line.endswith("**"):
        inner = line[2:-2]
        if "**" not in inner and inner.strip() == inner:
            return inner, True
    return line, False


def _formula(line: str) -> str:
    return " ".join(plain_text(unwrap_bold(line)[0]).casefold().rstrip(",.!:").split())


def is_salutation(line: str) -> bool:
    """A known opening ending in ``,``, ``:`` or ``!``; or wholly bold and ending in ``,``
    (a bold line ending in ``:`` is a lead-in such as "**We urge you to:**")."""
    inner, bold = unwrap_bold(line)
    if len(inner) > SALUTATION_MAX_CHARS:
        return False
    if bold and inner.endswith(","):
        return True
    folded = plain_text(inner).casefold()
    return folded.endswith((",", ":", "!")) and folded.startswith(_SALUTATION_STARTS)


def is_closing(line: str) -> bool:
    return _formula(line) in _CLOSINGS


def is_signature_header(line: str) -> bool:
    return _formula(line) in _SIGNATURE_HEADERS


def is_date(line: str) -> bool:
    if _NUMERIC_DATE.match(line):
        return True
    for pattern in _DATES_WITH_MONTH:
        m = pattern.match(line)
        if m and m[1].casefold() in _MONTHS:
            return True
    return False
