import { describe, expect, it } from "vitest";
import { utf8 } from "./bytes";
import { combine, split } from "./shamir";

const SECRET = crypto.getRandomValues(new Uint8Array(32));

function* subsets<T>(items: T[], size: number, start = 0): Generator<T[]> {
  if (size === 0) {
    yield [];
    return;
  }
  for (let i = start; i <= items.length - size; i++) {
    for (const rest of subsets(items, size - 1, i + 1)) yield [items[i] as T, ...rest];
  }
}

const COUNTS: [number, number][] = [];
for (let n = 2; n <= 5; n++) for (let k = 2; k <= n; k++) COUNTS.push([n, k]);

describe("split and combine", () => {
  it.each(COUNTS)("any k shares recover the secret (n=%i, k=%i)", async (n, k) => {
    const shares = await split(SECRET, n, k);
    expect(shares).toHaveLength(n);
    for (const subset of subsets(shares, k)) {
      expect(await combine(subset)).toEqual(SECRET);
      expect(await combine([...subset].reverse())).toEqual(SECRET);
    }
    expect(await combine(shares)).toEqual(SECRET);
  });

  it.each(COUNTS)("fewer than k shares do not (n=%i, k=%i)", async (n, k) => {
    const shares = await split(SECRET, n, k);
    if (k === 2) {
      await expect(combine(shares.slice(0, 1))).rejects.toThrow();
      return;
    }
    for (const subset of subsets(shares, k - 1)) expect(await combine(subset)).not.toEqual(SECRET);
  });

  it("lays shares out as y bytes then a distinct non-zero x byte", async () => {
    const shares = await split(SECRET, 5, 3);
    for (const share of shares) expect(share).toHaveLength(SECRET.length + 1);
    const xs = shares.map((share) => share[SECRET.length]);
    expect(new Set(xs).size).toBe(5);
    expect(xs).not.toContain(0);
  });

  it("accepts views into larger buffers", async () => {
    const backing = new Uint8Array(100).fill(0xaa);
    backing.set(utf8("Алесь Бяляцкі"), 10);
    const secret = backing.subarray(10, 10 + utf8("Алесь Бяляцкі").length);
    const [a, b] = (await split(secret, 3, 2)) as [Uint8Array, Uint8Array];
    const shifted = new Uint8Array(b.length + 3);
    shifted.set(b, 3);
    const decoded = new TextDecoder().decode(await combine([a, shifted.subarray(3)]));
    expect(decoded).toBe("Алесь Бяляцкі");
  });

  it.each([
    ["an empty secret", new Uint8Array(0), 3, 2],
    ["k > n", SECRET, 2, 3],
    ["k = 1", SECRET, 3, 1],
    ["n > 255", SECRET, 256, 2],
  ])("refuses to split with %s", async (_, secret, n, k) => {
    await expect(split(secret, n, k)).rejects.toThrow();
  });

  it("refuses duplicate x coordinates and unequal lengths", async () => {
    const [a, b] = (await split(SECRET, 3, 2)) as [Uint8Array, Uint8Array];
    await expect(combine([a, a])).rejects.toThrow();
    await expect(combine([a, b.subarray(1)])).rejects.toThrow();
  });
});
