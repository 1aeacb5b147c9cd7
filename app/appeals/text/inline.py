"""The inline markup of a block's text: ``*emphasis*``, ``**strong**``, ``[label](url)``.

Pure: no I/O. Why so small a subset: an appeal is a letter, and its text travels (export,
translation, print, e-mail to a ministry). Every extra construct is one more place where
two renderers disagree, or where a link can carry a script. Nothing here produces HTML:
:func:`parse_inline` returns flat spans that the browser turns into DOM nodes with
``textContent`` and an ``href`` attribute, so ``<script>`` in a text is only ever text.

Rules (all of them):

* A link is ``[label](url)`` on one line: the label has no brackets, the address no ``)``.
  The address must be ``http://`` or ``https://`` with a host, and nothing that a browser
  or another Markdown renderer would read differently: no whitespace or invisible
  characters (``java\\tscript:``, zero-width and bidi controls), no quotes, angle brackets,
  brackets, parentheses or backslashes, and no user name before the host
  (``https://trusted.example@evil.example`` is a phishing trick). Parentheses are written
  ``%28``/``%29``. Entities are never decoded, so ``&#106;avascript:`` is simply not
  ``http``. The link's label is shown as written (no markup inside a label).
* :func:`check_inline` also refuses any ``](`` that does not end the label of such a link:
  ``[a [b]](javascript:x)`` or ``[x](javascript:alert((1)))`` are not links for us but
  are for CommonMark, and exported Markdown is read by other renderers.
* ``**strong**`` and ``*emphasis*`` open before a non-space and close after a non-space on
  the same line; no nesting, and they never span a link. An unclosed marker is text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from app.appeals.text.blocks import TextInvalid

MAX_URL_CHARS = 2048
_MAX_LABEL_CHARS = 500

# One regex for both parsing and checking, so they can never disagree about what a link is.
# Bounded repetitions keep the scan linear even on hostile input.
_LINK = re.compile(rf"\[([^\[\]\n]{{0,{_MAX_LABEL_CHARS}}})\]\(([^)\n]{{0,{MAX_URL_CHARS}}})\)")
_SCHEME = re.compile(r"^https?://", re.IGNORECASE)
_FORBIDDEN_URL_CHARS = frozenset('"<>[]()\\')
# Lazy and line-bounded; the lookarounds say "opens before / closes after a non-space".
_EMPHASIS = re.compile(
    r"\*\*(?=\S)(?P<strong>[^\n]+?)(?<=\S)\*\*|\*(?=[^\s*])(?P<em>[^*\n]+?)(?<=[^\s*])\*"
)


class SpanKind(StrEnum):
    TEXT = "text"
    EMPHASIS = "emphasis"
    STRONG = "strong"
    LINK = "link"


@dataclass(frozen=True, slots=True)
class Span:
    kind: SpanKind
    text: str
    href: str | None = None  # only for links: an address url_problem() accepted


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a link's address, for a person; ``None`` if it can."""
    if not _SCHEME.match(url):
        return "a link must point to an address that starts with https:// or http://"
    if len(url) > MAX_URL_CHARS:
        return f"a link address has at most {MAX_URL_CHARS} characters"
    for char in url:
        if char in "()":
            return "write ( and ) in a link address as %28 and %29"
        if char in _FORBIDDEN_URL_CHARS or unicodedata.category(char)[0] in "CZ":
            return (
                "a link address cannot contain spaces, invisible characters, quotes, "
                "brackets or backslashes"
            )
    authority = re.split(r"[/?#]", url.split("://", 1)[1], maxsplit=1)[0]
    if not authority:
        return "a link address needs a host name after https://"
    if "@" in authority:
        return "a link address cannot have a user name before its host (…@…)"
    return None


def _link_problem(label: str, url: str) -> str | None:
    if not label.strip():
        return "a link needs a label: [label](https://…)"
    return url_problem(url)


def _safe_links(text: str) -> list[re.Match[str]]:
    return [m for m in _LINK.finditer(text) if _link_problem(m[1], m[2]) is None]


