// A custodian's key file: their X25519 private key under a passphrase, in the format of
// app/kit/crypto/keyfile.py (which documents it in full), with WebCrypto only:
//
//   {"format": "accord-custody-key", "version": 1,
//    "kdf": {"name": "PBKDF2-SHA256", "iterations": 600000, "salt": <16 bytes>},
//    "cipher": {"name": "AES-256-GCM", "nonce": <12 bytes>},
//    "public_key": <32 bytes>, "ciphertext": <32-byte private key + 16-byte tag>}
//
// Bytes in canonical standard base64. Key = PBKDF2-HMAC-SHA256 over the UTF-8 of the passphrase
// in NFC; AES-GCM's associated data is the raw public key.
import { bytes, equalBytes, fromBase64, toBase64, utf8, type Bytes } from "./bytes";
import { CustodyError, DecryptionError, KeyFileError } from "./errors";
import { publicKeyOf, type CustodyKeyPair } from "./sealing";

export const KEY_FILE_FORMAT = "accord-custody-key";
export const KEY_FILE_VERSION = 1;
export const PBKDF2_ITERATIONS = 600_000;
export const MIN_PBKDF2_ITERATIONS = 600_000;
export const MAX_PBKDF2_ITERATIONS = 10_000_000;

const KDF_NAME = "PBKDF2-SHA256";
const CIPHER_NAME = "AES-256-GCM";
const KEY_SIZE = 32;
const SALT_SIZE = 16;
const NONCE_SIZE = 12;
const TAG_SIZE = 16;
const MAX_FILE_SIZE = 16 * 1024;
const MEMBERS = ["cipher", "ciphertext", "format", "kdf", "public_key", "version"];

function validIterations(value: unknown): value is number {
  return (
    Number.isSafeInteger(value) &&
    (value as number) >= MIN_PBKDF2_ITERATIONS &&
    (value as number) <= MAX_PBKDF2_ITERATIONS
  );
}

async function deriveKey(passphrase: string, salt: Bytes, iterations: number, usage: KeyUsage): Promise<CryptoKey> {
  const secret = utf8(passphrase.normalize("NFC"));
  try {
    const base = await crypto.subtle.importKey("raw", secret, "PBKDF2", false, ["deriveKey"]);
    return await crypto.subtle.deriveKey(
      { name: "PBKDF2", hash: "SHA-256", salt, iterations },
      base,
      { name: "AES-GCM", length: 256 },
      false,
      [usage],
    );
  } finally {
    secret.fill(0);
  }
}

/**
 * The key file (JSON text, to be saved as UTF-8) holding a raw 32-byte X25519 private key.
 * CustodyError if the key is not 32 bytes, the passphrase is empty or the iteration count is
 * outside [MIN_PBKDF2_ITERATIONS, MAX_PBKDF2_ITERATIONS].
 */
export async function writeKeyFile(
  privateKey: Uint8Array,
  passphrase: string,
  { iterations = PBKDF2_ITERATIONS }: { iterations?: number } = {},
): Promise<string> {
  if (!ArrayBuffer.isView(privateKey) || privateKey.length !== KEY_SIZE) {
    throw new CustodyError("a custody private key is 32 raw bytes");
  }
  if (typeof passphrase !== "string" || passphrase === "") {
    throw new CustodyError("a key file needs a non-empty passphrase");
  }
  if (!validIterations(iterations)) {
    throw new CustodyError(`PBKDF2 iterations must be between ${MIN_PBKDF2_ITERATIONS} and ${MAX_PBKDF2_ITERATIONS}`);
  }
  const secret = bytes(privateKey);
  try {
    const publicKey = await publicKeyOf(secret);
    const salt = crypto.getRandomValues(new Uint8Array(SALT_SIZE));
    const nonce = crypto.getRandomValues(new Uint8Array(NONCE_SIZE));
    const key = await deriveKey(passphrase, salt, iterations, "encrypt");
    const ciphertext = await crypto.subtle.encrypt(
      { name: "AES-GCM", iv: nonce, additionalData: bytes(publicKey) },
      key,
      secret,
    );
    const document = {
      format: KEY_FILE_FORMAT,
      version: KEY_FILE_VERSION,
      kdf: { name: KDF_NAME, iterations, salt: toBase64(salt) },
      cipher: { name: CIPHER_NAME, nonce: toBase64(nonce) },
      public_key: toBase64(publicKey),
      ciphertext: toBase64(new Uint8Array(ciphertext)),
    };
    return JSON.stringify(document, null, 2) + "\n";
  } finally {
    secret.fill(0);
  }
}

