"""The only way to load a session on someone's behalf (ARCHITECTURE §3)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import Actor
from app.auth.sessions.errors import SessionNotFound
from app.auth.sessions.repository import get_auth_session
from app.models.identity import AuthSession


async def access_session(session: AsyncSession, actor: Actor, session_id: uuid.UUID) -> AuthSession:
    """One of the actor's own live (unrevoked) sessions. Another user's session, a revoked
    one and an unknown id are all 404, indistinguishable."""
    record = await get_auth_session(session, session_id)
    if (
        record is None
        or actor.user_id is None
        or record.user_id != actor.user_id
        or record.revoked_at is not None
    ):
        raise SessionNotFound()
    return record
