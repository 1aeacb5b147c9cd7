"""Word-level diff of two 20,000-word revisions of an appeal (prints figures).

Builds the texts deterministically: 200 blocks of 100 words in sentences, then a revision
with about 5% of the words replaced at scattered places, 3 blocks moved, 3 added and 3
removed. Times app.appeals.diff.diff_texts (and to_json) over 20 runs and prints the median
and p99 (the issue's target: under 200 ms).

    .venv/bin/python bench/bench_appeals_diff.py [--runs 20] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import statistics
import string
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.appeals.diff import diff_texts, to_json
from app.appeals.text.blocks import Block, BlockKind

BLOCKS = 200
WORDS_PER_BLOCK = 100
CHANGED_SHARE = 0.05


def block_id(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(12))


def word(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(2, 10)))


def paragraph(rng: random.Random, vocabulary: list[str], n: int) -> list[str]:
    return [rng.choice(vocabulary) for _ in range(n)]


def render(words: list[str]) -> str:
    out = []
    for i, w in enumerate(words):
        out.append(w.capitalize() if i % 12 == 0 else w)
        out.append(". " if i % 12 == 11 else (", " if i % 5 == 4 else " "))
    return "".join(out).rstrip() + "."


def revisions(seed: int) -> tuple[list[Block], list[Block]]:
    rng = random.Random(seed)
    vocabulary = [word(rng) for _ in range(3000)]
    old_words = [paragraph(rng, vocabulary, WORDS_PER_BLOCK) for _ in range(BLOCKS)]
    ids = [block_id(rng) for _ in range(BLOCKS)]
    kinds = [BlockKind.ASK if i % 7 == 3 else BlockKind.PARAGRAPH for i in range(BLOCKS)]
    old = [Block(i, k, render(w)) for i, k, w in zip(ids, kinds, old_words, strict=True)]

    new_words = [list(w) for w in old_words]
    for _ in range(int(BLOCKS * WORDS_PER_BLOCK * CHANGED_SHARE)):
        block = rng.randrange(BLOCKS)
        new_words[block][rng.randrange(WORDS_PER_BLOCK)] = rng.choice(vocabulary)
    new = [Block(i, k, render(w)) for i, k, w in zip(ids, kinds, new_words, strict=True)]
    for _ in range(3):  # removed
        del new[rng.randrange(len(new))]
    for _ in range(3):  # moved
        moving = new.pop(rng.randrange(len(new)))
        new.insert(rng.randrange(len(new) + 1), moving)
    for _ in range(3):  # added
        added = Block(block_id(rng), BlockKind.PARAGRAPH, render(paragraph(rng, vocabulary, 80)))
        new.insert(rng.randrange(len(new) + 1), added)
    return old, new


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    old, new = revisions(args.seed)
    words = sum(len(b.text.split()) for b in old), sum(len(b.text.split()) for b in new)
    diff = diff_texts(old, new)  # warm-up
    times, with_json = [], []
    for _ in range(args.runs):
        start = time.perf_counter()
        diff = diff_texts(old, new)
        middle = time.perf_counter()
        to_json(diff)
        times.append((middle - start) * 1000)
        with_json.append((time.perf_counter() - start) * 1000)
    segments = sum(len(d.segments) for d in diff.blocks)
    s = diff.summary
    print(f"words (old, new)     : {words[0]}, {words[1]} in {len(old)}, {len(new)} blocks")
    print(
        f"diff                 : {s.changed} changed, {s.added} added, {s.removed} removed, ",
        end="",
    )
    print(f"{s.moved} moved; {segments} segments")
    for label, values in (("diff_texts", times), ("diff_texts + to_json", with_json)):
        p99 = statistics.quantiles(values, n=100, method="inclusive")[98]
        median = statistics.median(values)
        print(f"{label:21s}: median {median:6.1f} ms, p99 {p99:6.1f} ms ({args.runs} runs)")


if __name__ == "__main__":
    main()
