// Sealing to an X25519 public key with HPKE (RFC 9180), byte-compatible with
// app/kit/crypto/sealing.py: base mode, DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / AES-256-GCM.
//
// Blob: format byte 0x01 | enc (32 bytes) | ciphertext + tag. The caller's `info` and `aad` are
// both bound through the HPKE info, built as
//   len(L) || L || len(info) || info || len(aad) || aad,  L = "accord/seal/v1",
// each len a 4-byte big-endian byte count; the HPKE AEAD associated data is empty.
import { backend, importNativePrivateKey, type Backend } from "./backend";
import { bytes, concat, encodeParts, utf8, type Bytes } from "./bytes";
import { CustodyError, DecryptionError } from "./errors";

const FORMAT_V1 = 0x01;
const LABEL = utf8("accord/seal/v1");
const KEY_SIZE = 32;
const ENC_SIZE = 32;
const TAG_SIZE = 16;

/** Raw X25519 keys, 32 bytes each. */
export interface CustodyKeyPair {
  privateKey: Uint8Array;
  publicKey: Uint8Array;
}

/** A raw 32-byte private key, or a (non-extractable) WebCrypto X25519 key from keyStore.ts. */
export type CustodyPrivateKey = Uint8Array | CryptoKey;

/** What the sealed value is bound to; strings are taken as UTF-8. Both must match to open. */
export interface SealingContext {
  info: Uint8Array | string;
  aad?: Uint8Array | string;
}

function asBytes(value: Uint8Array | string | undefined): Bytes {
  if (value === undefined) return new Uint8Array(0);
  return typeof value === "string" ? utf8(value) : bytes(value);
}

function hpkeInfo(context: SealingContext): Bytes {
  return encodeParts(LABEL, asBytes(context.info), asBytes(context.aad));
}

/** A fresh X25519 key pair as raw bytes (the private key clamped, as WebCrypto and OpenSSL do). */
export async function generateCustodyKeyPair(): Promise<CustodyKeyPair> {
  const privateKey = crypto.getRandomValues(new Uint8Array(KEY_SIZE));
  privateKey[0] = (privateKey[0] ?? 0) & 248;
  privateKey[31] = ((privateKey[31] ?? 0) & 127) | 64;
  return { privateKey, publicKey: await publicKeyOf(privateKey) };
}

/** The raw public key of a raw 32-byte private key. */
export async function publicKeyOf(privateKey: Uint8Array): Promise<Uint8Array> {
  if (privateKey.length !== KEY_SIZE) throw new CustodyError("an X25519 private key is 32 bytes");
  return (await backend()).publicKeyOf(bytes(privateKey));
}

export async function sealWith(
  b: Backend,
  publicKey: Uint8Array,
  plaintext: Uint8Array,
  context: SealingContext,
): Promise<Uint8Array> {
  if (publicKey.length !== KEY_SIZE) throw new CustodyError("a sealing public key is 32 raw bytes");
  let sealed: { ct: ArrayBuffer; enc: ArrayBuffer };
  try {
    const recipientPublicKey = await b.suite.kem.deserializePublicKey(bytes(publicKey));
    sealed = await b.suite.seal({ recipientPublicKey, info: hpkeInfo(context) }, bytes(plaintext));
  } catch {
    throw new CustodyError("the sealing public key is not a usable X25519 key");
  }
  return concat(new Uint8Array([FORMAT_V1]), new Uint8Array(sealed.enc), new Uint8Array(sealed.ct));
}

export async function openSealedWith(
  b: Backend,
  privateKey: CustodyPrivateKey,
  blob: Uint8Array,
  context: SealingContext,
): Promise<Uint8Array> {
  if (blob.length < 1 + ENC_SIZE + TAG_SIZE || blob[0] !== FORMAT_V1) {
    throw new DecryptionError("sealed blob is malformed");
  }
  try {
    let recipientKey: CryptoKey;
    if (ArrayBuffer.isView(privateKey)) {
      if (privateKey.length !== KEY_SIZE) throw new DecryptionError("wrong private key size");
      // Native: a non-extractable key for the moment it is needed. Portable: its own key type.
      recipientKey =
        b.kind === "native"
          ? await importNativePrivateKey(bytes(privateKey))
          : await b.suite.kem.deserializePrivateKey(bytes(privateKey));
    } else {
      recipientKey = privateKey;
    }
    const enc = bytes(blob.subarray(1, 1 + ENC_SIZE));
    const ciphertext = bytes(blob.subarray(1 + ENC_SIZE));
    return new Uint8Array(await b.suite.open({ recipientKey, enc, info: hpkeInfo(context) }, ciphertext));
  } catch {
    throw new DecryptionError("sealed blob cannot be opened");
  }
}

/** Encrypt `plaintext` to `publicKey`, so that only its private key opens it (sealing.py's seal). */
export async function seal(publicKey: Uint8Array, plaintext: Uint8Array, context: SealingContext): Promise<Uint8Array> {
  return sealWith(await backend(), publicKey, plaintext, context);
}

/**
 * Open a blob from `seal` here or in sealing.py; the same `info` and `aad` must be given.
 * DecryptionError on any failure (wrong key, info or aad, unknown format, modified blob).
 */
export async function openSealed(
  privateKey: CustodyPrivateKey,
  blob: Uint8Array,
  context: SealingContext,
): Promise<Uint8Array> {
  return openSealedWith(await backend(), privateKey, blob, context);
}
