"""An appeal's blocks as Markdown, for people to take the text elsewhere.

Pure: no I/O. Why Markdown: it reads as a plain letter in any editor or e-mail and renders
anywhere, and the inline markup of blocks already is a subset of it. The output is what
``importer.import_text`` reads back to the same kinds and texts (new ids), for a text in
letter order: a title first, salutation before the body, closing last, texts that don't
themselves look like a date, a list item or a heading, and no line breaks inside blocks
other than quotes (a line break elsewhere is written as a Markdown hard break, which the
importer reads as a space).

* title ``# …``, heading ``## …`` (on one line);
* quote: ``> `` before each of its lines (``>`` alone for an empty one);
* asks: a numbered list, consecutive asks in one list; the numbers run through the
  whole text, because asks are numbered demands ("your answer to demand 4") and a
  reader of the export must see the same number as a reader of the portal;
* salutation, paragraph and closing: a paragraph each.

Markdown is not escaped: the text is the coalition's own and never HTML for us, but a
renderer elsewhere must treat it like any other untrusted Markdown (``check_inline``
already refuses every link that is not http(s)).
"""

from __future__ import annotations

from collections.abc import Sequence

from app.appeals.text.blocks import Block, BlockKind

_HARD_BREAK = "  \n"


def _one_line(text: str) -> str:
    return " ".join(text.split("\n")).strip()


def _lines(text: str, indent: str = "") -> str:
    return (_HARD_BREAK + indent).join(line.strip() for line in text.strip().split("\n"))


def export_markdown(blocks: Sequence[Block]) -> str:
    """``blocks`` as Markdown, one blank line between blocks, ending with a newline."""
    parts: list[str] = []
    number = 0
    previous: BlockKind | None = None
    for block in blocks:
        kind = BlockKind(block.kind)
        if kind is BlockKind.ASK:
            number += 1
            prefix = f"{number}. "
            item = prefix + _lines(block.text, " " * len(prefix))
            if previous is BlockKind.ASK:
                parts[-1] += "\n" + item
            else:
                parts.append(item)
        elif kind is BlockKind.TITLE:
            parts.append("# " + _one_line(block.text))
        elif kind is BlockKind.HEADING:
            parts.append("## " + _one_line(block.text))
        elif kind is BlockKind.QUOTE:
            lines = block.text.strip("\n").split("\n")
            parts.append("\n".join(f"> {line}".rstrip() for line in lines))
        else:
            parts.append(_lines(block.text))
        previous = kind
    return "\n\n".join(parts) + "\n" if parts else ""
