"""Deleting sign-in state nobody can use any more: expired challenges, dead sessions,
stale throttles, expired email changes. The worker's ``auth.housekeeping`` job runs it
every PURGE_EVERY, in a unit of work of its own.

Keeping them would only grow the tables (anonymous visitors can create challenges) and
keep metadata about past sign-ins longer than needed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.models.identity import AuthChallenge, AuthSession, AuthThrottle
from app.models.users import EmailChange

# How often the worker's auth.housekeeping job runs (app/jobs/schedule.py).
PURGE_EVERY = timedelta(minutes=10)
# Revoked or expired sessions stay listed this long (for "was that me?" questions).
SESSION_RETENTION = timedelta(days=30)


async def purge_expired(session: AsyncSession, *, now: datetime, settings: Settings) -> int:
    removed = 0
    result = await session.execute(
        delete(AuthChallenge).where(
            or_(AuthChallenge.expires_at < now, AuthChallenge.used_at.is_not(None))
        )
    )
    removed += int(result.rowcount or 0)  # type: ignore[attr-defined]
    result = await session.execute(
        delete(AuthSession).where(
            or_(
                AuthSession.expires_at < now - SESSION_RETENTION,
                AuthSession.revoked_at < now - SESSION_RETENTION,
            )
        )
    )
    removed += int(result.rowcount or 0)  # type: ignore[attr-defined]
    stale = now - timedelta(
        minutes=settings.throttle.window_minutes + settings.throttle.block_minutes
    )
    result = await session.execute(
        delete(AuthThrottle).where(
            AuthThrottle.window_started_at < stale,
            or_(AuthThrottle.blocked_until.is_(None), AuthThrottle.blocked_until < now),
        )
    )
    removed += int(result.rowcount or 0)  # type: ignore[attr-defined]
    # An unconfirmed new address (encrypted) is personal data with no use left.
    result = await session.execute(delete(EmailChange).where(EmailChange.expires_at < now))
    removed += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return removed
