// Known answers between this kit and app/kit/crypto (tests/kit/crypto/custody_vectors.json):
// from_python was made by the Python kit and must read here; from_js was made here, and
// tests/kit/crypto/test_custody_vectors.py reads it. Regenerate with `make custody-vectors`.
import { describe, expect, it } from "vitest";
import vectors from "../../../../tests/kit/crypto/custody_vectors.json";
import { createBackend } from "./backend";
import { fromHex, utf8 } from "./bytes";
import { DecryptionError } from "./errors";
import { readKeyFile } from "./keyFile";
import { openSealedWith, publicKeyOf } from "./sealing";
import { combine } from "./shamir";

type Value = { hex: string } | { utf8: string };
interface SharesCase {
  description: string;
  secret: Value;
  n: number;
  k: number;
  shares: string[];
}
interface SealedCase {
  description: string;
  private_key: string;
  public_key: string;
  info: Value;
  aad: Value;
  plaintext: Value;
  blob: string;
}
interface KeyFileCase {
  description: string;
  passphrase: string;
  private_key: string;
  public_key: string;
  key_file: string;
}
interface Cases {
  shamir: SharesCase[];
  sealed: SealedCase[];
  key_files: KeyFileCase[];
}
const VECTORS = vectors as unknown as Record<"from_python" | "from_js", Cases>;
const SOURCES = ["from_python", "from_js"] as const;

const decode = (value: Value) => ("utf8" in value ? utf8(value.utf8) : fromHex(value.hex));
const cases = <K extends keyof Cases>(kind: K): [string, Cases[K][number]][] =>
  SOURCES.flatMap((source) =>
    VECTORS[source][kind].map((entry): [string, Cases[K][number]] => [`${source}: ${entry.description}`, entry]),
  );

function* subsets<T>(items: T[], size: number, start = 0): Generator<T[]> {
  if (size === 0) {
    yield [];
    return;
  }
  for (let i = start; i <= items.length - size; i++) {
    for (const rest of subsets(items, size - 1, i + 1)) yield [items[i] as T, ...rest];
  }
}

describe("custody vectors", () => {
  it("cover what they should", () => {
    const text = JSON.stringify(vectors);
    expect(text).toContain("Алесь Бяляцкі");
    expect(text).toContain("Łódź");
    for (const source of SOURCES) {
      for (const kind of ["shamir", "sealed", "key_files"] as const) {
        expect(VECTORS[source][kind].length).toBeGreaterThanOrEqual(3);
      }
    }
  });

  it.each(cases("shamir"))("%s: any k shares combine to the secret", async (_, entry) => {
    const secret = decode(entry.secret);
    const shares = entry.shares.map(fromHex);
    expect(shares).toHaveLength(entry.n);
    for (const subset of subsets(shares, entry.k)) expect(await combine(subset)).toEqual(secret);
    expect(await combine([...shares].reverse())).toEqual(secret);
    if (entry.k > 2 && secret.length > 1) {
      for (const subset of subsets(shares, entry.k - 1)) expect(await combine(subset)).not.toEqual(secret);
    }
  });

  it.each(cases("sealed"))("%s: opens with either backend", async (_, entry) => {
    const privateKey = fromHex(entry.private_key);
    expect(await publicKeyOf(privateKey)).toEqual(fromHex(entry.public_key));
    const blob = fromHex(entry.blob);
    const context = { info: decode(entry.info), aad: decode(entry.aad) };
    for (const kind of ["native", "portable"] as const) {
      const b = await createBackend(kind);
      expect(await openSealedWith(b, privateKey, blob, context)).toEqual(decode(entry.plaintext));
      const wrongAad = { ...context, aad: new Uint8Array([...context.aad, 0x78]) };
      await expect(openSealedWith(b, privateKey, blob, wrongAad)).rejects.toThrow(DecryptionError);
    }
  });

  it.each(cases("key_files"))("%s: the key file opens", async (_, entry) => {
    const expected = { privateKey: fromHex(entry.private_key), publicKey: fromHex(entry.public_key) };
    expect(await readKeyFile(entry.key_file, entry.passphrase)).toEqual(expected);
    expect(await readKeyFile(entry.key_file, entry.passphrase.normalize("NFD"))).toEqual(expected);
    await expect(readKeyFile(entry.key_file, entry.passphrase + "!")).rejects.toThrow(DecryptionError);
  });
});
