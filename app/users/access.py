"""The only way routes load another user's account: seen only by those who manage users."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import Actor
from app.auth.guards import require_granted
from app.models.users import User
from app.permissions import Permission, platform_permissions
from app.users import repository as repo
from app.users.errors import UserNotFound


async def access_user(
    session: AsyncSession,
    actor: Actor,
    user_id: uuid.UUID,
    need: Permission = Permission.USERS_MANAGE,
) -> User:
    """Other users' accounts are seen here only by those who manage users (admins)."""
    granted = platform_permissions(actor.platform_roles)
    if Permission.USERS_READ not in granted:
        raise UserNotFound()
    user = await repo.get_user(session, user_id)
    if user is None:
        raise UserNotFound()
    require_granted(actor, granted, need)
    return user
