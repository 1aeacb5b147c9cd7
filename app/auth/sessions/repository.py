"""Session queries. A session is found by its token's MAC (every key version's), never by
a readable token."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.models.identity import AuthSession


async def get_auth_session(session: AsyncSession, session_id: uuid.UUID) -> AuthSession | None:
    return await session.get(AuthSession, session_id)


async def find_by_token_macs(session: AsyncSession, token_macs: list[bytes]) -> AuthSession | None:
    return await session.scalar(select(AuthSession).where(AuthSession.token_mac.in_(token_macs)))


async def list_unrevoked_sessions(
    session: AsyncSession, user_id: uuid.UUID, *, now: datetime, seen_after: datetime
) -> list[AuthSession]:
    """The user's sessions neither revoked, nor expired, nor idle since ``seen_after``;
    newest first."""
    rows = (
        await session.scalars(
            select(AuthSession)
            .where(
                AuthSession.user_id == user_id,
                AuthSession.revoked_at.is_(None),
                AuthSession.expires_at > now,
                AuthSession.last_seen_at > seen_after,
            )
            .order_by(AuthSession.created_at.desc())
        )
    ).all()
    return list(rows)


async def mark_user_sessions_revoked(
    session: AsyncSession,
    user_id: uuid.UUID,
    *,
    now: datetime,
    reason: str,
    keep: uuid.UUID | None = None,
) -> int:
    """Revoke every unrevoked session of the user (but ``keep``) in one UPDATE; how many."""
    statement = (
        update(AuthSession)
        .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=now, revoked_reason=reason)
    )
    if keep is not None:
        statement = statement.where(AuthSession.id != keep)
    result = await session.execute(statement)
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
