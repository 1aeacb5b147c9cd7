// Keeping a custodian's key pair in this browser, in IndexedDB.
//
// Where the browser has WebCrypto X25519 (see backend.ts) the private key is stored as a
// non-extractable CryptoKey: IndexedDB keeps CryptoKey objects, flag included, and WebCrypto
// never hands their bytes out again. Script running in the page (ours, or an attacker's through
// XSS or a malicious extension) can still use the key while it runs, but cannot copy it away to
// open shares sealed to this custodian later, elsewhere, after the hole is closed. Its raw bytes
// exist only when the pair is made or restored, which is when the passphrase-encrypted key file
// (keyFile.ts) is written or read; that file is the custodian's backup, since a browser can lose
// its storage (eviction, "clear site data", private windows).
//
// A browser without WebCrypto X25519 uses the portable backend, which needs the raw bytes: they
// are stored as such, and `privateKey` is then a Uint8Array. Either kind goes to openSealed.
import { backend, importNativePrivateKey } from "./backend";
import { bytes, equalBytes } from "./bytes";
import { CustodyError } from "./errors";
import type { CustodyKeyPair, CustodyPrivateKey } from "./sealing";

const DATABASE = "accord-custody";
const STORE = "keys";

export interface StoredCustodyKey {
  publicKey: Uint8Array;
  /** A non-extractable CryptoKey where the browser allows it, else the raw 32 bytes. */
  privateKey: CustodyPrivateKey;
  savedAt: string;
}

export interface KeyStoreOptions {
  /** The IndexedDB to use; the browser's own by default (tests pass an in-memory one). */
  indexedDB?: IDBFactory;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new CustodyError("key store request failed"));
  });
}

function openDatabase(factory: IDBFactory): Promise<IDBDatabase> {
  const req = factory.open(DATABASE, 1);
  req.onupgradeneeded = () => req.result.createObjectStore(STORE);
  return request(req);
}

async function withStore<T>(
  options: KeyStoreOptions | undefined,
  mode: IDBTransactionMode,
  action: (store: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  const database = await openDatabase(options?.indexedDB ?? indexedDB);
  try {
    const transaction = database.transaction(STORE, mode);
    const done = new Promise<void>((resolve, reject) => {
      transaction.oncomplete = () => resolve();
      transaction.onabort = () => reject(transaction.error ?? new CustodyError("key store transaction aborted"));
    });
    const result = await request(action(transaction.objectStore(STORE)));
    await done;
    return result;
  } finally {
    database.close();
  }
}

/**
 * Keep `pair` under `name` (e.g. the custodian's user id), replacing what was there.
 * CustodyError if the private key does not belong to the public key.
 */
export async function saveCustodyKey(
  name: string,
  pair: CustodyKeyPair,
  options?: KeyStoreOptions,
): Promise<StoredCustodyKey> {
  const b = await backend();
  const raw = bytes(pair.privateKey);
  let record: StoredCustodyKey;
  try {
    if (raw.length !== 32 || !equalBytes(await b.publicKeyOf(raw), pair.publicKey)) {
      throw new CustodyError("the private key does not belong to the public key");
    }
    record = {
      publicKey: bytes(pair.publicKey),
      privateKey: b.kind === "native" ? await importNativePrivateKey(raw) : bytes(raw),
      savedAt: new Date().toISOString(),
    };
  } finally {
    raw.fill(0);
  }
  await withStore(options, "readwrite", (store) => store.put(record, name));
  return record;
}

/** The key pair kept under `name`, or null. */
export async function loadCustodyKey(name: string, options?: KeyStoreOptions): Promise<StoredCustodyKey | null> {
  const record = await withStore(options, "readonly", (store) => store.get(name) as IDBRequest<unknown>);
  return record === undefined ? null : (record as StoredCustodyKey);
}

/** Forget the key pair kept under `name` (nothing happens if there is none). */
export async function deleteCustodyKey(name: string, options?: KeyStoreOptions): Promise<void> {
  await withStore(options, "readwrite", (store) => store.delete(name));
}
