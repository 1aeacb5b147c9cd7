"""Organizations and memberships: use cases. Services flush, never commit.

Any change to what a user may do revokes that user's sessions, so the next request needs
a fresh sign-in (a new token for a new privilege level); the actor is rebuilt from the
database on every request in any case.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from app.actors import Actor
from app.audit import record_event
from app.auth.sessions import revoke_user_sessions
from app.memberships import repository as repo
from app.memberships.errors import PreconditionFailed
from app.memberships.schemas import (
    MemberPage,
    MemberRead,
    OrganizationCreate,
    OrganizationPage,
    OrganizationRead,
    OrganizationUpdate,
)
from app.models.memberships import Membership, Organization

PRIVILEGE_CHANGED = "privilege_changed"


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
        action="organization.created",
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
        action="organization.updated",
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


async def list_members(
    session: AsyncSession, *, organization: Organization, cursor: uuid.UUID | None, limit: int
) -> MemberPage:
    rows, next_cursor = await repo.list_members(
        session, organization.id, cursor=cursor, limit=limit
    )
    return MemberPage(
        items=[
            MemberRead(
                id=membership.id,
                user_id=user.id,
                organization_id=membership.organization_id,
                display_name=user.display_name,
                email=user.email,
                role=membership.role,  # type: ignore[arg-type]
                user_status=user.status,
                created_at=membership.created_at,
            )
            for membership, user in rows
        ],
        next_cursor=next_cursor,
    )


async def add_membership(
    session: AsyncSession,
    *,
    actor: Actor,
    user_id: uuid.UUID,
    organization_id: uuid.UUID,
    role: str,
    now: datetime,
    via: str,
) -> Membership:
    membership = Membership(
        user_id=user_id, organization_id=organization_id, role=role, created_at=now
    )
    session.add(membership)
    await session.flush()
    await record_event(
        session,
        actor=actor,
        action="membership.created",
        target=membership,
        details={
            "user_id": str(user_id),
            "organization_id": str(organization_id),
            "role": role,
            "via": via,
        },
    )
    return membership


async def change_membership_role(
    session: AsyncSession, *, actor: Actor, membership: Membership, role: str, now: datetime
) -> Membership:
    if membership.role == role:
        return membership
    previous, membership.role = membership.role, role
    await session.flush()
    revoked = await revoke_user_sessions(
        session, membership.user_id, now=now, reason=PRIVILEGE_CHANGED
    )
    await record_event(
        session,
        actor=actor,
        action="membership.role_changed",
        target=membership,
        details={
            "user_id": str(membership.user_id),
            "organization_id": str(membership.organization_id),
            "from": previous,
            "to": role,
            "sessions_revoked": revoked,
        },
    )
    return membership


async def remove_membership(
    session: AsyncSession, *, actor: Actor, membership: Membership, now: datetime
) -> None:
    user_id = membership.user_id
    details = {
        "user_id": str(user_id),
        "organization_id": str(membership.organization_id),
        "role": membership.role,
    }
    target = ("memberships", membership.id)
    await session.delete(membership)
    await session.flush()
    revoked = await revoke_user_sessions(session, user_id, now=now, reason=PRIVILEGE_CHANGED)
    await record_event(
        session,
        actor=actor,
        action="membership.removed",
        target=target,
        details={**details, "sessions_revoked": revoked},
    )
