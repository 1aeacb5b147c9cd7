"""app/appeals/diff.py: blocks matched by id, minimal moves, word-level segments that
always rebuild both texts."""

from __future__ import annotations

import json
import random

import pytest

from app.appeals import diff as diff_module
from app.appeals.diff import Segment, TextDiff, diff_texts, to_json, tokens
from app.appeals.text.blocks import Block, BlockKind

P = BlockKind.PARAGRAPH


def b(id_: str, text: str, kind: BlockKind = P) -> Block:
    return Block(id_.ljust(8, "0"), kind, text)


def old_text(segments: tuple[Segment, ...]) -> str:
    return "".join(s.text for s in segments if s.op != "insert")


def new_text(segments: tuple[Segment, ...]) -> str:
    return "".join(s.text for s in segments if s.op != "delete")


def ops(diff: TextDiff) -> list[tuple[str, str, bool]]:
    return [(d.id[:1], d.op, d.moved) for d in diff.blocks]


def test_identical_texts_are_all_same() -> None:
    text = [b("a", "One."), b("b", "Two.", BlockKind.ASK)]
    diff = diff_texts(text, text)
    assert ops(diff) == [("a", "same", False), ("b", "same", False)]
    assert diff.blocks[0].segments == (Segment("equal", "One."),)
    assert (diff.summary.added, diff.summary.removed) == (0, 0)
    assert (diff.summary.changed, diff.summary.moved) == (0, 0)


def test_changed_word_is_whole_word_delete_and_insert() -> None:
    diff = diff_texts([b("a", "The quick brown fox.")], [b("a", "The quick red fox.")])
    assert diff.blocks[0].op == "changed"
    assert diff.blocks[0].segments == (
        Segment("equal", "The quick "),
        Segment("delete", "brown"),
        Segment("insert", "red"),
        Segment("equal", " fox."),
    )


def test_a_word_sharing_a_prefix_is_still_replaced_whole() -> None:
    diff = diff_texts([b("a", "we demand release")], [b("a", "we demanded release")])
    assert diff.blocks[0].segments == (
        Segment("equal", "we "),
        Segment("delete", "demand"),
        Segment("insert", "demanded"),
        Segment("equal", " release"),
    )


def test_cyrillic_words() -> None:
    diff = diff_texts(
        [b("a", "Мы требуем освободить всех.")],
        [b("a", "Мы требуем немедленно освободить всех!")],
    )
    assert diff.blocks[0].segments == (
        Segment("equal", "Мы требуем "),
        Segment("insert", "немедленно "),
        Segment("equal", "освободить всех"),
        Segment("delete", "."),
        Segment("insert", "!"),
    )


@pytest.mark.parametrize(
    ("before", "after", "gone", "came"),
    [
        ("ok 👍🏽 ok", "ok 👍🏿 ok", "👍🏽", "👍🏿"),  # skin tone is part of the emoji
        (  # zero-width joiners
            "a 👨\u200d👩\u200d👧 b",
            "a 👨\u200d👩\u200d👦 b",
            "👨\u200d👩\u200d👧",
            "👨\u200d👩\u200d👦",
        ),
        ("flag 🇱🇹 here", "flag 🇱🇻 here", "🇱🇹", "🇱🇻"),  # regional indicator pairs
        ("a nai\u0308ve b", "a naive b", "nai\u0308ve", "naive"),  # combining mark
        ("x हिन्दी y", "x हिन्द y", "हिन्दी", "हिन्द"),  # Indic vowel sign
        ("1\ufe0f\u20e3 one", "2\ufe0f\u20e3 one", "1\ufe0f\u20e3", "2\ufe0f\u20e3"),  # keycap
    ],
)
def test_user_perceived_characters_stay_whole(
    before: str, after: str, gone: str, came: str
) -> None:
    segments = diff_texts([b("a", before)], [b("a", after)]).blocks[0].segments
    assert Segment("delete", gone) in segments
    assert Segment("insert", came) in segments
    assert (old_text(segments), new_text(segments)) == (before, after)


def test_tokens_rebuild_their_text_and_split_words_from_separators() -> None:
    text = "Hello,  world!\nПривет — мир «да» 🇱🇹🇱🇻 می\u200cخواهم"
    assert "".join(tokens(text)) == text
    assert tokens("Hello,  world!") == ["Hello", ",", "  ", "world", "!"]
    assert "می\u200cخواهم" in tokens(text)
    assert ["🇱🇹", "🇱🇻"] == [t for t in tokens(text) if t.startswith("🇱")]


def test_kind_change_counts_as_changed() -> None:
    diff = diff_texts([b("a", "Free them.")], [b("a", "Free them.", BlockKind.ASK)])
    (entry,) = diff.blocks
    assert (entry.op, entry.kind, entry.old_kind) == ("changed", BlockKind.ASK, P)
    assert entry.segments == (Segment("equal", "Free them."),)
    assert diff.summary.changed == 1


