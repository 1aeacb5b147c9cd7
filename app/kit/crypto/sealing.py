"""Sealing to a custody public key with HPKE (RFC 9180), so the server can write but not read.

Suite: base mode, DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / AES-256-GCM
(KEM 0x0020, KDF 0x0001, AEAD 0x0002), single-shot.

Blob layout: format byte 0x01 | enc (32-byte encapsulated key) | ciphertext+tag.

cryptography 50's HPKE API takes no AEAD associated data, so the caller's ``info`` and ``aad``
are both bound through the HPKE ``info``: both are authenticated (RFC 9180 §8.1), and with one
message per context the distinction is moot. A custodian's client must build exactly

    hpke_info = len(L) || L || len(info) || info || len(aad) || aad
    L = b"accord/seal/v1", each len a 4-byte big-endian byte count,

and open with empty HPKE AAD.
"""

from __future__ import annotations

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from app.kit.crypto.errors import CryptoError, DecryptionError
from app.kit.crypto.keyring import _encode_parts

FORMAT_V1 = 0x01
_SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
_LABEL = b"accord/seal/v1"
_KEY_SIZE = 32
_ENC_SIZE = 32
_TAG_SIZE = 16


def _hpke_info(info: bytes, aad: bytes) -> bytes:
    return _encode_parts(_LABEL, bytes(info), bytes(aad))


def generate_sealing_keypair() -> tuple[bytes, bytes]:
    """Return a fresh X25519 key pair as (raw 32-byte private, raw 32-byte public)."""
    private = X25519PrivateKey.generate()
    return private.private_bytes_raw(), private.public_key().public_bytes_raw()


def seal(public_key: bytes, plaintext: bytes, *, info: bytes, aad: bytes = b"") -> bytes:
    """Encrypt ``plaintext`` to ``public_key``; only the private key holder can open it.

    ``info`` and ``aad`` must be presented again to open. CryptoError if the public key is not
    a usable X25519 key (wrong length or a low-order point).
    """
    if len(public_key) != _KEY_SIZE:
        raise CryptoError("sealing public key must be 32 raw bytes")
    try:
        recipient = X25519PublicKey.from_public_bytes(public_key)
        sealed = _SUITE.encrypt(plaintext, recipient, info=_hpke_info(info, aad))
    except ValueError:
        raise CryptoError("sealing public key is not a usable X25519 key") from None
    return bytes([FORMAT_V1]) + sealed


def open_sealed(private_key: bytes, blob: bytes, *, info: bytes, aad: bytes = b"") -> bytes:
    """Decrypt a blob from seal; DecryptionError on any failure (wrong key, info, aad, format,
    or a modified blob)."""
    if len(blob) < 1 + _ENC_SIZE + _TAG_SIZE or blob[0] != FORMAT_V1:
        raise DecryptionError("sealed blob is malformed")
    try:
        recipient = X25519PrivateKey.from_private_bytes(private_key)
        return _SUITE.decrypt(blob[1:], recipient, info=_hpke_info(info, aad))
    except (InvalidTag, ValueError, TypeError):
        raise DecryptionError("sealed blob cannot be opened") from None
