"""The only way routes load an admin request: seen by those who may decide them; locked
until the transaction ends, so two admins deciding at once cannot both succeed."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import Actor
from app.admin_requests import repository as repo
from app.admin_requests.errors import AdminGrantRequestNotFound
from app.auth.guards import require_granted
from app.models.memberships import AdminGrantRequest
from app.permissions import Permission, platform_permissions


async def access_admin_grant_request(
    session: AsyncSession,
    actor: Actor,
    request_id: uuid.UUID,
    need: Permission = Permission.ADMIN_GRANTS_APPROVE,
) -> AdminGrantRequest:
    """Seen by those who may decide admin grants (admins); locked until the transaction
    ends, so two admins deciding at once cannot both succeed."""
    granted = platform_permissions(actor.platform_roles)
    if Permission.ADMIN_GRANTS_READ not in granted:
        raise AdminGrantRequestNotFound()
    request = await repo.get_admin_grant_request(session, request_id, lock=True)
    if request is None:
        raise AdminGrantRequestNotFound()
    require_granted(actor, granted, need)
    return request
