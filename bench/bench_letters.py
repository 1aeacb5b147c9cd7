"""Generate 200 letters (PDF through typst, and the plain text) and print the time per letter.

Each letter: a two-page appeal in the shape of a coalition's letter (a dozen paragraphs,
five numbered asks, a quote), its own addressee, 60 printed signatories with Latin and
Cyrillic names, the withheld sentence and the closing phrase; recipients alternate between
English, Belarusian and Russian words. What is timed is what a batch does per recipient
after the shared data is loaded: build the layout, typeset the PDF, render the text.

    .venv/bin/python bench/bench_letters.py [--letters 200]
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date

from app.appeals.text.blocks import Block, BlockKind, new_block_id
from app.outreach.letters.layout import Recipient, Signatories, Signer, build_letter
from app.outreach.letters.text import letter_text
from app.outreach.letters.typeset import letter_pdf

PARAGRAPH = (
    "We, civic organizations and initiatives of the coalition, write to you about the "
    "people held for their views, their reporting and their peaceful protest. Their number "
    "grows every month; their families are threatened, their lawyers disbarred, their letters "
    "withheld. We ask the governments of Europe to act together and without delay."
)


def blocks() -> list[Block]:
    out = [
        Block(new_block_id(), BlockKind.TITLE, "Release the prisoners of conscience"),
        Block(new_block_id(), BlockKind.SALUTATION, "Dear Minister,"),
    ]
    out += [Block(new_block_id(), BlockKind.PARAGRAPH, PARAGRAPH) for _ in range(10)]
    out.append(Block(new_block_id(), BlockKind.QUOTE, "No one shall be held\nfor their words."))
    out += [
        Block(new_block_id(), BlockKind.ASK, f"Demand number {n}: " + PARAGRAPH[:140])
        for n in range(1, 6)
    ]
    out.append(Block(new_block_id(), BlockKind.CLOSING, "Respectfully,"))
    return out


def signatories() -> Signatories:
    organizations = [Signer(f"Праваабарончая арганізацыя №{n}", "Вільня") for n in range(20)]
    individuals = [
        Signer(f"Łucja Żółkiewska {n}" if n % 2 else f"Алесь Бяляцкі {n}", "journalist")
        for n in range(40)
    ]
    return Signatories(
        organizations=organizations,
        individuals=individuals,
        withheld_organizations=14,
        withheld_people=312,
        closing_phrase="as well as other participants of the coalition",
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--letters", type=int, default=200)
    args = parser.parse_args()
    text, signers = blocks(), signatories()
    languages = ("en", "be", "ru")
    timings: list[float] = []
    pages_bytes = 0
    started = time.perf_counter()
    for n in range(args.letters):
        t0 = time.perf_counter()
        letter = build_letter(
            text,
            language=languages[n % 3],
            recipient=Recipient(
                f"The Honorable Minister {n}\nMinistry of Foreign Affairs", None, "en"
            ),
            signatories=signers,
            day=date(2026, 11, 30),
            sha256="e" * 64,
            verify_url="https://accord.example/sign/x",
        )
        pdf = letter_pdf(letter)
        letter_text(letter)
        timings.append(time.perf_counter() - t0)
        pages_bytes += len(pdf)
    total = time.perf_counter() - started
    timings.sort()
    p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
    print(f"letters: {len(timings)} in {total:.2f} s (one process, one thread)")
    print(
        f"per letter: p50 {statistics.median(timings) * 1000:.1f} ms, "
        f"p95 {p95 * 1000:.1f} ms, max {timings[-1] * 1000:.1f} ms"
    )
    print(f"mean PDF size: {pages_bytes / len(timings) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
