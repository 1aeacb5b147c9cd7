"""AES-256-GCM encryption of a file, one chunk at a time, under a key of its own.

A file is streamed in and out in chunks, so it is never whole in memory. Each chunk is
sealed under the file's random 256-bit key with a fresh nonce, and its associated data binds
the file id, the chunk's position and whether it is the last: chunks cannot be reordered,
dropped from the end, duplicated or moved to another file without failing to decrypt (the
STREAM construction's guarantees, with random nonces instead of counters because a chunk is
written once).

Blob layout: format byte 0x01 | nonce (12) | ciphertext+tag. The file key itself is stored
encrypted by the keyring (a field like any other), so key rotation re-wraps only that.
"""

from __future__ import annotations

import secrets
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.kit.crypto.errors import DecryptionError

FORMAT_V1 = 0x01
FILE_KEY_SIZE = 32
_NONCE_SIZE = 12
_TAG_SIZE = 16
CHUNK_OVERHEAD = 1 + _NONCE_SIZE + _TAG_SIZE


def new_file_key() -> bytes:
    return secrets.token_bytes(FILE_KEY_SIZE)


def _associated_data(file_id: UUID, seq: int, last: bool) -> bytes:
    if not 0 <= seq < 2**32:
        raise ValueError("chunk position out of range")
    return b"accord-file-chunk\x00" + file_id.bytes + seq.to_bytes(4, "big") + bytes([last])


def encrypt_chunk(key: bytes, plaintext: bytes, *, file_id: UUID, seq: int, last: bool) -> bytes:
    if len(key) != FILE_KEY_SIZE:
        raise ValueError("a file key is 32 bytes")
    nonce = secrets.token_bytes(_NONCE_SIZE)
    sealed = AESGCM(key).encrypt(nonce, plaintext, _associated_data(file_id, seq, last))
    return bytes([FORMAT_V1]) + nonce + sealed


def decrypt_chunk(key: bytes, blob: bytes, *, file_id: UUID, seq: int, last: bool) -> bytes:
    if len(blob) < CHUNK_OVERHEAD or blob[0] != FORMAT_V1:
        raise DecryptionError("not a file chunk")
    nonce = blob[1 : 1 + _NONCE_SIZE]
    try:
        with memoryview(blob) as view:  # the ciphertext read in place, not copied first
            return AESGCM(key).decrypt(
                nonce, view[1 + _NONCE_SIZE :], _associated_data(file_id, seq, last)
            )
    except InvalidTag as exc:
        raise DecryptionError("file chunk failed to decrypt") from exc
