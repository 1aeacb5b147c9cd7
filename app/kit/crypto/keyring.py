"""Versioned master keys and the per-purpose subkeys derived from them.

A master key is never used directly: every use goes through ``Keyring.subkey``, so a key that
leaks from one purpose (say a blind index) says nothing about another (field encryption).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import re
import secrets
from collections.abc import Mapping
from enum import StrEnum
from hashlib import sha256
from types import MappingProxyType
from typing import Any, NoReturn

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.kit.crypto.errors import CryptoError, KeyringError

KEY_SIZE = 32
# Versions travel in 4-byte big-endian headers of every ciphertext and MAC.
MAX_VERSION = 2**32 - 1
JSON_FORMAT = "accord-keyring/1"

_HKDF_SALT = b"accord-keyring/v1"
# ASCII digits only (\d would accept other scripts' digits) and no leading zero, so that every
# version has exactly one spelling in the file.
_JSON_VERSION = re.compile(r"[1-9][0-9]{0,9}")
_FIELDS = ("format", "current", "development", "keys")
_JSON_FIELDS = frozenset(_FIELDS)
_MAC_SIZE = 4 + 32


class Purpose(StrEnum):
    """What a subkey is for; the value is part of the HKDF label and must never change."""

    FIELD = "field-encryption"
    BLIND_INDEX = "blind-index"
    # A label, not a secret.
    TOKEN_MAC = "token-mac"  # noqa: S105  # nosec B105
    # Signs proof-of-work challenges (app/kit/crypto/proof_of_work.py).
    PROOF_OF_WORK = "proof-of-work"


def generate_master_key() -> bytes:
    """Return a fresh random 32-byte master key."""
    return secrets.token_bytes(KEY_SIZE)


def _is_version(value: object) -> bool:
    # type() rather than isinstance(): True would otherwise pass as version 1.
    return type(value) is int and 1 <= value <= MAX_VERSION


class Keyring:
    """An immutable set of versioned 32-byte master keys, one of which is current.

    New data is always protected with the current version; older versions stay only so that
    existing data can be read until it has been re-encrypted and the version retired.
    """

    __slots__ = ("_current", "_development", "_keys", "_subkeys")

    _keys: Mapping[int, bytes]
    _current: int
    _development: bool
    _subkeys: dict[tuple[Purpose, int], bytes]

    def __init__(
        self,
        master_keys: Mapping[int, bytes],
        current_version: int,
        *,
        development: bool = False,
    ) -> None:
        """Validate and copy the keys; raise KeyringError if anything is off."""
        keys: dict[int, bytes] = {}
        for version, key in master_keys.items():
            if not _is_version(version):
                raise KeyringError(f"key versions must be integers from 1 to {MAX_VERSION}")
            if not isinstance(key, bytes | bytearray) or len(key) != KEY_SIZE:
                raise KeyringError(f"master key version {version} is not {KEY_SIZE} bytes")
            keys[version] = bytes(key)
        if not _is_version(current_version) or current_version not in keys:
            raise KeyringError("the current version is not in the keyring")
        if not isinstance(development, bool):
            raise KeyringError("development must be a bool")
        object.__setattr__(self, "_keys", MappingProxyType(dict(sorted(keys.items()))))
        object.__setattr__(self, "_current", current_version)
        object.__setattr__(self, "_development", development)
        # Only a cache of values that are a pure function of the immutable state above.
        object.__setattr__(self, "_subkeys", {})

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError("Keyring is immutable")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError("Keyring is immutable")

    def __repr__(self) -> str:
        return (
            f"Keyring(versions={self.versions!r}, current_version={self._current!r}, "
            f"development={self._development!r})"
        )

    @property
    def current_version(self) -> int:
        """The version that protects all new data."""
        return self._current

    @property
    def versions(self) -> tuple[int, ...]:
        """Every version in the keyring, ascending."""
        return tuple(self._keys)

    @property
    def development(self) -> bool:
        """True for throwaway keys generated on a developer machine."""
        return self._development

    def subkey(self, purpose: Purpose, version: int | None = None) -> bytes:
        """Return the 32-byte subkey for ``purpose`` under ``version`` (default: current).

        HKDF-SHA256(master, salt=b"accord-keyring/v1", info=b"accord/<purpose>/v<version>").
        Raise KeyringError for an unknown purpose or version.
        """
        if not isinstance(purpose, Purpose):
            raise KeyringError("unknown key purpose")
        if version is None:
            version = self._current
        if not _is_version(version) or version not in self._keys:
            raise KeyringError(f"key version {version!r} is not in the keyring")
        cached = self._subkeys.get((purpose, version))
        if cached is None:
            cached = HKDF(
                algorithm=hashes.SHA256(),
                length=KEY_SIZE,
                salt=_HKDF_SALT,
                info=f"accord/{purpose.value}/v{version}".encode("ascii"),
            ).derive(self._keys[version])
            self._subkeys[(purpose, version)] = cached
        return cached

    def with_new_version(self, key: bytes | None = None) -> Keyring:
        """Return a keyring with ``key`` (random if None) added as version max+1, now current."""
        version = max(self._keys) + 1
        if version > MAX_VERSION:
            raise KeyringError("no key versions left")
        keys = dict(self._keys)
        keys[version] = generate_master_key() if key is None else key
        return Keyring(keys, version, development=self._development)

    def without_version(self, version: int) -> Keyring:
        """Return a keyring without ``version``; refuse the current version and unknown ones.

        Data still encrypted under the retired version becomes unreadable, so retire a
        version only once re-encryption has finished.
        """
        if version == self._current:
            raise KeyringError("the current key version cannot be retired")
        if not _is_version(version) or version not in self._keys:
            raise KeyringError(f"key version {version!r} is not in the keyring")
        keys = {v: k for v, k in self._keys.items() if v != version}
        return Keyring(keys, self._current, development=self._development)

    def to_json(self) -> str:
        """Serialize to the ``accord-keyring/1`` JSON format. The result is secret."""
        return json.dumps(
            {
                "format": JSON_FORMAT,
                "current": self._current,
                "development": self._development,
                "keys": {
                    str(version): base64.b64encode(key).decode("ascii")
                    for version, key in self._keys.items()
                },
            }
        )

    @classmethod
    def from_json(cls, text: str) -> Keyring:
        """Parse the ``accord-keyring/1`` JSON format strictly.

        Raise KeyringError on any deviation. The message never repeats the input, and no parser
        exception is chained to it: JSONDecodeError keeps the whole input in ``.doc``.
        """
        data = _parse_json(text)
        if not isinstance(data, dict) or set(data) != _JSON_FIELDS:
            raise _malformed("expected an object with exactly the fields " + ", ".join(_FIELDS))
        if data["format"] != JSON_FORMAT:
            raise _malformed(f"format is not {JSON_FORMAT}")
        current = data["current"]
        if not _is_version(current):
            raise _malformed("current is not a key version")
        development = data["development"]
        if not isinstance(development, bool):
            raise _malformed("development is not a boolean")
        encoded_keys = data["keys"]
        if not isinstance(encoded_keys, dict):
            raise _malformed("keys is not an object")
        keys: dict[int, bytes] = {}
        for name, encoded in encoded_keys.items():
            if not _JSON_VERSION.fullmatch(name):
                raise _malformed("a key name is not a version number")
            key = _parse_base64(encoded)
            if key is None:
                raise _malformed("a key is not a base64 string")
            keys[int(name)] = key
        return cls(keys, current, development=development)


# The parsers below return None instead of raising so that the KeyringError raised by the
# caller has no __context__ pointing back at the input.


def _parse_json(text: str) -> object:
    try:
        return json.loads(text, object_pairs_hook=_reject_duplicate_names)
    except (ValueError, TypeError, RecursionError):
        return None


def _parse_base64(encoded: object) -> bytes | None:
    if not isinstance(encoded, str):
        return None
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return None


def _reject_duplicate_names(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json.loads silently keeps the last duplicate; a keyring with two candidate values for one
    # key is more likely tampered with or mis-merged than meant.
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate name")
    return result


def _malformed(reason: str) -> KeyringError:
    return KeyringError(f"malformed keyring JSON: {reason}")


def _encode_parts(*parts: bytes) -> bytes:
    """Length-prefix each part (4-byte big-endian) so that no two inputs encode alike."""
    return b"".join(len(part).to_bytes(4, "big") + part for part in parts)


def _versioned_mac(
    keyring: Keyring, purpose: Purpose, message: bytes, version: int | None
) -> bytes:
    """Return the 4-byte big-endian version followed by HMAC-SHA256 under that subkey."""
    if version is None:
        version = keyring.current_version
    key = keyring.subkey(purpose, version)
    return version.to_bytes(4, "big") + hmac.new(key, message, sha256).digest()


def _candidate_versions(keyring: Keyring) -> list[int]:
    """Current version first, then the others newest first (the likeliest match order)."""
    current = keyring.current_version
    return [current] + [v for v in reversed(keyring.versions) if v != current]


def _mac_version_of(blob: bytes) -> int:
    """Return the version prefix of a versioned MAC, or raise CryptoError if malformed."""
    if len(blob) != _MAC_SIZE:
        raise CryptoError(f"a versioned MAC is {_MAC_SIZE} bytes")
    version = int.from_bytes(blob[:4], "big")
    if version == 0:
        raise CryptoError("a versioned MAC cannot have version 0")
    return version
