"""Memberships: use cases. Services flush, never commit.

Any change to what a user may do revokes that user's sessions, so the next request needs
a fresh sign-in (a new token for a new privilege level)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import Actor
from app.audit import AuditAction, record_event
from app.auth.sessions.service import PRIVILEGE_CHANGED, revoke_user_sessions
from app.memberships import repository as repo
from app.memberships.schemas import ColleaguePage, ColleagueRead, MemberPage, MemberRead
from app.models.memberships import Membership, Organization


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


async def list_colleagues(
    session: AsyncSession, *, organization: Organization, cursor: uuid.UUID | None, limit: int
) -> ColleaguePage:
    """The organization's active members by name and role, for each of them to see."""
    rows, next_cursor = await repo.list_members(
        session, organization.id, cursor=cursor, limit=limit, active_only=True
    )
    return ColleaguePage(
        items=[
            ColleagueRead(display_name=user.display_name, role=membership.role)  # type: ignore[arg-type]
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
        action=AuditAction.MEMBERSHIP_CREATED,
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
        action=AuditAction.MEMBERSHIP_ROLE_CHANGED,
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
        action=AuditAction.MEMBERSHIP_REMOVED,
        target=target,
        details={**details, "sessions_revoked": revoked},
    )


async def find_membership(
    session: AsyncSession, *, user_id: uuid.UUID, organization_id: uuid.UUID
) -> Membership | None:
    return await repo.find_membership(session, user_id=user_id, organization_id=organization_id)


async def member_ids_of(session: AsyncSession, organization_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Everyone holding a membership in any of the organizations (any role, any status)."""
    return await repo.member_ids_of(session, organization_ids)


async def memberships_of_users(
    session: AsyncSession, user_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[Membership]]:
    """Every membership of each user, oldest first (an empty list for none)."""
    return await repo.memberships_of_users(session, user_ids)
