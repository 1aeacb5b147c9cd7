"""The only way routes load organizations, memberships, invitations, users and admin grant
requests.

Contract of every ``access_*``: 404 when the actor may not see the object (indistinguishable
from a missing one), 403 ``permission_denied`` when they see it but lack ``need``, 403
``step_up_required`` when ``need`` is a step-up permission (``app.permissions.STEP_UP``) and
their second factor is not fresh (app/auth/guards.py). Permissions come from
``app.permissions``; an org role counts only inside its own organization.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import Actor
from app.auth.guards import require_granted
from app.memberships import repository as repo
from app.memberships.errors import (
    AdminGrantRequestNotFound,
    InvitationInvalid,
    InvitationNotFound,
    MembershipNotFound,
    OrganizationNotFound,
    UserNotFound,
)
from app.memberships.rules import invitation_status
from app.models.memberships import AdminGrantRequest, Invitation, Membership, Organization
from app.models.users import User
from app.permissions import Permission, permissions_in_organization, platform_permissions


def permissions_in(actor: Actor, organization_id: uuid.UUID) -> frozenset[Permission]:
    return permissions_in_organization(actor.platform_roles, actor.memberships.get(organization_id))


def require_permission(actor: Actor, need: Permission) -> None:
    """For operations on no single object (create, list everything): platform roles only.

    403 ``permission_denied`` otherwise; ``step_up_required`` as for ``access_*``.
    """
    require_granted(actor, platform_permissions(actor.platform_roles), need)


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


async def access_user(
    session: AsyncSession,
    actor: Actor,
    user_id: uuid.UUID,
    need: Permission = Permission.USERS_MANAGE,
) -> User:
    """Other users' accounts are seen here only by those who manage users (admins)."""
    granted = platform_permissions(actor.platform_roles)
    if Permission.USERS_READ not in granted:
        raise UserNotFound()
    user = await repo.get_user(session, user_id)
    if user is None:
        raise UserNotFound()
    require_granted(actor, granted, need)
    return user


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