def _label_ends(links: list[re.Match[str]]) -> set[int]:
    # Index of the "]" of "](" in each link.
    return {m.start() + 1 + len(m[1]) for m in links}


def _stray_closers(text: str, label_ends: set[int]) -> list[int]:
    return [m.start() for m in re.finditer(r"\]\(", text) if m.start() not in label_ends]


def _shorten(label: str) -> str:
    label = " ".join(label.split())
    return label if len(label) <= 40 else label[:39] + "…"


def check_inline(text: str) -> None:
    """Raise :class:`TextInvalid` unless every link in ``text`` is a safe http(s) link."""
    for m in _LINK.finditer(text):
        problem = _link_problem(m[1], m[2])
        if problem is not None:
            raise TextInvalid(f"the link “{_shorten(m[1])}”: {problem}")
    if _stray_closers(text, _label_ends(_safe_links(text))):
        raise TextInvalid(
            "“](” is only written between a link's label and its address: [label](https://…)"
        )


def drop_unsafe_links(text: str) -> str:
    """``text`` with every link that :func:`check_inline` would refuse turned into text.

    For importing pasted text, where refusing would only make a person hunt for the
    offending bracket: an unsafe link keeps its label (its address if the label is
    empty) and loses the address; any other ``](`` becomes ``] (``. The result always
    passes :func:`check_inline`.
    """

    kept: list[str] = []
    start = 0
    for m in _LINK.finditer(text):
        if m.start() < start or _link_problem(m[1], m[2]) is None:
            continue
        kept.append(text[start : m.start()])
        kept.append(m[1] if m[1].strip() else m[2])
        start = m.end()
        # "[x](javascript:alert(1))": the address ended at the first ")"; drop the rest of it.
        for _ in range(m[2].count("(") - m[2].count(")")):
            if text.startswith(")", start):
                start += 1
    kept.append(text[start:])
    text = "".join(kept)
    # Replacing a link can make a new one from the brackets around it; a second pass over
    # the remaining "](" closes that door without a loop.
    strays = set(_stray_closers(text, _label_ends(_safe_links(text))))
    if not strays:
        return text
    parts: list[str] = []
    start = 0
    for i in sorted(strays):
        parts.append(text[start : i + 1])
        parts.append(" ")
        start = i + 1
    parts.append(text[start:])
    return "".join(parts)


def _emphasis_spans(segment: str) -> list[Span]:
    spans: list[Span] = []
    pos = 0
    for m in _EMPHASIS.finditer(segment):
        if m.start() > pos:
            spans.append(Span(SpanKind.TEXT, segment[pos : m.start()]))
        if m["strong"] is not None:
            spans.append(Span(SpanKind.STRONG, m["strong"]))
        else:
            spans.append(Span(SpanKind.EMPHASIS, m["em"]))
        pos = m.end()
    if pos < len(segment):
        spans.append(Span(SpanKind.TEXT, segment[pos:]))
    return spans


def parse_inline(text: str) -> list[Span]:
    """The spans of ``text``, in order, adjacent text spans merged.

    Safe links are found first; emphasis and strong only within the text between them. A
    link :func:`check_inline` would refuse is never a link span here: it stays text.
    """
    spans: list[Span] = []
    pos = 0
    for m in _safe_links(text):
        spans.extend(_emphasis_spans(text[pos : m.start()]))
        spans.append(Span(SpanKind.LINK, m[1], m[2]))
        pos = m.end()
    spans.extend(_emphasis_spans(text[pos:]))
    merged: list[Span] = []
    for span in spans:
        if merged and span.kind is SpanKind.TEXT and merged[-1].kind is SpanKind.TEXT:
            merged[-1] = Span(SpanKind.TEXT, merged[-1].text + span.text)
        else:
            merged.append(span)
    return merged


def plain_text(text: str) -> str:
    """``text`` without markup (links keep their label), for search, diff and anchoring."""
    return "".join(span.text for span in parse_inline(text))
