import { IDBFactory } from "fake-indexeddb";
import { describe, expect, it } from "vitest";
import { utf8 } from "./bytes";
import { CustodyError } from "./errors";
import { deleteCustodyKey, loadCustodyKey, saveCustodyKey } from "./keyStore";
import { generateCustodyKeyPair, openSealed, seal } from "./sealing";

const CONTEXT = { info: "accord/custody/share", aad: "custodian:1" };

describe("the key store", () => {
  it("keeps a key pair whose private key cannot be read back but still opens", async () => {
    const options = { indexedDB: new IDBFactory() };
    const pair = await generateCustodyKeyPair();
    await saveCustodyKey("user-1", pair, options);

    const stored = await loadCustodyKey("user-1", options);
    expect(stored).not.toBeNull();
    expect(stored?.publicKey).toEqual(pair.publicKey);
    const privateKey = stored?.privateKey as CryptoKey;
    expect(privateKey).toBeInstanceOf(CryptoKey);
    expect(privateKey.extractable).toBe(false);
    expect(privateKey.usages).toEqual(["deriveBits"]);
    await expect(crypto.subtle.exportKey("pkcs8", privateKey)).rejects.toThrow();

    const blob = await seal(pair.publicKey, utf8("a share"), CONTEXT);
    expect(await openSealed(privateKey, blob, CONTEXT)).toEqual(utf8("a share"));
  });

  it("keeps pairs by name, replaces and forgets them", async () => {
    const options = { indexedDB: new IDBFactory() };
    const [first, second] = [await generateCustodyKeyPair(), await generateCustodyKeyPair()];
    expect(await loadCustodyKey("user-1", options)).toBeNull();
    await saveCustodyKey("user-1", first, options);
    await saveCustodyKey("user-2", second, options);
    expect((await loadCustodyKey("user-2", options))?.publicKey).toEqual(second.publicKey);
    await saveCustodyKey("user-1", second, options);
    expect((await loadCustodyKey("user-1", options))?.publicKey).toEqual(second.publicKey);
    await deleteCustodyKey("user-1", options);
    expect(await loadCustodyKey("user-1", options)).toBeNull();
    expect(await loadCustodyKey("user-2", options)).not.toBeNull();
    await deleteCustodyKey("nobody", options);
  });

  it("refuses a private key that does not belong to the public key", async () => {
    const options = { indexedDB: new IDBFactory() };
    const [mine, theirs] = [await generateCustodyKeyPair(), await generateCustodyKeyPair()];
    const mixed = { privateKey: mine.privateKey, publicKey: theirs.publicKey };
    await expect(saveCustodyKey("user-1", mixed, options)).rejects.toThrow(CustodyError);
    await expect(saveCustodyKey("user-1", { ...mine, privateKey: new Uint8Array(31) }, options)).rejects.toThrow(
      CustodyError,
    );
    expect(await loadCustodyKey("user-1", options)).toBeNull();
  });

  it("leaves the caller's key bytes as they were", async () => {
    const pair = await generateCustodyKeyPair();
    const copy = pair.privateKey.slice();
    await saveCustodyKey("user-1", pair, { indexedDB: new IDBFactory() });
    expect(pair.privateKey).toEqual(copy);
  });
});
