"""Deleting sign-in state nobody can use any more: expired challenges, dead sessions,
stale throttles, expired email changes. The worker's ``auth.housekeeping`` job runs it
every PURGE_EVERY, in a unit of work of its own.

Keeping them would only grow the tables (anonymous visitors can create challenges) and
keep metadata about past sign-ins longer than needed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import housekeeping_repository as repo
from app.config import Settings

# How often the worker's auth.housekeeping job runs (app/jobs/schedule.py).
PURGE_EVERY = timedelta(minutes=10)
# Revoked or expired sessions stay listed this long (for "was that me?" questions).
SESSION_RETENTION = timedelta(days=30)


async def purge_expired(session: AsyncSession, *, now: datetime, settings: Settings) -> int:
    """Deletes what nobody can use any more; returns how many rows went."""
    stale = now - timedelta(
        minutes=settings.throttle.window_minutes + settings.throttle.block_minutes
    )
    # An unconfirmed new address (encrypted) is personal data with no use left.
    return (
        await repo.delete_spent_challenges(session, now=now)
        + await repo.delete_sessions_ended_before(session, before=now - SESSION_RETENTION)
        + await repo.delete_stale_throttles(session, window_started_before=stale, now=now)
        + await repo.delete_expired_email_changes(session, now=now)
    )