def test_added_and_removed_blocks_have_one_segment_and_removed_keep_their_place() -> None:
    old = [b("a", "A"), b("x", "gone"), b("b", "B")]
    new = [b("a", "A"), b("y", "new"), b("b", "B")]
    diff = diff_texts(old, new)
    assert ops(diff) == [
        ("a", "same", False),
        ("x", "removed", False),
        ("y", "added", False),
        ("b", "same", False),
    ]
    assert diff.blocks[1].segments == (Segment("delete", "gone"),)
    assert diff.blocks[2].segments == (Segment("insert", "new"),)
    assert (diff.summary.added, diff.summary.removed) == (1, 1)


def test_removed_first_block_comes_first() -> None:
    diff = diff_texts([b("x", "gone"), b("a", "A")], [b("y", "new"), b("a", "A")])
    assert ops(diff) == [("x", "removed", False), ("y", "added", False), ("a", "same", False)]


def test_an_insertion_moves_nothing() -> None:
    old = [b(c, c) for c in "abcde"]
    new = [b("n", "new"), *old[:2], b("m", "new"), *old[2:]]
    assert diff_texts(old, new).summary.moved == 0


def test_only_the_minimal_set_of_blocks_is_moved() -> None:
    old = [b(c, c) for c in "abcdef"]
    new = [old[5], *old[:5]]  # f dragged to the top
    diff = diff_texts(old, new)
    assert [d.id[:1] for d in diff.blocks if d.moved] == ["f"]
    assert diff.summary.moved == 1
    swapped = diff_texts(old, [old[0], old[3], old[1], old[2], old[4], old[5]])
    assert [d.id[:1] for d in swapped.blocks if d.moved] == ["d"]


def test_moved_and_changed() -> None:
    old = [b("a", "one two"), b("b", "B"), b("c", "C")]
    new = [b("b", "B"), b("c", "C"), b("a", "one three")]
    (moved,) = [d for d in diff_texts(old, new).blocks if d.moved]
    assert (moved.id[:1], moved.op) == ("a", "changed")


def test_removed_block_anchors_on_a_block_that_did_not_move() -> None:
    old = [b("a", "A"), b("x", "gone"), b("b", "B"), b("c", "C")]
    new = [b("b", "B"), b("c", "C"), b("a", "A")]  # a moved; x was after it
    assert ops(diff_texts(old, new)) == [
        ("x", "removed", False),
        ("b", "same", False),
        ("c", "same", False),
        ("a", "same", True),
    ]


def test_empty_blocks_have_no_segments() -> None:
    diff = diff_texts([b("a", ""), b("x", "")], [b("a", ""), b("y", "")])
    assert all(d.segments == () for d in diff.blocks)
    changed = diff_texts([b("a", "")], [b("a", "now text")]).blocks[0]
    assert changed.segments == (Segment("insert", "now text"),)


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="unique"):
        diff_texts([b("a", "1"), b("a", "2")], [])


