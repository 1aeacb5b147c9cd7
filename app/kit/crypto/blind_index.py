"""Blind indexes: keyed hashes of normalized values for exact-match lookup without plaintext.

Index = key version (4 bytes, big-endian) | HMAC-SHA256(blind-index subkey, domain, value).
The domain keeps indexes of different columns (or of different appeals) unlinkable: the same
email gives unrelated indexes in two domains.
"""

from __future__ import annotations

import unicodedata

from app.kit.crypto.keyring import (
    Keyring,
    Purpose,
    _candidate_versions,
    _encode_parts,
    _mac_version_of,
    _versioned_mac,
)


def normalize_text(value: str) -> str:
    """Return ``value`` NFKC-normalized, case-folded, trimmed, with whitespace runs as one space.

    Case folding can produce text that is no longer NFKC, hence the second normalization.
    """
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value).casefold())
    return " ".join(folded.split())


def normalize_email(value: str) -> str:
    """Return normalize_text(value).

    Deliberately nothing provider-specific (no dot or +tag removal): two addresses that may
    reach different people must never share an index.
    """
    return normalize_text(value)


def blind_index(keyring: Keyring, value: str, *, domain: str, version: int | None = None) -> bytes:
    """Return the 36-byte blind index of ``value`` in ``domain`` under ``version`` (default:
    current). ValueError if the domain or the normalized value is empty."""
    if not isinstance(domain, str) or not domain:
        raise ValueError("domain must be a non-empty string")
    normalized = normalize_text(value)
    # Every blank input would share one index and match each other.
    if not normalized:
        raise ValueError("cannot index an empty value")
    message = _encode_parts(domain.encode("utf-8"), normalized.encode("utf-8"))
    return _versioned_mac(keyring, Purpose.BLIND_INDEX, message, version)


def blind_index_candidates(keyring: Keyring, value: str, *, domain: str) -> list[bytes]:
    """Return the index of ``value`` under every keyring version, current first.

    Stored indexes may predate a key rotation, so lookups use ``column IN (candidates)``.
    """
    return [
        blind_index(keyring, value, domain=domain, version=version)
        for version in _candidate_versions(keyring)
    ]


def index_version_of(blob: bytes) -> int:
    """Return the key version of a blind index; CryptoError if it is not a blind index."""
    return _mac_version_of(blob)
