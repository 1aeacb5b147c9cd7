"""Recovery codes: ten single-use codes for when the phone or security key is lost.

A code is 12 characters of the base32 alphabet (60 bits), shown as ``xxxx-xxxx-xxxx``.
Only a MAC of (user id, code) is stored, so a database dump yields no usable code and a
code of one user can never match another's. Using a code marks it used in one atomic
UPDATE, so two requests racing with the same code cannot both succeed.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.keys import current_keyring
from app.kit.crypto.tokens import token_mac, token_mac_candidates
from app.models.identity import RecoveryCode

PURPOSE = "recovery-code"
COUNT = 10
GROUPS, GROUP_LENGTH = 3, 4
# RFC 4648 base32, lower case: no 0/1/8/9, so nothing to confuse with o/l/b/g.
ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"


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


async def replace_codes(session: AsyncSession, user_id: uuid.UUID) -> list[str]:
    """Delete every code of the user and create ``COUNT`` new ones, returned once."""
    await session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    canonicals = [_new_canonical() for _ in range(COUNT)]
    keyring = current_keyring()
    for canonical in canonicals:
        session.add(
            RecoveryCode(
                user_id=user_id,
                code_mac=token_mac(keyring, _message(user_id, canonical), purpose=PURPOSE),
            )
        )
    await session.flush()
    return [_display(canonical) for canonical in canonicals]


async def use_code(session: AsyncSession, user_id: uuid.UUID, code: str, *, now: datetime) -> bool:
    """Mark the user's unused ``code`` used; False when there is no such unused code."""
    canonical = normalize_code(code)
    if canonical is None:
        return False
    # Codes made before a key rotation carry an older key version's MAC.
    candidates = token_mac_candidates(
        current_keyring(), _message(user_id, canonical), purpose=PURPOSE
    )
    used = await session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user_id,
            RecoveryCode.code_mac.in_(candidates),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=now)
        .returning(RecoveryCode.id)
    )
    return used.first() is not None


async def count_remaining(session: AsyncSession, user_id: uuid.UUID) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(RecoveryCode)
            .where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
        )
        or 0
    )


async def delete_codes(session: AsyncSession, user_id: uuid.UUID) -> None:
    await session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
