"""Organizations: use cases. Services flush, never commit; every change is audited."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from app.actors import Actor
from app.audit import AuditAction, record_event
from app.kit.preconditions import PreconditionFailed
from app.models.memberships import Organization
from app.organizations import repository as repo
from app.organizations.schemas import (
    OrganizationCreate,
    OrganizationPage,
    OrganizationRead,
    OrganizationUpdate,
)


def organization_read(organization: Organization) -> OrganizationRead:
    return OrganizationRead(
        id=organization.id,
        name=organization.name,
        short_name=organization.short_name,
        country=organization.country,
        description=organization.description,
        contact=organization.contact,
        created_at=organization.created_at,
        updated_at=organization.updated_at,
    )


async def create_organization(
    session: AsyncSession, *, actor: Actor, data: OrganizationCreate, now: datetime
) -> Organization:
    organization = Organization(country=data.country, created_at=now)
    organization.name = data.name
    organization.short_name = data.short_name
    organization.description = data.description
    organization.contact = data.contact
    session.add(organization)
    await session.flush()
    await record_event(
        session,
        actor=actor,
        action=AuditAction.ORGANIZATION_CREATED,
        target=organization,
        details={"country": organization.country},
    )
    return organization


async def update_organization(
    session: AsyncSession,
    *,
    actor: Actor,
    organization: Organization,
    changes: OrganizationUpdate,
    now: datetime,
) -> Organization:
    changed = [
        name
        for name in sorted(changes.model_fields_set)
        if getattr(organization, name) != getattr(changes, name)
    ]
    if not changed:
        return organization
    for name in changed:
        setattr(organization, name, getattr(changes, name))
    organization.updated_at = now
    try:
        await session.flush()
    except StaleDataError:
        # Another writer committed since this request read the row: its UPDATE ... WHERE
        # version = <read> matched nothing.
        raise PreconditionFailed() from None
    # Field names only: the values are internal and the audit log outlives them.
    await record_event(
        session,
        actor=actor,
        action=AuditAction.ORGANIZATION_UPDATED,
        target=organization,
        details={"fields": changed},
    )
    return organization


async def list_organizations(
    session: AsyncSession,
    *,
    only: list[uuid.UUID] | None,
    cursor: uuid.UUID | None,
    limit: int,
) -> OrganizationPage:
    rows, next_cursor = await repo.list_organizations(
        session, only=only, cursor=cursor, limit=limit
    )
    return OrganizationPage(items=[organization_read(o) for o in rows], next_cursor=next_cursor)


async def get_organization(
    session: AsyncSession, organization_id: uuid.UUID
) -> Organization | None:
    return await repo.get_organization(session, organization_id)