function object(value: unknown, members: string[], where: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new KeyFileError(`key file ${where} must be an object`);
  }
  const names = Object.keys(value).sort();
  if (names.length !== members.length || names.some((name, i) => name !== members[i])) {
    throw new KeyFileError(`key file ${where} must have exactly: ${members.join(", ")}`);
  }
  return value as Record<string, unknown>;
}

function decoded(value: unknown, size: number, what: string): Bytes {
  const data = typeof value === "string" ? fromBase64(value) : null;
  if (data === null || data.length !== size) {
    throw new KeyFileError(`key file ${what} must be ${size} bytes in canonical base64`);
  }
  return data;
}

/**
 * Open a key file from writeKeyFile or keyfile.py (its text or its bytes).
 * KeyFileError if it is not a key file this version reads; DecryptionError if the passphrase
 * is wrong, the file was modified, or its private key does not match its public key.
 */
export async function readKeyFile(data: string | Uint8Array, passphrase: string): Promise<CustodyKeyPair> {
  const raw = typeof data === "string" ? utf8(data) : bytes(data);
  if (raw.length > MAX_FILE_SIZE) throw new KeyFileError("key file is too large");
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(raw));
  } catch {
    throw new KeyFileError("key file is not UTF-8 JSON");
  }
  const document = object(parsed, MEMBERS, "document");
  if (document.format !== KEY_FILE_FORMAT) throw new KeyFileError("not an Accord custody key file");
  if (document.version !== KEY_FILE_VERSION) throw new KeyFileError("unsupported custody key file version");
  const kdf = object(document.kdf, ["iterations", "name", "salt"], "kdf");
  const cipher = object(document.cipher, ["name", "nonce"], "cipher");
  if (kdf.name !== KDF_NAME || cipher.name !== CIPHER_NAME) {
    throw new KeyFileError("unsupported key file algorithms");
  }
  const iterations = kdf.iterations;
  if (!validIterations(iterations)) {
    throw new KeyFileError(
      `key file PBKDF2 iterations must be between ${MIN_PBKDF2_ITERATIONS} and ${MAX_PBKDF2_ITERATIONS}`,
    );
  }
  const salt = decoded(kdf.salt, SALT_SIZE, "salt");
  const nonce = decoded(cipher.nonce, NONCE_SIZE, "nonce");
  const publicKey = decoded(document.public_key, KEY_SIZE, "public key");
  const ciphertext = decoded(document.ciphertext, KEY_SIZE + TAG_SIZE, "ciphertext");
  // Nothing writes an empty passphrase; refuse it here rather than depend on whether this
  // browser's PBKDF2 accepts an empty password.
  if (typeof passphrase !== "string" || passphrase === "") {
    throw new DecryptionError("wrong passphrase, or the key file was modified");
  }

  let privateKey: Bytes;
  try {
    const key = await deriveKey(passphrase, salt, iterations, "decrypt");
    privateKey = new Uint8Array(
      await crypto.subtle.decrypt({ name: "AES-GCM", iv: nonce, additionalData: publicKey }, key, ciphertext),
    );
  } catch {
    throw new DecryptionError("wrong passphrase, or the key file was modified");
  }
  if (!equalBytes(await publicKeyOf(privateKey), publicKey)) {
    privateKey.fill(0);
    throw new DecryptionError("the key file's private key does not match its public key");
  }
  return { privateKey, publicKey };
}
