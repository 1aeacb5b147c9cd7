"""A letter as plain text: the body of an email to a ministry, or a copy to paste.

Pure: no I/O. The same structure as the PDF (layout.py), in the same order; asks are
numbered "1." .. "n."; links show their address in parentheses after their label.
"""

from __future__ import annotations

from app.outreach.letters.layout import Letter, line_text, signer_text


def _block(lines: list[str], prefix: str = "", indent: str = "") -> str:
    return "\n".join((prefix if i == 0 else indent) + line for i, line in enumerate(lines))


def letter_text(letter: Letter) -> str:
    parts: list[str] = [letter.date_line, "\n".join(letter.addressee)]
    if letter.salutation:
        parts.append("\n".join(line_text(line) for line in letter.salutation))
    if letter.title:
        parts.append("\n".join(line_text(line) for line in letter.title))
    for part in letter.body:
        lines = [line_text(line) for line in part.lines]
        if not lines:
            continue
        if part.kind == "ask":
            prefix = f"{part.number}. "
            parts.append(_block(lines, prefix, " " * len(prefix)))
        elif part.kind == "quote":
            parts.append(_block(lines, "> ", "> "))
        else:
            parts.append("\n".join(lines))
    if letter.closing:
        parts.append("\n".join(line_text(line) for line in letter.closing))
    signatures: list[str] = []
    if letter.organizations:
        signatures.append(
            letter.labels["organizations"]
            + ":\n"
            + "\n".join(signer_text(s) for s in letter.organizations)
        )
    if letter.individuals:
        signatures.append(
            letter.labels["individuals"]
            + ":\n"
            + "\n".join(signer_text(s) for s in letter.individuals)
        )
    if letter.withheld:
        signatures.append(letter.withheld)
    if letter.closing_phrase:
        signatures.append(letter.closing_phrase)
    parts.extend(signatures)
    parts.append(
        f"-- \n{letter.labels['sha']}: {letter.sha256}\n{letter.labels['verify']}: "
        f"{letter.verify_url}"
    )
    return "\n\n".join(p for p in parts if p.strip()) + "\n"
