"""The only way routes load an organization (contract: app/auth/guards.py and
ARCHITECTURE §3): 404 when the actor may not see it, 403 when they lack the permission."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import Actor
from app.auth.guards import permissions_in, require_granted
from app.models.memberships import Organization
from app.organizations import repository as repo
from app.organizations.errors import OrganizationNotFound
from app.permissions import Permission, platform_permissions


def visible_organization_ids(actor: Actor) -> Collection[uuid.UUID] | None:
    """Organizations the actor may see: ``None`` means every one."""
    if Permission.ORGANIZATIONS_READ in platform_permissions(actor.platform_roles):
        return None
    return [
        organization_id
        for organization_id in actor.memberships
        if Permission.ORGANIZATIONS_READ in permissions_in(actor, organization_id)
    ]


async def access_organization(
    session: AsyncSession,
    actor: Actor,
    organization_id: uuid.UUID,
    need: Permission = Permission.ORGANIZATIONS_READ,
) -> Organization:
    """Visible to platform roles that read organizations and to the org's own members."""
    granted = permissions_in(actor, organization_id)
    if Permission.ORGANIZATIONS_READ not in granted:
        raise OrganizationNotFound()
    organization = await repo.get_organization(session, organization_id)
    if organization is None:
        raise OrganizationNotFound()
    require_granted(actor, granted, need)
    return organization
