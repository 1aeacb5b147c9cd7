"""AES-256-GCM encryption of one database field, bound to the cell it lives in.

Blob layout: format byte 0x01 | key version (4 bytes, big-endian) | nonce (12) | ciphertext+tag.
The associated data binds the header, table, column and row id, so a ciphertext copied to
another cell, or relabelled with another key version, fails to decrypt instead of being
silently accepted.
"""

from __future__ import annotations

import secrets
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.kit.crypto.errors import DecryptionError, KeyringError
from app.kit.crypto.keyring import Keyring, Purpose, _encode_parts

FORMAT_V1 = 0x01
_HEADER_SIZE = 1 + 4
_NONCE_SIZE = 12
_TAG_SIZE = 16
_MIN_SIZE = _HEADER_SIZE + _NONCE_SIZE + _TAG_SIZE


def _associated_data(header: bytes, table: str, column: str, row_id: UUID | str) -> bytes:
    if not isinstance(table, str) or not table or not isinstance(column, str) or not column:
        raise ValueError("table and column must be non-empty strings")
    # A missing id must not silently become "None" or "": that would bind nothing.
    if not isinstance(row_id, UUID | str) or not str(row_id):
        raise ValueError("row_id must be a UUID or a non-empty string")
    return _encode_parts(
        header, table.encode("utf-8"), column.encode("utf-8"), str(row_id).encode("utf-8")
    )


def encrypt_field(
    keyring: Keyring,
    plaintext: bytes,
    *,
    table: str,
    column: str,
    row_id: UUID | str,
    version: int | None = None,
) -> bytes:
    """Encrypt ``plaintext`` for the cell (table, column, row_id) under ``version`` (default:
    current). ``row_id`` is bound as ``str(row_id)``: pass the same form when decrypting."""
    if version is None:
        version = keyring.current_version
    key = keyring.subkey(Purpose.FIELD, version)
    header = bytes([FORMAT_V1]) + version.to_bytes(4, "big")
    # Random 96-bit nonces stay far from collision below 2**32 messages per key version.
    nonce = secrets.token_bytes(_NONCE_SIZE)
    aad = _associated_data(header, table, column, row_id)
    return header + nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def key_version_of(blob: bytes) -> int:
    """Return the key version in a field blob's header; DecryptionError if it is not one.

    The header is not authenticated by this call; only decrypt_field proves it genuine.
    """
    if len(blob) < _MIN_SIZE:
        raise DecryptionError("encrypted field is too short")
    if blob[0] != FORMAT_V1:
        raise DecryptionError("encrypted field has an unknown format")
    version = int.from_bytes(blob[1:_HEADER_SIZE], "big")
    if version == 0:
        raise DecryptionError("encrypted field has key version 0")
    return version


def decrypt_field(
    keyring: Keyring, blob: bytes, *, table: str, column: str, row_id: UUID | str
) -> bytes:
    """Decrypt a blob from encrypt_field for the same cell.

    Raise DecryptionError if the blob is malformed, tampered with, from another cell, or under
    a key version the keyring no longer holds.
    """
    version = key_version_of(blob)
    aad = _associated_data(blob[:_HEADER_SIZE], table, column, row_id)
    try:
        key = keyring.subkey(Purpose.FIELD, version)
    except KeyringError:
        raise DecryptionError(f"key version {version} is not in the keyring") from None
    nonce = blob[_HEADER_SIZE : _HEADER_SIZE + _NONCE_SIZE]
    try:
        return AESGCM(key).decrypt(nonce, blob[_HEADER_SIZE + _NONCE_SIZE :], aad)
    except InvalidTag:
        raise DecryptionError("encrypted field failed authentication") from None


def encrypt_text(
    keyring: Keyring,
    plaintext: str,
    *,
    table: str,
    column: str,
    row_id: UUID | str,
    version: int | None = None,
) -> bytes:
    """encrypt_field for UTF-8 text."""
    return encrypt_field(
        keyring,
        plaintext.encode("utf-8"),
        table=table,
        column=column,
        row_id=row_id,
        version=version,
    )


def decrypt_text(
    keyring: Keyring, blob: bytes, *, table: str, column: str, row_id: UUID | str
) -> str:
    """decrypt_field for UTF-8 text; DecryptionError also if the plaintext is not UTF-8."""
    plaintext = decrypt_field(keyring, blob, table=table, column=column, row_id=row_id)
    try:
        return plaintext.decode("utf-8")
    except UnicodeDecodeError:
        raise DecryptionError("encrypted field is not UTF-8 text") from None
