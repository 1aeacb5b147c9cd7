"""Queries of organizations. No decisions here: callers decide what a row means."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.kit.pagination import keyset_page
from app.models.memberships import (
    Organization,
)


async def get_organization(
    session: AsyncSession, organization_id: uuid.UUID
) -> Organization | None:
    return await session.get(Organization, organization_id)


async def list_organizations(
    session: AsyncSession,
    *,
    only: Collection[uuid.UUID] | None,
    cursor: uuid.UUID | None,
    limit: int,
) -> tuple[list[Organization], uuid.UUID | None]:
    statement = select(Organization)
    if only is not None:
        statement = statement.where(Organization.id.in_(list(only)))
    rows, next_cursor = await keyset_page(
        session, statement, Organization.id, cursor=cursor, limit=limit
    )
    return [row[0] for row in rows], next_cursor


async def get_organizations(
    session: AsyncSession, organization_ids: Sequence[uuid.UUID]
) -> list[Organization]:
    if not organization_ids:
        return []
    statement = select(Organization).where(Organization.id.in_(set(organization_ids)))
    return list((await session.scalars(statement)).all())


async def all_organizations(session: AsyncSession) -> list[Organization]:
    return list((await session.scalars(select(Organization).order_by(Organization.id))).all())
