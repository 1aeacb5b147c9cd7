import { describe, expect, it } from "vitest";
import type { BlockInput } from "./api";
import { newBlockId, rebase, repeatedSingleKinds } from "./blocks";
import { wordDiff } from "./wordDiff";

const b = (id: string, text: string, kind: BlockInput["kind"] = "paragraph"): BlockInput => ({ id, kind, text });

describe("wordDiff", () => {
  it("diffs whole words and gives back both texts", () => {
    const before = "Мы патрабуем вызваліць усіх палітвязняў неадкладна.";
    const after = "Мы патрабуем неадкладна вызваліць усіх палітвязняў.";
    const segments = wordDiff(before, after);
    const side = (op: "insert" | "delete") =>
      segments
        .filter((s) => s.op !== op)
        .map((s) => s.text)
        .join("");
    expect(side("insert")).toBe(before);
    expect(side("delete")).toBe(after);
    expect(segments.filter((s) => s.op !== "equal").every((s) => !/^\p{L}+$/u.test(s.text) || s.text.length > 1)).toBe(
      true,
    );
  });

  it("handles empty sides", () => {
    expect(wordDiff("", "new text")).toEqual([{ op: "insert", text: "new text" }]);
    expect(wordDiff("old", "")).toEqual([{ op: "delete", text: "old" }]);
    expect(wordDiff("same", "same")).toEqual([{ op: "equal", text: "same" }]);
  });
});

describe("rebase after a conflict", () => {
  const base = [b("aaaaaaaa", "A"), b("bbbbbbbb", "B"), b("cccccccc", "C"), b("dddddddd", "D")];

  it("applies the person's own changes on the current text and the chosen side of each conflict", () => {
    const mine = [b("aaaaaaaa", "A mine"), b("bbbbbbbb", "B mine"), b("newnewnew", "N"), b("cccccccc", "C")];
    const current = [b("aaaaaaaa", "A theirs"), b("bbbbbbbb", "B"), b("cccccccc", "C theirs"), b("dddddddd", "D")];
    const keepMine = rebase(base, mine, current, ["aaaaaaaa"], {});
    expect(keepMine).toEqual([
      b("aaaaaaaa", "A mine"),
      b("bbbbbbbb", "B mine"),
      b("newnewnew", "N"),
      b("cccccccc", "C theirs"),
    ]);
    const takeTheirs = rebase(base, mine, current, ["aaaaaaaa"], { aaaaaaaa: { mode: "theirs" } });
    expect(takeTheirs[0]).toEqual(b("aaaaaaaa", "A theirs"));
    const merged = rebase(base, mine, current, ["aaaaaaaa"], { aaaaaaaa: { mode: "merged", text: "A both" } });
    expect(merged[0]).toEqual(b("aaaaaaaa", "A both"));
  });

  it("puts back a block the person kept that someone else removed, after its neighbour", () => {
    const mine = [b("aaaaaaaa", "A"), b("bbbbbbbb", "B edited"), b("cccccccc", "C"), b("dddddddd", "D")];
    const current = [b("aaaaaaaa", "A"), b("cccccccc", "C"), b("dddddddd", "D")];
    expect(rebase(base, mine, current, ["bbbbbbbb"], {}).map((x) => x.text)).toEqual(["A", "B edited", "C", "D"]);
    expect(rebase(base, mine, current, ["bbbbbbbb"], { bbbbbbbb: { mode: "theirs" } }).map((x) => x.text)).toEqual([
      "A",
      "C",
      "D",
    ]);
  });
});

describe("block ids and kinds", () => {
  it("makes 12-character ids of lower-case letters and digits", () => {
    const ids = new Set(Array.from({ length: 200 }, newBlockId));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]{12}$/u);
  });

  it("finds repeated single kinds", () => {
    expect(
      repeatedSingleKinds([b("a", "x", "title"), b("b", "y", "title"), b("c", "z", "ask"), b("d", "w", "ask")]),
    ).toEqual(["title"]);
  });
});
