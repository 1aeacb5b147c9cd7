"""Second-factor queries: TOTP factors, pending TOTP set-ups (challenges) and recovery
codes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.models.identity import AuthChallenge, RecoveryCode, TotpFactor

# --- TOTP ---------------------------------------------------------------------------


async def find_confirmed_totp(
    session: AsyncSession, user_id: uuid.UUID, *, lock: bool = False
) -> TotpFactor | None:
    query = select(TotpFactor).where(
        TotpFactor.user_id == user_id, TotpFactor.confirmed_at.is_not(None)
    )
    if lock:
        # Two requests with the same code must not both read the old last_used_step.
        query = query.with_for_update().execution_options(populate_existing=True)
    return await session.scalar(query)


async def find_totp(session: AsyncSession, user_id: uuid.UUID) -> TotpFactor | None:
    """The user's TOTP factor, confirmed or not."""
    return await session.scalar(select(TotpFactor).where(TotpFactor.user_id == user_id))


async def mark_pending_challenges_used(
    session: AsyncSession, user_id: uuid.UUID, *, purpose: str, now: datetime
) -> None:
    await session.execute(
        update(AuthChallenge)
        .where(
            AuthChallenge.user_id == user_id,
            AuthChallenge.purpose == purpose,
            AuthChallenge.used_at.is_(None),
        )
        .values(used_at=now)
    )


async def find_newest_pending_challenge_for_update(
    session: AsyncSession, user_id: uuid.UUID, *, purpose: str
) -> AuthChallenge | None:
    return await session.scalar(
        select(AuthChallenge)
        .where(
            AuthChallenge.user_id == user_id,
            AuthChallenge.purpose == purpose,
            AuthChallenge.used_at.is_(None),
        )
        .order_by(AuthChallenge.created_at.desc(), AuthChallenge.id.desc())
        .limit(1)
        .with_for_update()
    )


# --- Recovery codes -----------------------------------------------------------------


async def list_unused_codes(session: AsyncSession, user_id: uuid.UUID) -> Sequence[RecoveryCode]:
    return (
        await session.scalars(
            select(RecoveryCode)
            .where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
            .order_by(RecoveryCode.id)
        )
    ).all()


async def mark_code_used(session: AsyncSession, code_id: uuid.UUID, *, now: datetime) -> bool:
    """Mark the code used in one atomic UPDATE (``used_at IS NULL`` in its WHERE); False
    when it was already used (a racing request got there first)."""
    used = await session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.id == code_id, RecoveryCode.used_at.is_(None))
        .values(used_at=now)
        .returning(RecoveryCode.id)
    )
    return used.first() is not None


async def count_unused_codes(session: AsyncSession, user_id: uuid.UUID) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(RecoveryCode)
            .where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
        )
        or 0
    )


async def delete_codes_of(session: AsyncSession, user_id: uuid.UUID) -> None:
    await session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
