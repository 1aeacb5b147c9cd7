"""Queries of memberships. No decisions here: callers decide what a row means."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.kit.pagination import keyset_page
from app.models.memberships import (
    Membership,
)
from app.models.users import User, UserStatus


async def get_membership(session: AsyncSession, membership_id: uuid.UUID) -> Membership | None:
    return await session.get(Membership, membership_id)


async def find_membership(
    session: AsyncSession, *, user_id: uuid.UUID, organization_id: uuid.UUID
) -> Membership | None:
    return await session.scalar(
        select(Membership).where(
            Membership.user_id == user_id, Membership.organization_id == organization_id
        )
    )


async def list_members(
    session: AsyncSession,
    organization_id: uuid.UUID,
    *,
    cursor: uuid.UUID | None,
    limit: int,
    active_only: bool = False,
) -> tuple[list[tuple[Membership, User]], uuid.UUID | None]:
    statement = (
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.organization_id == organization_id)
    )
    if active_only:
        statement = statement.where(User.status == UserStatus.ACTIVE)
    rows, next_cursor = await keyset_page(
        session, statement, Membership.id, cursor=cursor, limit=limit
    )
    return [(row[0], row[1]) for row in rows], next_cursor


async def member_ids_of(
    session: AsyncSession, organization_ids: Sequence[uuid.UUID]
) -> set[uuid.UUID]:
    """Everyone holding a membership in any of the organizations."""
    if not organization_ids:
        return set()
    rows = await session.scalars(
        select(Membership.user_id).where(Membership.organization_id.in_(list(organization_ids)))
    )
    return set(rows)


async def memberships_of_users(
    session: AsyncSession, user_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Membership]]:
    found: dict[uuid.UUID, list[Membership]] = {user_id: [] for user_id in user_ids}
    if user_ids:
        rows = await session.scalars(
            select(Membership).where(Membership.user_id.in_(list(user_ids))).order_by(Membership.id)
        )
        for row in rows:
            found[row.user_id].append(row)
    return found
