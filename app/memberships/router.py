"""A member's place in an organization: change the org role, remove the member.

Thin: access, one service call, a schema."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from app.auth.dependencies import AppClock, SignedIn
from app.db import DbSession, UnitOfWorkRoute
from app.kit.schemas import Outcome
from app.memberships import service
from app.memberships.access import access_membership
from app.memberships.schemas import MembershipRead, MembershipUpdate

router = APIRouter(prefix="/memberships", tags=["memberships"], route_class=UnitOfWorkRoute)


@router.patch("/{membership_id}", operation_id="updateMembership", response_model=MembershipRead)
async def update_membership(
    membership_id: uuid.UUID,
    body: MembershipUpdate,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
) -> MembershipRead:
    """Change a member's org role (admins, fresh second factor). The member's sessions end."""
    membership = await access_membership(session, actor, membership_id)
    membership = await service.change_membership_role(
        session, actor=actor, membership=membership, role=body.role, now=clock.now()
    )
    return MembershipRead.model_validate(membership, from_attributes=True)


@router.delete("/{membership_id}", operation_id="removeMembership", response_model=Outcome)
async def remove_membership(
    membership_id: uuid.UUID, actor: SignedIn, session: DbSession, clock: AppClock
) -> Outcome:
    """Remove someone from an organization (admins). The member's sessions end."""
    membership = await access_membership(session, actor, membership_id)
    await service.remove_membership(session, actor=actor, membership=membership, now=clock.now())
    return Outcome()
