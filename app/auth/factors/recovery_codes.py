"""Recovery codes: ten single-use codes for when the phone or security key is lost.

A code is 12 characters of the base32 alphabet (60 bits), shown as ``xxxx-xxxx-xxxx``.

Storage, and why it survives key rotation: each code is kept as an Argon2id digest of the
code, salted with its user's id, and that digest is stored AES-GCM-encrypted like any
other internal field (``code_digest_ct``). A database dump without the keyring yields
nothing; with the keyring it yields digests that still cost an Argon2id computation per
guess of a 60-bit code; and because the encryption, not a MAC, is what depends on the key
version, ``accord keys rotate`` re-encrypts the digests and an old key version can be
retired while codes made under it stay valid for years.

Codes made before this scheme (2026-11-29) were stored only as a keyed MAC of (user id,
code) (``code_mac``). A MAC cannot be recomputed without the code, which the server never
keeps, so those *legacy* codes hold their key version until their user makes new codes or
``accord keys retire VERSION --force`` withdraws them (app/key_lifecycle.py). They are
still accepted while their version is in the keyring.

Using a code marks it used in one atomic UPDATE (``used_at IS NULL`` in its WHERE), so two
requests racing with the same code cannot both succeed.
"""

from __future__ import annotations

import asyncio
import secrets
import uuid
from datetime import datetime

from argon2.low_level import Type, hash_secret_raw
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.factors import repository as repo
from app.keys import current_keyring
from app.kit.crypto.tokens import constant_time_equal, token_mac_candidates
from app.models.identity import RecoveryCode

PURPOSE = "recovery-code"
COUNT = 10
GROUPS, GROUP_LENGTH = 3, 4
# RFC 4648 base32, lower case: no 0/1/8/9, so nothing to confuse with o/l/b/g.
ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"

# Argon2id cost of one digest (about 10 ms). Below the password parameters on purpose: a
# code is 60 random bits, so even someone holding the database *and* the keyring faces
# 2**57 guesses per user on average at this cost each. The parameters are stored with every
# digest, so raising them later leaves existing codes valid.
DIGEST_MEMORY_KIB, DIGEST_TIME_COST, DIGEST_PARALLELISM = 8192, 2, 1
_DIGEST_SCHEME = "argon2id"
_DIGEST_SALT = b"accord/recovery-code/v1/"


def _new_canonical() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LENGTH))


def _display(canonical: str) -> str:
    return "-".join(canonical[i : i + GROUP_LENGTH] for i in range(0, len(canonical), GROUP_LENGTH))


def generate_code() -> str:
    return _display(_new_canonical())


def normalize_code(code: str) -> str | None:
    """The canonical form (no separators, lower case), or None when it cannot be a code."""
    canonical = "".join(code.replace("-", " ").split()).lower()
    if len(canonical) != GROUPS * GROUP_LENGTH or any(c not in ALPHABET for c in canonical):
        return None
    return canonical


def _message(user_id: uuid.UUID, canonical: str) -> str:
    return f"{user_id}:{canonical}"


Params = tuple[int, int, int]
_CURRENT_PARAMS: Params = (DIGEST_MEMORY_KIB, DIGEST_TIME_COST, DIGEST_PARALLELISM)


def _digest(user_id: uuid.UUID, canonical: str, params: Params) -> bytes:
    memory_kib, time_cost, parallelism = params
    return hash_secret_raw(
        canonical.encode("ascii"),
        # The user's id as salt: one user's digests say nothing about another's, and the
        # digest of a presented code is computed once and compared with all of theirs.
        _DIGEST_SALT + user_id.bytes,
        time_cost=time_cost,
        memory_cost=memory_kib,
        parallelism=parallelism,
        hash_len=32,
        type=Type.ID,
    )


def _encode(params: Params, digest: bytes) -> str:
    """``argon2id:<memory KiB>:<time cost>:<parallelism>:<hex digest>`` (then encrypted)."""
    return ":".join([_DIGEST_SCHEME, *map(str, params), digest.hex()])


def _decode(stored: str) -> tuple[Params, bytes] | None:
    parts = stored.split(":")
    if len(parts) != 5 or parts[0] != _DIGEST_SCHEME:
        return None
    try:
        params = (int(parts[1]), int(parts[2]), int(parts[3]))
        return params, bytes.fromhex(parts[4])
    except ValueError:
        return None


def _new_digests(user_id: uuid.UUID, canonicals: list[str]) -> list[str]:
    return [_encode(_CURRENT_PARAMS, _digest(user_id, c, _CURRENT_PARAMS)) for c in canonicals]


async def replace_codes(session: AsyncSession, user_id: uuid.UUID) -> list[str]:
    """Delete every code of the user and create ``COUNT`` new ones, returned once."""
    await repo.delete_codes_of(session, user_id)
    canonicals = [_new_canonical() for _ in range(COUNT)]
    # Argon2id off the event loop.
    digests = await asyncio.to_thread(_new_digests, user_id, canonicals)
    for digest in digests:
        code = RecoveryCode(user_id=user_id)
        code.code_digest = digest
        session.add(code)
    await session.flush()
    return [_display(canonical) for canonical in canonicals]


def _matching_id(
    user_id: uuid.UUID,
    canonical: str,
    rows: list[tuple[uuid.UUID, str | None, bytes | None]],
    legacy: list[bytes],
) -> uuid.UUID | None:
    """The id of the row among ``rows`` (id, stored digest, legacy MAC) that holds the code;
    ``legacy``: the code's MAC under every key version in the keyring.

    Every row is compared, whichever matches: the time does not tell which one did.
    """
    found: uuid.UUID | None = None
    digests: dict[Params, bytes] = {}
    for row_id, stored, mac in rows:
        matched = False
        if stored is not None:
            decoded = _decode(stored)
            if decoded is not None:
                params, expected = decoded
                if params not in digests:
                    digests[params] = _digest(user_id, canonical, params)
                matched = constant_time_equal(digests[params], expected)
        elif mac is not None:
            matched = any(constant_time_equal(candidate, mac) for candidate in legacy)
        if matched and found is None:
            found = row_id
    return found


async def use_code(session: AsyncSession, user_id: uuid.UUID, code: str, *, now: datetime) -> bool:
    """Mark the user's unused ``code`` used; False when there is no such unused code."""
    canonical = normalize_code(code)
    if canonical is None:
        return False
    unused = await repo.list_unused_codes(session, user_id)
    if not unused:
        return False
    # Decrypted here, in the request's task (the keyring is process state); hashed in a
    # thread.
    rows = [
        (row.id, row.code_digest, bytes(row.code_mac) if row.code_mac is not None else None)
        for row in unused
    ]
    # A legacy code carries the MAC of whichever key version made it.
    legacy = (
        token_mac_candidates(current_keyring(), _message(user_id, canonical), purpose=PURPOSE)
        if any(mac is not None for _, _, mac in rows)
        else []
    )
    matched = await asyncio.to_thread(_matching_id, user_id, canonical, rows, legacy)
    if matched is None:
        return False
    return await repo.mark_code_used(session, matched, now=now)


async def count_remaining(session: AsyncSession, user_id: uuid.UUID) -> int:
    return await repo.count_unused_codes(session, user_id)


async def delete_codes(session: AsyncSession, user_id: uuid.UUID) -> None:
    await repo.delete_codes_of(session, user_id)