def test_more_distinct_tokens_than_codes_falls_back_to_whole_block(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(diff_module, "CODE_CAPACITY", 3)
    segments = diff_texts([b("a", "one two three")], [b("a", "one two four")]).blocks[0].segments
    assert segments == (Segment("delete", "one two three"), Segment("insert", "one two four"))


def test_codes_cover_the_private_use_planes() -> None:
    capacity = diff_module.CODE_CAPACITY
    assert capacity == 6400 + 2 * 65534
    assert diff_module._code(0) == "\ue000"
    assert diff_module._code(6400) == "\U000f0000"
    assert diff_module._code(capacity - 1) == "\U0010fffd"
    with pytest.raises(OverflowError):
        diff_module._code(capacity)


def test_more_distinct_tokens_than_the_bmp_private_use_area() -> None:
    old = " ".join(f"w{i}" for i in range(7000))
    new = " ".join(f"w{i}" if i % 1000 else f"v{i}" for i in range(7000))
    segments = diff_texts([b("a", old)], [b("a", new)]).blocks[0].segments
    assert (old_text(segments), new_text(segments)) == (old, new)
    assert Segment("delete", "w1000") in segments and Segment("insert", "v1000") in segments


def test_an_expired_budget_gives_a_coarser_but_correct_diff(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(diff_module, "TOTAL_BUDGET_SECONDS", -1.0)
    old, new = "a b c d e f g h", "a x c d y f g z"
    segments = diff_texts([b("a", old)], [b("a", new)]).blocks[0].segments
    assert (old_text(segments), new_text(segments)) == (old, new)


def test_json_shape() -> None:
    old = [b("a", "Free them.", P), b("x", "gone")]
    new = [b("a", "Free them all.", BlockKind.ASK), b("y", "Hi", BlockKind.TITLE)]
    data = to_json(diff_texts(old, new))
    assert json.loads(json.dumps(data)) == data
    assert data == {
        "blocks": [
            {
                "id": "a0000000",
                "op": "changed",
                "moved": False,
                "kind": "ask",
                "old_kind": "paragraph",
                "segments": [
                    {"op": "equal", "text": "Free them"},
                    {"op": "insert", "text": " all"},
                    {"op": "equal", "text": "."},
                ],
            },
            {
                "id": "x0000000",
                "op": "removed",
                "moved": False,
                "kind": "paragraph",
                "old_kind": None,
                "segments": [{"op": "delete", "text": "gone"}],
            },
            {
                "id": "y0000000",
                "op": "added",
                "moved": False,
                "kind": "title",
                "old_kind": None,
                "segments": [{"op": "insert", "text": "Hi"}],
            },
        ],
        "summary": {"added": 1, "removed": 1, "changed": 1, "moved": 0},
    }


# --- random texts -------------------------------------------------------------------------

VOCABULARY = [
    "we", "demand", "the", "release", "of", "all", "political", "prisoners",
    "Мы", "требуем", "освободить", "всех", "вязняў", "палітычных",
    "👍🏽", "👨\u200d👩\u200d👧", "🇱🇹", "nai\u0308ve", "हिन्दी", "1\ufe0f\u20e3", "😀",
    ",", ".", "!", "—", "«", "»", "(", ")", "\n", "\n\n", "  ", "\t",
]  # fmt: skip


def random_text(rng: random.Random, n: int) -> str:
    out = []
    for _ in range(n):
        out.append(rng.choice(VOCABULARY))
        out.append(rng.choice([" ", " ", " ", "", ", ", "\n"]))
    return "".join(out)


def mutate(rng: random.Random, text: str) -> str:
    words = tokens(text)
    for _ in range(rng.randint(0, 6)):
        at = rng.randrange(len(words) + 1)
        roll = rng.random()
        if roll < 0.4 and words and at < len(words):
            words[at] = rng.choice(VOCABULARY)
        elif roll < 0.7:
            words.insert(at, rng.choice(VOCABULARY) + rng.choice(["", " "]))
        elif words and at < len(words):
            del words[at : at + rng.randint(1, 4)]
    if rng.random() < 0.1:  # an edit inside a word: not a token edit
        cut = rng.randrange(len(text) + 1)
        return text[:cut] + rng.choice(["x", "й", "🏽", "\u0301", "\u200d"]) + text[cut:]
    return "".join(words)


def boundaries(text: str) -> set[int]:
    out, at = {0}, 0
    for token in tokens(text):
        at += len(token)
        out.add(at)
    return out


@pytest.mark.parametrize("seed", range(40))
def test_random_texts_rebuild_both_sides_on_token_boundaries(seed: int) -> None:
    rng = random.Random(seed)
    ids = [f"{i:08d}" for i in range(rng.randint(0, 25))]
    old = [Block(i, rng.choice(list(BlockKind)), random_text(rng, rng.randint(0, 40))) for i in ids]
    new: list[Block] = []
    for block in old:
        roll = rng.random()
        if roll < 0.15:
            continue  # removed
        if roll < 0.6:
            block = Block(block.id, block.kind, mutate(rng, block.text))
        elif roll < 0.65:
            block = Block(block.id, rng.choice(list(BlockKind)), block.text)
        new.append(block)
    for n in range(rng.randint(0, 4)):
        new.insert(rng.randint(0, len(new)), Block(f"new{n:05d}", P, random_text(rng, 10)))
    for _ in range(rng.randint(0, 3)):
        if new:
            new.insert(rng.randint(0, len(new) - 1), new.pop(rng.randrange(len(new))))

    diff = diff_texts(old, new)
    old_by_id = {x.id: x for x in old}
    new_by_id = {x.id: x for x in new}
    assert sorted(d.id for d in diff.blocks) == sorted(old_by_id.keys() | new_by_id.keys())
    assert [d.id for d in diff.blocks if d.op != "removed"] == [x.id for x in new]
    for d in diff.blocks:
        assert all(s.text for s in d.segments)
        before = old_by_id[d.id].text if d.id in old_by_id else ""
        after = new_by_id[d.id].text if d.id in new_by_id else ""
        assert (old_text(d.segments), new_text(d.segments)) == (before, after)
        if d.op == "changed":
            # Whole tokens only: every edit starts and ends on a token boundary of its side.
            at_old = at_new = 0
            for s in d.segments:
                if s.op != "insert":
                    assert {at_old, at_old + len(s.text)} <= boundaries(before)
                    at_old += len(s.text)
                if s.op != "delete":
                    assert {at_new, at_new + len(s.text)} <= boundaries(after)
                    at_new += len(s.text)
    stable = [d.id for d in diff.blocks if d.op != "added" and d.op != "removed" and not d.moved]
    assert stable == [x.id for x in old if x.id in set(stable)]
    # Removed blocks keep their old places among the blocks that stayed put.
    kept_or_removed = [d.id for d in diff.blocks if d.id in set(stable) or d.op == "removed"]
    assert kept_or_removed == [x.id for x in old if x.id in set(kept_or_removed)]
    # Minimal: the blocks left in place are a longest run in old order (O(n^2) check).
    positions = [ids.index(x.id) for x in new if x.id in old_by_id]
    longest = [1] * len(positions)
    for i in range(len(positions)):
        for j in range(i):
            if positions[j] < positions[i]:
                longest[i] = max(longest[i], longest[j] + 1)
    assert len(stable) == max(longest, default=0)
    assert diff.summary.moved == len(positions) - len(stable)
