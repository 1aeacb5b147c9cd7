"""Small factories for identity tests: real rows through the real services."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import SYSTEM
from app.auth.passwords import password_hasher
from app.auth.service import create_account
from app.models.users import PlatformRole, User
from tests.conftest import TEST_AUTH

PASSWORD = "violet tractor umbrella 42"


async def make_user(
    session: AsyncSession,
    *,
    email: str | None = None,
    password: str | None = PASSWORD,
    roles: frozenset[PlatformRole] = frozenset(),
    display_name: str = "Test Person",
) -> User:
    user = await create_account(
        session,
        actor=SYSTEM,
        hasher=password_hasher(TEST_AUTH),
        email=email or f"user-{uuid.uuid4().hex[:8]}@example.org",
        display_name=display_name,
        password=password,
        platform_roles=roles,
    )
    await session.commit()
    return user
