// Byte helpers for the custody kit. Everything returned is a plain Uint8Array of this realm
// backed by its own ArrayBuffer, which is what WebCrypto's types and the libraries' checks want.

export type Bytes = Uint8Array<ArrayBuffer>;

/** A copy of `data` as a plain Uint8Array (not a Buffer, a view or another realm's array). */
export function bytes(data: ArrayBufferView | ArrayBuffer): Bytes {
  const view = ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : new Uint8Array(data);
  return new Uint8Array(view); // copies into a fresh buffer
}

export function utf8(text: string): Bytes {
  return bytes(new TextEncoder().encode(text));
}

export function concat(...parts: Uint8Array[]): Bytes {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Each part prefixed with its length as 4 bytes big-endian (keyring.py's _encode_parts). */
export function encodeParts(...parts: Uint8Array[]): Bytes {
  return concat(
    ...parts.flatMap((part) => {
      const length = new Uint8Array(4);
      new DataView(length.buffer).setUint32(0, part.length);
      return [length, part];
    }),
  );
}

/** Equal contents, in time that depends on the lengths only. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return difference === 0;
}

/** Standard base64 with padding. */
export function toBase64(data: Uint8Array): string {
  let binary = "";
  for (const byte of data) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Decode canonical standard base64 (what toBase64 writes, nothing else); null otherwise. */
export function fromBase64(text: string): Bytes | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return null;
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return null;
  }
  const out = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  // atob ignores the unused low bits of the last character: one value, one spelling.
  return toBase64(out) === text ? out : null;
}

export function toHex(data: Uint8Array): string {
  return Array.from(data, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

export function fromHex(text: string): Bytes {
  if (!/^(?:[0-9a-f]{2})*$/i.test(text)) throw new TypeError("not hexadecimal");
  return Uint8Array.from(text.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}
