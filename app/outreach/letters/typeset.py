"""A letter as PDF, typeset by typst with the fonts shipped in this package.

Why no injection is possible: the template below is fixed; the letter reaches it only as
one JSON document in ``sys.inputs`` that the template decodes into strings and places as
text. No user text is ever spliced into typst markup, so ``#read("/etc/passwd")``, ``$``,
``[``, ``*`` or ``@`` in a recipient's name or an appeal's text print as themselves.

Only the fonts in ``fonts/`` are used (DejaVu Serif: Latin and Cyrillic; Bitstream Vera
licence in ``fonts/LICENSE``): system fonts are ignored, so a letter looks the same on every
server and no font outside the package is ever read. The compiler's root is the fonts
directory, so even the template could read nothing else.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.appeals.text.inline import Span, SpanKind
from app.outreach.letters.layout import Letter, Signer

FONTS = Path(__file__).parent / "fonts"
FONT_FAMILY = "DejaVu Serif"

TEMPLATE = (Path(__file__).parent / "letter.typ").read_bytes()


def _spans(line: list[Span]) -> list[dict[str, str]]:
    out = []
    for span in line:
        item = {"kind": span.kind.value, "text": span.text}
        if span.kind is SpanKind.LINK and span.href:
            item["href"] = span.href
        out.append(item)
    return out


def _lines(lines: list[list[Span]]) -> list[list[dict[str, str]]]:
    return [_spans(line) for line in lines]


def _signers(signers: list[Signer]) -> list[dict[str, str | None]]:
    return [{"name": s.name, "line": s.line or None} for s in signers]


def letter_data(letter: Letter) -> dict[str, Any]:
    """What the template reads: only strings, lists and numbers."""
    return {
        "lang": letter.words_language,
        "title": letter.title_text or "Letter",
        "date": letter.date_line,
        "addressee": list(letter.addressee),
        "salutation": _lines(letter.salutation),
        "title_lines": _lines(letter.title),
        "body": [
            {"kind": p.kind, "number": p.number, "lines": _lines(p.lines)} for p in letter.body
        ],
        "closing": _lines(letter.closing),
        "organizations": _signers(letter.organizations),
        "individuals": _signers(letter.individuals),
        "organizations_label": letter.labels["organizations"],
        "individuals_label": letter.labels["individuals"],
        "withheld": letter.withheld,
        "closing_phrase": letter.closing_phrase,
        "sha256": letter.sha256,
        "sha_label": letter.labels["sha"],
        "verify_url": letter.verify_url,
        "verify_label": letter.labels["verify"],
    }


class TypesetFailed(RuntimeError):
    """typst refused the document (a bug of ours: user text cannot cause it)."""


def letter_pdf(letter: Letter, *, generated_on: datetime | None = None) -> bytes:
    """The PDF of ``letter``. CPU-bound (tens of milliseconds): call it off the event loop."""
    # Imported here, not at the top: the compiler is ~7 MiB of every worker's memory, and
    # only letters need it (bench/bench_outreach.py measures the workers' RSS).
    import typst

    data = letter_data(letter)
    stamp = generated_on or datetime.now(UTC)
    try:
        return typst.compile(  # type: ignore[no-any-return]
            TEMPLATE,
            root=str(FONTS),
            font_paths=[str(FONTS)],
            ignore_system_fonts=True,
            sys_inputs={"letter": json.dumps(data, ensure_ascii=False)},
            format="pdf",
            timestamp=int(stamp.timestamp()),
        )
    except Exception as error:  # typst raises its own error types
        raise TypesetFailed(type(error).__name__) from None
