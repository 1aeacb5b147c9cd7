"""The deletes of the auth housekeeping job (app/auth/housekeeping.py decides the cut-offs)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_
from sqlalchemy.ext.asyncio import AsyncSession

from app.models.identity import AuthChallenge, AuthSession, AuthThrottle
from app.models.users import EmailChange


def _count(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


async def delete_spent_challenges(session: AsyncSession, *, now: datetime) -> int:
    """Challenges that expired or were used."""
    return _count(
        await session.execute(
            delete(AuthChallenge).where(
                or_(AuthChallenge.expires_at < now, AuthChallenge.used_at.is_not(None))
            )
        )
    )


async def delete_sessions_ended_before(session: AsyncSession, *, before: datetime) -> int:
    """Sessions that expired or were revoked before ``before``."""
    return _count(
        await session.execute(
            delete(AuthSession).where(
                or_(AuthSession.expires_at < before, AuthSession.revoked_at < before)
            )
        )
    )


async def delete_stale_throttles(
    session: AsyncSession, *, window_started_before: datetime, now: datetime
) -> int:
    """Attempt counts whose window is over and that block nobody now."""
    return _count(
        await session.execute(
            delete(AuthThrottle).where(
                AuthThrottle.window_started_at < window_started_before,
                or_(AuthThrottle.blocked_until.is_(None), AuthThrottle.blocked_until < now),
            )
        )
    )


async def delete_expired_email_changes(session: AsyncSession, *, now: datetime) -> int:
    return _count(await session.execute(delete(EmailChange).where(EmailChange.expires_at < now)))
