"""Ed25519 signatures for audit checkpoints. Keys and signatures are raw bytes."""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from app.kit.crypto.errors import CryptoError


def _private(private: bytes) -> Ed25519PrivateKey:
    try:
        return Ed25519PrivateKey.from_private_bytes(private)
    except (ValueError, TypeError):
        raise CryptoError("signing key must be 32 raw bytes") from None


def generate_signing_key() -> bytes:
    """Return a fresh raw 32-byte Ed25519 private key."""
    return Ed25519PrivateKey.generate().private_bytes_raw()


def public_key_of(private: bytes) -> bytes:
    """Return the raw 32-byte public key of a raw private key; CryptoError if malformed."""
    return _private(private).public_key().public_bytes_raw()


def sign(private: bytes, message: bytes) -> bytes:
    """Return the 64-byte Ed25519 signature of ``message``; CryptoError if the key is malformed."""
    return _private(private).sign(message)


def verify_signature(public: bytes, message: bytes, signature: bytes) -> bool:
    """Return True only for a valid signature; False (never an exception) for anything else."""
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True
