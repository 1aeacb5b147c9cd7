"""A custodian's key file: their X25519 private key under a passphrase, the same in Python and
in the browser (frontend/src/kit/custody/keyFile.ts).

Custodians make their key pair in the browser; the private key never reaches the server. The key
file is their backup and what a command line reads for an offline custodian. Only primitives
that WebCrypto has natively are used, so the browser needs no library for it:

    {
      "format": "accord-custody-key",
      "version": 1,
      "kdf": {"name": "PBKDF2-SHA256", "iterations": 600000, "salt": "<16 bytes, base64>"},
      "cipher": {"name": "AES-256-GCM", "nonce": "<12 bytes, base64>"},
      "public_key": "<32 bytes, base64>",
      "ciphertext": "<48 bytes, base64: the 32-byte raw private key + 16-byte tag>"
    }

- key = PBKDF2-HMAC-SHA256(UTF-8 of the passphrase in Unicode NFC, salt, iterations, 32 bytes);
  NFC so that the same passphrase typed on another keyboard or system (composed "é" or
  "e" + combining accent) opens the file.
- ciphertext = AES-256-GCM(key, nonce, private key, associated data = the raw public key), so
  the stated public key cannot be swapped without the passphrase.
- Base64 is standard with padding, and must be canonical. UTF-8 JSON, no other members.

PBKDF2 rather than Argon2id because WebCrypto has it (Argon2 would mean WebAssembly in the
browser); 600,000 iterations of HMAC-SHA256 is OWASP's current recommendation for PBKDF2.
Reading refuses fewer (a weakened file) and more than 10,000,000 (seconds of work per attempt:
a hostile or corrupt file should not hang the reader).

Errors: KeyringError when the data is not a key file this version can read (not JSON, unknown
format or version, wrong sizes, parameters out of range); DecryptionError when it is one but
does not open: wrong passphrase, any modified field, or a private key that does not match the
stated public key.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import os
import unicodedata
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from app.kit.crypto.errors import CryptoError, DecryptionError, KeyringError

KEY_FILE_FORMAT = "accord-custody-key"
KEY_FILE_VERSION = 1
PBKDF2_ITERATIONS = 600_000
MIN_PBKDF2_ITERATIONS = 600_000
MAX_PBKDF2_ITERATIONS = 10_000_000

_KDF_NAME = "PBKDF2-SHA256"
_CIPHER_NAME = "AES-256-GCM"
_KEY_SIZE = 32
_SALT_SIZE = 16
_NONCE_SIZE = 12
_TAG_SIZE = 16
_MAX_FILE_SIZE = 16 * 1024  # a real one is about 400 bytes
_MEMBERS = {"format", "version", "kdf", "cipher", "public_key", "ciphertext"}


def _derive_key(passphrase: str, salt: bytes, iterations: int) -> bytes:
    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    return PBKDF2HMAC(hashes.SHA256(), _KEY_SIZE, salt, iterations).derive(secret)


def _public_key_of(private_key: bytes) -> bytes:
    return X25519PrivateKey.from_private_bytes(private_key).public_key().public_bytes_raw()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def write_key_file(
    private_key: bytes, passphrase: str, *, iterations: int = PBKDF2_ITERATIONS
) -> bytes:
    """Return the key file (UTF-8 JSON) holding the raw 32-byte X25519 ``private_key``.

    CryptoError if the key is not 32 bytes, the passphrase is empty or not a string, or the
    iteration count is outside [MIN_PBKDF2_ITERATIONS, MAX_PBKDF2_ITERATIONS].
    """
    if not isinstance(private_key, bytes | bytearray) or len(private_key) != _KEY_SIZE:
        raise CryptoError("a custody private key is 32 raw bytes")
    if not isinstance(passphrase, str) or not passphrase:
        raise CryptoError("a key file needs a non-empty passphrase")
    if (
        isinstance(iterations, bool)
        or not isinstance(iterations, int)
        or not MIN_PBKDF2_ITERATIONS <= iterations <= MAX_PBKDF2_ITERATIONS
    ):
        raise CryptoError(
            f"PBKDF2 iterations must be between {MIN_PBKDF2_ITERATIONS} and {MAX_PBKDF2_ITERATIONS}"
        )
    private_key = bytes(private_key)
    public_key = _public_key_of(private_key)
    salt = os.urandom(_SALT_SIZE)
    nonce = os.urandom(_NONCE_SIZE)
    key = _derive_key(passphrase, salt, iterations)
    ciphertext = AESGCM(key).encrypt(nonce, private_key, public_key)
    document = {
        "format": KEY_FILE_FORMAT,
        "version": KEY_FILE_VERSION,
        "kdf": {"name": _KDF_NAME, "iterations": iterations, "salt": _b64(salt)},
        "cipher": {"name": _CIPHER_NAME, "nonce": _b64(nonce)},
        "public_key": _b64(public_key),
        "ciphertext": _b64(ciphertext),
    }
    return (json.dumps(document, indent=2) + "\n").encode("utf-8")


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, value in pairs:
        if name in result:
            raise KeyringError("key file has a duplicate member")
        result[name] = value
    return result


def _object(value: object, members: set[str], where: str) -> dict[str, Any]:
    if not isinstance(value, dict) or set(value) != members:
        raise KeyringError(f"key file {where} must have exactly: {', '.join(sorted(members))}")
    return value


def _bytes(value: object, size: int, what: str) -> bytes:
    if isinstance(value, str):
        try:
            data = base64.b64decode(value.encode("ascii"), validate=True)
        except (UnicodeEncodeError, binascii.Error):
            data = None
        # Canonical only: one file, one spelling (no stray padding bits or missing padding).
        if data is not None and len(data) == size and _b64(data) == value:
            return data
    raise KeyringError(f"key file {what} must be {size} bytes in canonical base64")


def read_key_file(data: bytes, passphrase: str) -> tuple[bytes, bytes]:
    """Open a key file from write_key_file (or the browser); return (private, public), raw.

    KeyringError if ``data`` is not a key file this version reads; DecryptionError if the
    passphrase is wrong, the file was modified, or its private key does not match its public key.
    """
    if len(data) > _MAX_FILE_SIZE:
        raise KeyringError("key file is too large")
    try:
        document = json.loads(bytes(data).decode("utf-8"), object_pairs_hook=_refuse_duplicates)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise KeyringError("key file is not UTF-8 JSON") from None
    document = _object(document, _MEMBERS, "document")
    if document["format"] != KEY_FILE_FORMAT:
        raise KeyringError("not an Accord custody key file")
    if type(document["version"]) is not int or document["version"] != KEY_FILE_VERSION:
        raise KeyringError("unsupported custody key file version")
    kdf = _object(document["kdf"], {"name", "iterations", "salt"}, "kdf")
    cipher = _object(document["cipher"], {"name", "nonce"}, "cipher")
    if kdf["name"] != _KDF_NAME or cipher["name"] != _CIPHER_NAME:
        raise KeyringError("unsupported key file algorithms")
    iterations = kdf["iterations"]
    if (
        isinstance(iterations, bool)
        or not isinstance(iterations, int)
        or not MIN_PBKDF2_ITERATIONS <= iterations <= MAX_PBKDF2_ITERATIONS
    ):
        raise KeyringError(
            f"key file PBKDF2 iterations must be between {MIN_PBKDF2_ITERATIONS} "
            f"and {MAX_PBKDF2_ITERATIONS}"
        )
    salt = _bytes(kdf["salt"], _SALT_SIZE, "salt")
    nonce = _bytes(cipher["nonce"], _NONCE_SIZE, "nonce")
    public_key = _bytes(document["public_key"], _KEY_SIZE, "public key")
    ciphertext = _bytes(document["ciphertext"], _KEY_SIZE + _TAG_SIZE, "ciphertext")

    key = _derive_key(passphrase, salt, iterations)
    try:
        private_key = AESGCM(key).decrypt(nonce, ciphertext, public_key)
    except InvalidTag:
        raise DecryptionError("wrong passphrase, or the key file was modified") from None
    if not hmac.compare_digest(_public_key_of(private_key), public_key):
        raise DecryptionError("the key file's private key does not match its public key")
    return private_key, public_key
