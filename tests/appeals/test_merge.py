"""app/appeals/merge.py: per-block three-way merge that loses no edit, with conflicts
listed instead of guessed."""

from __future__ import annotations

import random

import pytest

from app.appeals.merge import MergeResult, merge_texts
from app.appeals.text.blocks import Block, BlockKind, check_blocks

P = BlockKind.PARAGRAPH


def b(name: str, text: str | None = None, kind: BlockKind = P) -> Block:
    return Block(name.ljust(8, "0"), kind, name if text is None else text)


def names(result: MergeResult) -> list[str]:
    assert result.blocks is not None
    return [x.id.rstrip("0") for x in result.blocks]


def clean(result: MergeResult) -> list[Block]:
    assert result.clean and result.conflicts == []
    assert result.blocks is not None
    return result.blocks


BASE = [b("a"), b("b"), b("c")]


def test_nothing_changed() -> None:
    assert clean(merge_texts(BASE, BASE, BASE)) == BASE


@pytest.mark.parametrize("side", ["ours", "theirs"])
def test_a_change_on_one_side_is_taken(side: str) -> None:
    edited = [b("a"), b("b", "B!"), b("c", kind=BlockKind.ASK)]
    ours, theirs = (edited, BASE) if side == "ours" else (BASE, edited)
    assert clean(merge_texts(BASE, ours, theirs)) == edited


def test_changes_to_different_blocks_are_both_taken() -> None:
    ours = [b("a", "A1"), b("b"), b("c")]
    theirs = [b("a"), b("b"), b("c", "C2")]
    assert clean(merge_texts(BASE, ours, theirs)) == [b("a", "A1"), b("b"), b("c", "C2")]


def test_the_same_change_on_both_sides_is_fine() -> None:
    both = [b("a"), b("b", "same edit", BlockKind.ASK), b("c")]
    assert clean(merge_texts(BASE, both, list(both))) == both


@pytest.mark.parametrize(
    ("ours_b", "theirs_b"),
    [
        (b("b", "mine"), b("b", "yours")),
        (b("b", kind=BlockKind.ASK), b("b", kind=BlockKind.QUOTE)),
        (b("b", "mine"), b("b", kind=BlockKind.ASK)),  # text on one side, kind on the other
    ],
)
def test_different_changes_to_one_block_conflict(ours_b: Block, theirs_b: Block) -> None:
    result = merge_texts(BASE, [b("a"), ours_b, b("c")], [b("a"), theirs_b, b("c")])
    assert (result.blocks, result.conflicts, result.clean) == (None, ["b0000000"], False)


@pytest.mark.parametrize("side", ["ours", "theirs"])
def test_removed_on_one_side_and_unchanged_on_the_other_is_removed(side: str) -> None:
    without_b = [b("a"), b("c", "C2")]
    ours, theirs = (without_b, BASE) if side == "ours" else (BASE, without_b)
    assert clean(merge_texts(BASE, ours, theirs)) == without_b


def test_removed_on_both_sides_is_removed() -> None:
    assert names(merge_texts(BASE, [b("a"), b("c")], [b("a"), b("c")])) == ["a", "c"]


@pytest.mark.parametrize("side", ["ours", "theirs"])
def test_removed_on_one_side_and_changed_on_the_other_conflicts(side: str) -> None:
    removed, changed = [b("a"), b("c")], [b("a"), b("b", "edited"), b("c")]
    ours, theirs = (removed, changed) if side == "ours" else (changed, removed)
    result = merge_texts(BASE, ours, theirs)
    assert (result.blocks, result.conflicts) == (None, ["b0000000"])


def test_additions_on_both_sides_are_kept_after_their_predecessor() -> None:
    ours = [b("a"), b("x"), b("b"), b("c")]
    theirs = [b("a"), b("b"), b("y"), b("c"), b("z")]
    assert names(merge_texts(BASE, ours, theirs)) == ["a", "x", "b", "y", "c", "z"]


