"""Organizations: use cases. Services flush, never commit; every change is audited."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from app.actors import Actor
from app.audit import AuditAction, record_event
from app.keys import current_keyring
from app.kit.crypto.blind_index import blind_index
from app.kit.names import comparable_name
from app.kit.preconditions import PreconditionFailed
from app.models.memberships import ORGANIZATION_NAME_DOMAIN, Organization
from app.organizations import repository as repo
from app.organizations.errors import OrganizationNameTaken
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


def _name(organization: Organization, name: str) -> None:
    organization.name = name
    organization.name_index = blind_index(
        current_keyring(), comparable_name(name), domain=ORGANIZATION_NAME_DOMAIN
    )


async def _flush(session: AsyncSession) -> None:
    """Flush; a name another organization holds is refused (the unique blind index decides,
    so two requests racing with one name cannot both win)."""
    try:
        await session.flush()
    except IntegrityError as error:
        if "name_index" in str(error.orig):
            raise OrganizationNameTaken() from None
        raise


async def create_organization(
    session: AsyncSession, *, actor: Actor, data: OrganizationCreate, now: datetime
) -> Organization:
    organization = Organization(country=data.country, created_at=now)
    _name(organization, data.name)
    organization.short_name = data.short_name
    organization.description = data.description
    organization.contact = data.contact
    session.add(organization)
    await _flush(session)
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
        if name == "name":
            _name(organization, str(changes.name))  # never None: see OrganizationUpdate
        else:
            setattr(organization, name, getattr(changes, name))
    organization.updated_at = now
    try:
        await _flush(session)
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


async def organization_names(
    session: AsyncSession, organization_ids: list[uuid.UUID]
) -> dict[uuid.UUID, str]:
    return {o.id: o.name for o in await repo.get_organizations(session, organization_ids)}


async def all_organization_names(session: AsyncSession) -> list[tuple[uuid.UUID, str]]:
    """Every organization's (id, name), sorted by name as people read it."""
    rows = await repo.all_organizations(session)
    return sorted(((o.id, o.name) for o in rows), key=lambda pair: comparable_name(pair[1]))
