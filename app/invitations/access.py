"""The only ways to load an invitation: by id for those who manage invitations, or by the
token of its link (holding the token is the permission)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import Actor
from app.auth.guards import require_granted
from app.invitations import repository as repo
from app.invitations.errors import InvitationInvalid, InvitationNotFound
from app.invitations.rules import invitation_status
from app.models.memberships import Invitation
from app.permissions import Permission, platform_permissions


async def access_invitation(
    session: AsyncSession,
    actor: Actor,
    invitation_id: uuid.UUID,
    need: Permission = Permission.INVITATIONS_MANAGE,
) -> Invitation:
    """Invitations are seen only by those who manage them (admins)."""
    granted = platform_permissions(actor.platform_roles)
    if Permission.INVITATIONS_READ not in granted:
        raise InvitationNotFound()
    invitation = await repo.get_invitation(session, invitation_id)
    if invitation is None:
        raise InvitationNotFound()
    require_granted(actor, granted, need)
    return invitation


async def access_invitation_by_token(
    session: AsyncSession, token: str, *, now: datetime, lock: bool = False
) -> Invitation:
    """The pending invitation the token opens. Holding the token is the permission.

    Unknown, expired, revoked and used tokens all raise the same
    :class:`InvitationInvalid` (404 ``invitation_invalid``).
    """
    invitation = await repo.find_invitation_by_token(session, token, lock=lock)
    if invitation is None or invitation_status(invitation, now) != "pending":
        raise InvitationInvalid()
    return invitation
