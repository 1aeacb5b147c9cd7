import { describe, expect, it } from "vitest";
import { backend, createBackend, type Backend } from "./backend";
import { encodeParts, utf8 } from "./bytes";
import { CustodyError, DecryptionError } from "./errors";
import { generateCustodyKeyPair, openSealed, openSealedWith, publicKeyOf, seal, sealWith } from "./sealing";

const INFO = "accord/appeal/3f2a/signatory";
const AAD = "signature:7c1e";
const PLAINTEXT = utf8('{"name": "Алесь Бяляцкі", "contact": "+375 29 000 00 00"}');
const KINDS = ["native", "portable"] as const;

describe("key pairs", () => {
  it("are 32 raw bytes each, clamped, and fresh", async () => {
    const pair = await generateCustodyKeyPair();
    expect(pair.privateKey).toHaveLength(32);
    expect(pair.publicKey).toHaveLength(32);
    expect((pair.privateKey[0] ?? 0) & 7).toBe(0);
    expect((pair.privateKey[31] ?? 0) & 0xc0).toBe(0x40);
    expect(await publicKeyOf(pair.privateKey)).toEqual(pair.publicKey);
    expect((await generateCustodyKeyPair()).privateKey).not.toEqual(pair.privateKey);
  });

  it("derive the same public key with either backend, clamped or not", async () => {
    const native = await createBackend("native");
    const portable = await createBackend("portable");
    for (const privateKey of [(await generateCustodyKeyPair()).privateKey, new Uint8Array(32).fill(0xff)]) {
      expect(await native.publicKeyOf(privateKey)).toEqual(await portable.publicKeyOf(privateKey));
    }
  });

  it("uses WebCrypto's X25519 where it exists", async () => {
    expect((await backend()).kind).toBe("native");
  });

  it("refuses a private key that is not 32 bytes", async () => {
    await expect(publicKeyOf(new Uint8Array(31))).rejects.toThrow(CustodyError);
  });
});

