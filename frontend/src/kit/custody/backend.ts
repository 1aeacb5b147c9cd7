// Where X25519 comes from: the browser's own WebCrypto when it has X25519 (Chromium 133+,
// Firefox 130+, Safari 17+, Node 20), else @hpke/dhkem-x25519 (pure JavaScript: noble-curves'
// X25519), loaded only then, so that older phones and browsers can still take part. The native
// one is preferred because only it can keep a private key non-extractable (keyStore.ts). Both
// compute the same bytes, and tests check that each opens what the other seals.
import { Aes256Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from "@hpke/core";
import { bytes, type Bytes } from "./bytes";

export interface Backend {
  readonly kind: "native" | "portable";
  /** DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / AES-256-GCM: sealing.py's suite. */
  readonly suite: CipherSuite;
  /** X25519(private, 9): the raw public key of a raw 32-byte private key. */
  publicKeyOf(privateKey: Uint8Array): Promise<Bytes>;
}

// RFC 8410 PKCS #8 prefix of an X25519 private key; the 32 raw bytes follow.
const PKCS8_X25519_PREFIX = new Uint8Array([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20,
]);
const BASE_POINT = new Uint8Array(32);
BASE_POINT[0] = 9;

function suiteWith(kem: CipherSuite["kem"]): CipherSuite {
  return new CipherSuite({ kem, kdf: new HkdfSha256(), aead: new Aes256Gcm() });
}

/** A WebCrypto X25519 private key from raw bytes: usable for deriveBits, never exportable. */
export async function importNativePrivateKey(privateKey: Bytes): Promise<CryptoKey> {
  const pkcs8 = new Uint8Array(PKCS8_X25519_PREFIX.length + privateKey.length);
  pkcs8.set(PKCS8_X25519_PREFIX);
  pkcs8.set(privateKey, PKCS8_X25519_PREFIX.length);
  try {
    return await crypto.subtle.importKey("pkcs8", pkcs8, { name: "X25519" }, false, ["deriveBits"]);
  } finally {
    pkcs8.fill(0);
  }
}

function nativeBackend(): Backend {
  return {
    kind: "native",
    suite: suiteWith(new DhkemX25519HkdfSha256()),
    async publicKeyOf(privateKey) {
      const key = await importNativePrivateKey(bytes(privateKey));
      const base = await crypto.subtle.importKey("raw", BASE_POINT, { name: "X25519" }, true, []);
      return bytes(await crypto.subtle.deriveBits({ name: "X25519", public: base }, key, 256));
    },
  };
}

async function portableBackend(): Promise<Backend> {
  const portable = await import("@hpke/dhkem-x25519");
  const x25519 = new portable.X25519(new portable.HkdfSha256());
  return {
    kind: "portable",
    suite: suiteWith(new portable.DhkemX25519HkdfSha256()),
    async publicKeyOf(privateKey) {
      const key = await x25519.deserializePrivateKey(bytes(privateKey));
      return bytes(await x25519.serializePublicKey(await x25519.derivePublicKey(key)));
    },
  };
}

/** A backend of the given kind (tests use both; the app uses `backend()`). */
export async function createBackend(kind: Backend["kind"]): Promise<Backend> {
  return kind === "native" ? nativeBackend() : portableBackend();
}

async function hasNativeX25519(): Promise<boolean> {
  try {
    await crypto.subtle.generateKey({ name: "X25519" }, false, ["deriveBits"]);
    return true;
  } catch {
    return false;
  }
}

let chosen: Promise<Backend> | undefined;

/** This browser's backend: native if it has WebCrypto X25519, portable otherwise. */
export function backend(): Promise<Backend> {
  chosen ??= hasNativeX25519()
    .then((native) => createBackend(native ? "native" : "portable"))
    .catch((error: unknown) => {
      chosen = undefined; // a failed chunk load may succeed next time
      throw error;
    });
  return chosen;
}
