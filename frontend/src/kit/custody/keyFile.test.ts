import { describe, expect, it } from "vitest";
import { fromBase64, toBase64, utf8 } from "./bytes";
import { CustodyError, DecryptionError, KeyFileError } from "./errors";
import { readKeyFile, writeKeyFile } from "./keyFile";
import { generateCustodyKeyPair, type CustodyKeyPair } from "./sealing";

const PASSPHRASE = "correct horse — Алесь, ў лесе";
type Document = Record<string, unknown> & { kdf: Record<string, unknown>; cipher: Record<string, unknown> };
const REMOVE = Symbol("remove");

const pair: CustodyKeyPair = await generateCustodyKeyPair();
const keyFile = await writeKeyFile(pair.privateKey, PASSPHRASE);
const OTHER_PUBLIC_KEY = toBase64((await generateCustodyKeyPair()).publicKey);
const parse = (text: string): Document => JSON.parse(text) as Document;

/** keyFile with the member at `path` ("kdf.salt") replaced by change(old value), or removed. */
function edited(path: string, change: (old: unknown) => unknown): string {
  const document = parse(keyFile);
  const names = path.split(".");
  const last = names.pop() ?? "";
  let target: Record<string, unknown> = document;
  for (const name of names) target = target[name] as Record<string, unknown>;
  const value = change(target[last]);
  if (value === REMOVE) Reflect.deleteProperty(target, last);
  else target[last] = value;
  return JSON.stringify(document);
}

async function buildByHand(privateKey: Uint8Array, publicKey: Uint8Array, passphrase: string): Promise<string> {
  // What keyfile.py documents, written out independently of keyFile.ts.
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const nonce = crypto.getRandomValues(new Uint8Array(12));
  const base = await crypto.subtle.importKey("raw", utf8(passphrase), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations: 600_000 },
    base,
    256,
  );
  const key = await crypto.subtle.importKey("raw", bits, "AES-GCM", false, ["encrypt"]);
  const ciphertext = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: "AES-GCM", iv: nonce, additionalData: publicKey.slice() },
      key,
      privateKey.slice(),
    ),
  );
  return JSON.stringify({
    format: "accord-custody-key",
    version: 1,
    kdf: { name: "PBKDF2-SHA256", iterations: 600_000, salt: toBase64(salt) },
    cipher: { name: "AES-256-GCM", nonce: toBase64(nonce) },
    public_key: toBase64(publicKey),
    ciphertext: toBase64(ciphertext),
  });
}

