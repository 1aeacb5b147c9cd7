"""Account queries: the pending email change, and the lock that serializes changes of one
account."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models.users import EmailChange, User


async def lock_user(session: AsyncSession, user_id: uuid.UUID) -> None:
    """Lock the user's row until the end of the transaction (PostgreSQL; SQLite serializes
    every write)."""
    await session.execute(select(User.id).where(User.id == user_id).with_for_update())


async def find_email_change(
    session: AsyncSession, user_id: uuid.UUID, *, lock: bool = False
) -> EmailChange | None:
    query = select(EmailChange).where(EmailChange.user_id == user_id)
    return await session.scalar(query.with_for_update() if lock else query)
