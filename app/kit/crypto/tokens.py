"""Bearer tokens (sessions, invitations, resets): random values stored only as a keyed MAC.

A database dump then yields no usable token, and without the keyring not even a way to test
guesses offline.
"""

from __future__ import annotations

import hmac
import secrets

from app.kit.crypto.keyring import (
    Keyring,
    Purpose,
    _candidate_versions,
    _encode_parts,
    _versioned_mac,
)

_MIN_TOKEN_BYTES = 16


def new_token(nbytes: int = 32) -> str:
    """Return a URL-safe random token of ``nbytes`` random bytes (256 bits by default).

    ValueError below 16 bytes: shorter tokens could be guessed online.
    """
    if nbytes < _MIN_TOKEN_BYTES:
        raise ValueError(f"tokens need at least {_MIN_TOKEN_BYTES} random bytes")
    return secrets.token_urlsafe(nbytes)


def token_mac(keyring: Keyring, token: str, *, purpose: str, version: int | None = None) -> bytes:
    """Return the 36-byte MAC (version prefix + HMAC-SHA256) of ``token`` for ``purpose``.

    The purpose separates token kinds: a session token never verifies as a reset token.
    """
    if not isinstance(purpose, str) or not purpose:
        raise ValueError("purpose must be a non-empty string")
    # Tokens arrive from untrusted requests; a lone surrogate must give a non-matching MAC,
    # not an encoding error.
    message = _encode_parts(purpose.encode("utf-8"), token.encode("utf-8", "surrogatepass"))
    return _versioned_mac(keyring, Purpose.TOKEN_MAC, message, version)


def token_mac_candidates(keyring: Keyring, token: str, *, purpose: str) -> list[bytes]:
    """Return the MAC of ``token`` under every keyring version, current first."""
    return [
        token_mac(keyring, token, purpose=purpose, version=version)
        for version in _candidate_versions(keyring)
    ]


def constant_time_equal(a: bytes, b: bytes) -> bool:
    """Compare two byte strings in time independent of where they differ."""
    return hmac.compare_digest(a, b)
