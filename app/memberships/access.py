"""The only way routes load a membership: visible to whoever may read its organization's
member list (404 otherwise), changed only with the permission (403)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import Actor
from app.auth.guards import permissions_in, require_granted
from app.memberships import repository as repo
from app.memberships.errors import MembershipNotFound
from app.models.memberships import Membership
from app.permissions import Permission


async def access_membership(
    session: AsyncSession,
    actor: Actor,
    membership_id: uuid.UUID,
    need: Permission = Permission.MEMBERSHIPS_MANAGE,
) -> Membership:
    """Visible to whoever may read the member list of the membership's organization."""
    membership = await repo.get_membership(session, membership_id)
    if membership is None:
        raise MembershipNotFound()
    granted = permissions_in(actor, membership.organization_id)
    if Permission.MEMBERSHIPS_READ not in granted:
        raise MembershipNotFound()
    require_granted(actor, granted, need)
    return membership