def test_additions_at_the_same_place_theirs_right_after_the_predecessor() -> None:
    ours = [b("a"), b("x"), b("b"), b("c")]
    theirs = [b("y"), b("a"), b("w"), b("v"), b("b"), b("c")]
    assert names(merge_texts(BASE, ours, theirs)) == ["y", "a", "w", "v", "x", "b", "c"]


def test_the_same_block_added_on_both_sides_is_kept_once() -> None:
    ours = [b("a"), b("x", "retry"), b("b"), b("c")]
    assert names(merge_texts(BASE, ours, list(ours))) == ["a", "x", "b", "c"]
    other = [b("a"), b("b"), b("c"), b("x", "different")]
    result = merge_texts(BASE, ours, other)
    assert (result.blocks, result.conflicts) == (None, ["x0000000"])


def test_an_addition_after_a_removed_block_follows_the_nearest_surviving_one() -> None:
    ours = [b("a"), b("c")]  # b removed
    theirs = [b("a"), b("b"), b("y"), b("c")]
    assert names(merge_texts(BASE, ours, theirs)) == ["a", "y", "c"]


def test_only_ours_reordered_keeps_ours_order() -> None:
    ours = [b("c"), b("a"), b("b")]
    theirs = [b("a"), b("y"), b("b"), b("c", "C2")]
    result = merge_texts(BASE, ours, theirs)
    assert names(result) == ["c", "a", "y", "b"]
    assert result.blocks is not None and result.blocks[0].text == "C2"


def test_only_theirs_reordered_keeps_theirs_order_and_places_ours_additions() -> None:
    ours = [b("x"), b("a"), b("b", "B1"), b("c"), b("z")]
    theirs = [b("c"), b("b"), b("a")]
    result = merge_texts(BASE, ours, theirs)
    assert names(result) == ["x", "c", "z", "b", "a"]
    assert result.blocks is not None and result.blocks[3].text == "B1"


def test_both_reordered_keeps_ours_order_and_theirs_additions() -> None:
    base = [b(c) for c in "abcd"]
    ours = [b("d"), b("a"), b("b"), b("c")]
    theirs = [b("b"), b("a"), b("y"), b("c"), b("d")]
    assert names(merge_texts(base, ours, theirs)) == ["d", "a", "y", "b", "c"]


def test_removal_is_not_reordering() -> None:
    ours = [b("a"), b("c")]
    theirs = [b("c"), b("a"), b("b")]
    assert names(merge_texts(BASE, ours, theirs)) == ["c", "a"]


def test_a_long_run_of_additions_keeps_its_order() -> None:
    added = [b(f"n{i:04d}") for i in range(3000)]
    result = merge_texts(BASE, BASE, [b("a"), *added, b("b"), b("c")])
    assert clean(result) == [b("a"), *added, b("b"), b("c")]


def test_two_different_titles_added_conflict() -> None:
    ours = [b("t", "Ours", BlockKind.TITLE), *BASE]
    theirs = [*BASE[:1], b("u", "Theirs", BlockKind.TITLE), *BASE[1:]]
    result = merge_texts(BASE, ours, theirs)
    assert (result.blocks, result.conflicts) == (None, ["t0000000", "u0000000"])


@pytest.mark.parametrize("kind", [BlockKind.SALUTATION, BlockKind.CLOSING])
def test_a_block_turned_into_a_single_kind_beside_an_added_one_conflicts(
    kind: BlockKind,
) -> None:
    ours = [b("a"), b("b", kind=kind), b("c")]
    theirs = [*BASE, b("z", "Z", kind)]
    assert merge_texts(BASE, ours, theirs).conflicts == ["b0000000", "z0000000"]


def test_a_replaced_title_is_not_a_conflict() -> None:
    base = [b("t", "Old", BlockKind.TITLE), *BASE]
    ours = [b("u", "New", BlockKind.TITLE), *BASE]
    theirs = [b("t", "Old", BlockKind.TITLE), *BASE[:2], b("c", "C2")]
    assert names(merge_texts(base, ours, theirs)) == ["u", "a", "b", "c"]


