"""Queries of user accounts and platform roles. No decisions here."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.keys import current_keyring
from app.kit.email import email_index_candidates
from app.kit.pagination import keyset_page
from app.models.memberships import Membership
from app.models.users import EMAIL_INDEX_DOMAIN, PlatformRoleGrant, User, UserStatus
from app.permissions import OrgRole, PlatformRole


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    return await session.get(User, user_id)


async def find_user_by_email(session: AsyncSession, email: str) -> User | None:
    candidates = email_index_candidates(current_keyring(), email, domain=EMAIL_INDEX_DOMAIN)
    return await session.scalar(select(User).where(User.email_index.in_(candidates)).limit(1))


async def list_users(
    session: AsyncSession, *, status: str | None, cursor: uuid.UUID | None, limit: int
) -> tuple[list[User], uuid.UUID | None]:
    statement = select(User)
    if status is not None:
        statement = statement.where(User.status == status)
    rows, next_cursor = await keyset_page(session, statement, User.id, cursor=cursor, limit=limit)
    return [row[0] for row in rows], next_cursor


async def platform_roles_of_users(
    session: AsyncSession, user_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[str]]:
    found: dict[uuid.UUID, list[str]] = {user_id: [] for user_id in user_ids}
    if user_ids:
        rows = await session.execute(
            select(PlatformRoleGrant.user_id, PlatformRoleGrant.role)
            .where(PlatformRoleGrant.user_id.in_(list(user_ids)))
            .order_by(PlatformRoleGrant.role)
        )
        for user_id, role in rows:
            found[user_id].append(role)
    return found


async def active_users_with_roles(session: AsyncSession, roles: Sequence[str]) -> list[User]:
    """Active accounts holding any of the platform ``roles``."""
    if not roles:
        return []
    holders = select(PlatformRoleGrant.user_id).where(PlatformRoleGrant.role.in_(list(roles)))
    return list(
        await session.scalars(
            select(User).where(User.status == UserStatus.ACTIVE, User.id.in_(holders))
        )
    )


async def find_role_grant(
    session: AsyncSession, *, user_id: uuid.UUID, role: str
) -> PlatformRoleGrant | None:
    return await session.scalar(
        select(PlatformRoleGrant).where(
            PlatformRoleGrant.user_id == user_id, PlatformRoleGrant.role == role
        )
    )


async def lock_user(session: AsyncSession, user_id: uuid.UUID) -> None:
    """Holds the user's row until the transaction ends (PostgreSQL; SQLite's BEGIN IMMEDIATE
    already serializes writers)."""
    await session.execute(select(User.id).where(User.id == user_id).with_for_update())


async def count_active_admins_locked(session: AsyncSession) -> int:
    """Active admins, after locking every admin grant row until the transaction ends.

    Two admins suspending each other at once would otherwise both count two admins and
    leave none: the lock makes the second wait and count again (PostgreSQL; SQLite
    transactions are already serialized by BEGIN IMMEDIATE).
    """
    await session.execute(
        select(PlatformRoleGrant.id)
        .where(PlatformRoleGrant.role == PlatformRole.ADMIN)
        .with_for_update()
    )
    return int(
        await session.scalar(
            select(func.count())
            .select_from(PlatformRoleGrant)
            .join(User, User.id == PlatformRoleGrant.user_id)
            .where(PlatformRoleGrant.role == PlatformRole.ADMIN, User.status == UserStatus.ACTIVE)
        )
        or 0
    )


async def get_users(session: AsyncSession, user_ids: Sequence[uuid.UUID]) -> list[User]:
    if not user_ids:
        return []
    return list((await session.scalars(select(User).where(User.id.in_(set(user_ids))))).all())


async def representatives_of(
    session: AsyncSession, organization_ids: Sequence[uuid.UUID]
) -> list[tuple[uuid.UUID, User]]:
    """(organization id, user) of every active representative of the organizations."""
    if not organization_ids:
        return []
    statement = (
        select(Membership.organization_id, User)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.organization_id.in_(set(organization_ids)),
            Membership.role == OrgRole.REPRESENTATIVE,
            User.status == UserStatus.ACTIVE,
        )
    )
    return [(row[0], row[1]) for row in (await session.execute(statement)).all()]