describe("key files", () => {
  it("round-trip, from text or bytes", async () => {
    expect(await readKeyFile(keyFile, PASSPHRASE)).toEqual(pair);
    expect(await readKeyFile(utf8(keyFile), PASSPHRASE)).toEqual(pair);
  });

  it("have the documented layout", () => {
    const document = parse(keyFile);
    expect(Object.keys(document)).toEqual(["format", "version", "kdf", "cipher", "public_key", "ciphertext"]);
    expect(document).toMatchObject({
      format: "accord-custody-key",
      version: 1,
      kdf: { name: "PBKDF2-SHA256", iterations: 600_000 },
      cipher: { name: "AES-256-GCM" },
      public_key: toBase64(pair.publicKey),
    });
    expect(fromBase64(document.kdf.salt as string)).toHaveLength(16);
    expect(fromBase64(document.cipher.nonce as string)).toHaveLength(12);
    expect(fromBase64(document.ciphertext as string)).toHaveLength(48);
    expect(keyFile).not.toContain(toBase64(pair.privateKey));
    expect(keyFile.endsWith("}\n")).toBe(true);
  });

  it("built by hand from the documented format open", async () => {
    expect(await readKeyFile(await buildByHand(pair.privateKey, pair.publicKey, PASSPHRASE), PASSPHRASE)).toEqual(pair);
  });

  it("differ each time they are written", async () => {
    const again = parse(await writeKeyFile(pair.privateKey, PASSPHRASE));
    const first = parse(keyFile);
    expect(again.kdf.salt).not.toBe(first.kdf.salt);
    expect(again.cipher.nonce).not.toBe(first.cipher.nonce);
    expect(again.public_key).toBe(first.public_key);
  });

  it("may use more iterations", async () => {
    const text = await writeKeyFile(pair.privateKey, PASSPHRASE, { iterations: 650_000 });
    expect(parse(text).kdf.iterations).toBe(650_000);
    expect(await readKeyFile(text, PASSPHRASE)).toEqual(pair);
  });

  it.each(["", "wrong", PASSPHRASE.toUpperCase(), PASSPHRASE + " ", PASSPHRASE.slice(0, -1)])(
    "refuse the wrong passphrase %j",
    async (passphrase) => {
      await expect(readKeyFile(keyFile, passphrase)).rejects.toThrow(DecryptionError);
    },
  );

  it("compare passphrases in NFC", async () => {
    const composed = "Łukasz café \u00e9";
    const decomposed = "Łukasz cafe\u0301 e\u0301";
    expect(await readKeyFile(await writeKeyFile(pair.privateKey, composed), decomposed)).toEqual(pair);
    expect(await readKeyFile(await writeKeyFile(pair.privateKey, decomposed), composed)).toEqual(pair);
  });

  const flip = (value: unknown): string => {
    const data = fromBase64(value as string) ?? new Uint8Array(0);
    data[data.length - 1] = (data[data.length - 1] ?? 0) ^ 1;
    return toBase64(data);
  };
  it.each<[string, (old: unknown) => unknown]>([
    ["kdf.salt", flip],
    ["cipher.nonce", flip],
    ["ciphertext", flip],
    ["kdf.iterations", () => 600_001],
    ["public_key", () => OTHER_PUBLIC_KEY],
  ])("detect a changed %s", async (path, change) => {
    const text = edited(path, change);
    await expect(readKeyFile(text, PASSPHRASE)).rejects.toThrow(DecryptionError);
  });

  it("refuse a private key that is not the public key's", async () => {
    const other = await generateCustodyKeyPair();
    const text = await buildByHand(other.privateKey, pair.publicKey, PASSPHRASE);
    await expect(readKeyFile(text, PASSPHRASE)).rejects.toThrow(/does not match/);
  });

  const b64 = (size: number) => toBase64(new Uint8Array(size).fill(7));
  it.each<[string, string, unknown]>([
    ["format", "format", "accord-custody-key-2"],
    ["no format", "format", REMOVE],
    ["version 2", "version", 2],
    ["version text", "version", "1"],
    ["extra member", "comment", "hello"],
    ["extra kdf member", "kdf.hash", "SHA-256"],
    ["kdf not an object", "kdf", "PBKDF2-SHA256"],
    ["kdf name", "kdf.name", "PBKDF2-SHA1"],
    ["cipher name", "cipher.name", "AES-128-GCM"],
    ["iterations below the floor", "kdf.iterations", 599_999],
    ["iterations above the ceiling", "kdf.iterations", 10_000_001],
    ["iterations absurd", "kdf.iterations", 1e30],
    ["iterations fractional", "kdf.iterations", 600_000.5],
    ["iterations text", "kdf.iterations", "600000"],
    ["salt short", "kdf.salt", b64(15)],
    ["salt long", "kdf.salt", b64(17)],
    ["salt url-safe", "kdf.salt", "-_-_-_-_-_-_-_-_-_-_-w=="],
    ["salt unpadded", "kdf.salt", b64(16).replace(/=+$/, "")],
    ["salt non-canonical", "kdf.salt", "c3Nzc3Nzc3Nzc3Nzc3Nzcx=="],
    ["salt with whitespace", "kdf.salt", " " + b64(16)],
    ["nonce short", "cipher.nonce", b64(11)],
    ["public key short", "public_key", b64(31)],
    ["ciphertext without tag", "ciphertext", b64(32)],
  ])("refuse a malformed file (%s) with KeyFileError", async (_, path, value) => {
    const text = edited(path, () => value);
    await expect(readKeyFile(text, PASSPHRASE)).rejects.toThrow(KeyFileError);
  });

  it.each(["", "not json", "[]", "null", "{}", '"accord-custody-key"', "[".repeat(100_000)])(
    "refuse data that is not a key file (%#)",
    async (text) => {
      await expect(readKeyFile(text, PASSPHRASE)).rejects.toThrow(KeyFileError);
    },
  );

  it("refuse bytes that are not UTF-8", async () => {
    await expect(readKeyFile(new Uint8Array([0xff, 0xfe, 0x7b, 0x7d]), PASSPHRASE)).rejects.toThrow(KeyFileError);
  });

  it.each<[string, Uint8Array, string, number]>([
    ["a short key", new Uint8Array(31), PASSPHRASE, 600_000],
    ["a long key", new Uint8Array(33), PASSPHRASE, 600_000],
    ["an empty passphrase", new Uint8Array(32), "", 600_000],
    ["too few iterations", new Uint8Array(32), PASSPHRASE, 599_999],
    ["too many iterations", new Uint8Array(32), PASSPHRASE, 10_000_001],
    ["fractional iterations", new Uint8Array(32), PASSPHRASE, 600_000.5],
  ])("are not written with %s", async (_, privateKey, passphrase, iterations) => {
    await expect(writeKeyFile(privateKey, passphrase, { iterations })).rejects.toThrow(CustodyError);
  });
});