def test_all_conflicts_are_listed_in_text_order() -> None:
    ours = [b("c", "c1"), b("a", "a1"), b("b", "b1")]
    theirs = [b("a", "a2"), b("c", "c2")]
    assert merge_texts(BASE, ours, theirs).conflicts == ["c0000000", "a0000000", "b0000000"]


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="unique"):
        merge_texts(BASE, [b("a"), b("a")], BASE)


# --- random edits ---------------------------------------------------------------------------

KINDS = [BlockKind.PARAGRAPH, BlockKind.ASK, BlockKind.HEADING, BlockKind.QUOTE]


def random_base(rng: random.Random) -> list[Block]:
    blocks = [Block(f"base{i:04d}", rng.choice(KINDS), f"text {i}") for i in range(30)]
    if rng.random() < 0.5:
        blocks.insert(0, Block("basetitle", BlockKind.TITLE, "Title"))
    return blocks


def edit(
    rng: random.Random, base: list[Block], touch: set[str], tag: str, reorder: bool
) -> tuple[list[Block], dict[str, Block], set[str], list[Block]]:
    """One side's edits, touching only ``touch`` (plus its own additions and, if
    ``reorder``, the order). Returns the text, its changes, removals and additions."""
    text, changed, removed = [], {}, set()
    for block in base:
        roll = rng.random()
        if block.id not in touch or roll < 0.2:
            text.append(block)
        elif roll < 0.45:
            removed.add(block.id)
        else:
            kind = rng.choice(KINDS) if roll > 0.8 else block.kind
            new = Block(block.id, kind, f"{block.text} edited by {tag}")
            changed[new.id] = new
            text.append(new)
    if reorder:
        for _ in range(rng.randint(1, 4)):
            text.insert(rng.randrange(len(text)), text.pop(rng.randrange(len(text))))
    added = []
    for n in range(rng.randint(0, 5)):
        new = Block(f"{tag}{n:06d}", rng.choice(KINDS), f"added by {tag}")
        text.insert(rng.randint(0, len(text)), new)
        added.append(new)
    return text, changed, removed, added


@pytest.mark.parametrize("seed", range(60))
def test_disjoint_edits_merge_cleanly_and_keep_every_change(seed: int) -> None:
    rng = random.Random(seed)
    base = random_base(rng)
    shuffled = [x.id for x in base]
    rng.shuffle(shuffled)
    cut = rng.randint(0, len(shuffled))
    who_reorders = rng.choice(["none", "ours", "theirs"])
    ours, o_changed, o_removed, o_added = edit(
        rng, base, set(shuffled[:cut]), "ours", who_reorders == "ours"
    )
    theirs, t_changed, t_removed, t_added = edit(
        rng, base, set(shuffled[cut:]), "them", who_reorders == "theirs"
    )

    result = merge_texts(base, ours, theirs)
    merged = clean(result)
    check_blocks(merged)
    by_id = {x.id: x for x in merged}
    expected = {x.id for x in base} - o_removed - t_removed | {x.id for x in o_added + t_added}
    assert by_id.keys() == expected and len(merged) == len(expected)
    for block in [*o_changed.values(), *t_changed.values(), *o_added, *t_added]:
        assert by_id[block.id] == block
    for block in base:
        if block.id in by_id and block.id not in o_changed and block.id not in t_changed:
            assert by_id[block.id] == block
    # The side that reordered (ours when neither did) keeps its order in the merge.
    leader = theirs if who_reorders == "theirs" else ours
    kept = [x.id for x in leader if x.id in by_id]
    assert [x.id for x in merged if x.id in set(kept)] == kept
    # Merging is deterministic.
    assert merge_texts(base, ours, theirs) == result


@pytest.mark.parametrize("seed", range(30))
def test_merging_with_an_untouched_side_gives_the_other_side(seed: int) -> None:
    rng = random.Random(seed)
    base = random_base(rng)
    edited, *_ = edit(rng, base, {x.id for x in base}, "side", rng.random() < 0.5)
    assert clean(merge_texts(base, edited, base)) == edited
    assert clean(merge_texts(base, base, edited)) == edited
    assert clean(merge_texts(base, edited, list(edited))) == edited