describe.each(KINDS)("sealing with the %s backend", (kind) => {
  const withBackend = async (): Promise<Backend> => createBackend(kind);

  it.each([new Uint8Array(0), utf8("x"), PLAINTEXT, new Uint8Array(20_000).fill(7)])(
    "round-trips plaintext %#",
    async (plaintext) => {
      const b = await withBackend();
      const { privateKey, publicKey } = await generateCustodyKeyPair();
      const blob = await sealWith(b, publicKey, plaintext, { info: INFO, aad: AAD });
      expect(await openSealedWith(b, privateKey, blob, { info: INFO, aad: AAD })).toEqual(plaintext);
      const noAad = await sealWith(b, publicKey, plaintext, { info: INFO });
      expect(await openSealedWith(b, privateKey, noAad, { info: INFO, aad: "" })).toEqual(plaintext);
    },
  );

  it("opens what the other backend seals", async () => {
    const b = await withBackend();
    const other = await createBackend(kind === "native" ? "portable" : "native");
    const { privateKey, publicKey } = await generateCustodyKeyPair();
    const blob = await sealWith(other, publicKey, PLAINTEXT, { info: INFO, aad: AAD });
    expect(await openSealedWith(b, privateKey, blob, { info: INFO, aad: AAD })).toEqual(PLAINTEXT);
  });

  it("lays the blob out as format byte, enc, ciphertext and tag", async () => {
    const { publicKey } = await generateCustodyKeyPair();
    const blob = await sealWith(await withBackend(), publicKey, PLAINTEXT, { info: INFO, aad: AAD });
    expect(blob[0]).toBe(0x01);
    expect(blob).toHaveLength(1 + 32 + PLAINTEXT.length + 16);
  });

  it("is standard HPKE with the documented info and empty HPKE aad", async () => {
    // What any other HPKE implementation has to do to open a blob.
    const b = await withBackend();
    const { privateKey, publicKey } = await generateCustodyKeyPair();
    const blob = await sealWith(b, publicKey, PLAINTEXT, { info: INFO, aad: AAD });
    const info = encodeParts(utf8("accord/seal/v1"), utf8(INFO), utf8(AAD));
    const recipientKey = await b.suite.kem.deserializePrivateKey(privateKey);
    const opened = await b.suite.open({ recipientKey, enc: blob.slice(1, 33), info }, blob.slice(33));
    expect(new Uint8Array(opened)).toEqual(PLAINTEXT);
  });

  it("seals twice differently", async () => {
    const b = await withBackend();
    const { publicKey } = await generateCustodyKeyPair();
    const blobs = await Promise.all(Array.from({ length: 5 }, () => sealWith(b, publicKey, PLAINTEXT, { info: INFO })));
    expect(new Set(blobs.map((blob) => blob.slice(1, 33).join())).size).toBe(5);
  });

  it("refuses the wrong key, info or aad", async () => {
    const b = await withBackend();
    const { privateKey, publicKey } = await generateCustodyKeyPair();
    const blob = await sealWith(b, publicKey, PLAINTEXT, { info: INFO, aad: AAD });
    const other = await generateCustodyKeyPair();
    await expect(openSealedWith(b, other.privateKey, blob, { info: INFO, aad: AAD })).rejects.toThrow(DecryptionError);
    const wrong: [string, string][] = [
      ["accord/appeal/3f2b/signatory", AAD],
      [INFO, "signature:7c1f"],
      [INFO, ""],
      ["", AAD],
      [INFO + AAD, ""],
      [INFO.slice(0, -1), INFO.slice(-1) + AAD],
    ];
    for (const [info, aad] of wrong) {
      await expect(openSealedWith(b, privateKey, blob, { info, aad })).rejects.toThrow(DecryptionError);
    }
  });

  it("detects every single-byte change, truncation and extension", async () => {
    const b = await withBackend();
    const { privateKey, publicKey } = await generateCustodyKeyPair();
    const blob = await sealWith(b, publicKey, utf8("short"), { info: INFO });
    for (let position = 0; position < blob.length; position++) {
      const tampered = blob.slice();
      tampered[position] = (tampered[position] ?? 0) ^ 0x01;
      await expect(openSealedWith(b, privateKey, tampered, { info: INFO })).rejects.toThrow(DecryptionError);
    }
    for (let length = 0; length < blob.length; length++) {
      await expect(openSealedWith(b, privateKey, blob.slice(0, length), { info: INFO })).rejects.toThrow(
        DecryptionError,
      );
    }
    const longer = new Uint8Array([...blob, 0]);
    await expect(openSealedWith(b, privateKey, longer, { info: INFO })).rejects.toThrow(DecryptionError);
  });

  it("refuses unusable public and private keys", async () => {
    const b = await withBackend();
    for (const publicKey of [new Uint8Array(31), new Uint8Array(33), new Uint8Array(32)]) {
      await expect(sealWith(b, publicKey, PLAINTEXT, { info: INFO })).rejects.toThrow(CustodyError);
    }
    const { publicKey } = await generateCustodyKeyPair();
    const blob = await sealWith(b, publicKey, PLAINTEXT, { info: INFO });
    for (const privateKey of [new Uint8Array(0), new Uint8Array(31), new Uint8Array(33)]) {
      await expect(openSealedWith(b, privateKey, blob, { info: INFO })).rejects.toThrow(DecryptionError);
    }
  });
});

describe("sealing with this browser's backend", () => {
  it("opens with a non-extractable WebCrypto key", async () => {
    const { privateKey, publicKey } = await generateCustodyKeyPair();
    const pkcs8 = new Uint8Array([
      0x30,
      0x2e,
      0x02,
      0x01,
      0x00,
      0x30,
      0x05,
      0x06,
      0x03,
      0x2b,
      0x65,
      0x6e,
      0x04,
      0x22,
      0x04,
      0x20,
      ...privateKey,
    ]);
    const key = await crypto.subtle.importKey("pkcs8", pkcs8, { name: "X25519" }, false, ["deriveBits"]);
    expect(key.extractable).toBe(false);
    const blob = await seal(publicKey, PLAINTEXT, { info: utf8(INFO), aad: utf8(AAD) });
    expect(await openSealed(key, blob, { info: INFO, aad: AAD })).toEqual(PLAINTEXT);
  });
});
