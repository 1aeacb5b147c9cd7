"""Administration of user accounts (admins only). Thin: access, one service call."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from fastapi import APIRouter

from app.auth.dependencies import AppClock, SignedIn
from app.auth.guards import require_permission
from app.db import DbSession, UnitOfWorkRoute
from app.kit.pagination import Cursor, Limit
from app.kit.schemas import SessionsRevoked
from app.permissions import Permission, PlatformRole
from app.users import service
from app.users.access import access_user
from app.users.schemas import UserAdminRead, UserPage

LAST_ADMIN: dict[int | str, dict[str, Any]] = {
    409: {"description": "last_admin: the last active admin must stay one"}
}


router = APIRouter(prefix="/users", tags=["users"], route_class=UnitOfWorkRoute)


@router.get("", operation_id="listUsers", response_model=UserPage)
async def list_users(
    actor: SignedIn,
    session: DbSession,
    status: Literal["active", "suspended"] | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> UserPage:
    """Every account with its platform roles and memberships, newest first."""
    require_permission(actor, Permission.USERS_READ)
    return await service.list_users(session, status=status, cursor=cursor, limit=limit)


@router.post(
    "/{user_id}/suspend",
    operation_id="suspendUser",
    response_model=UserAdminRead,
    responses={
        409: {
            "description": f"{LAST_ADMIN[409]['description']}; user_suspended: already"
            " suspended; admin_change_requires_approval: the user is another admin"
        }
    },
)
async def suspend_user(
    user_id: uuid.UUID, actor: SignedIn, session: DbSession, clock: AppClock
) -> UserAdminRead:
    """The account stops working on its very next request; its sessions are ended.
    Another admin is suspended only through an approved admin request (kind ``suspend``)."""
    user = await access_user(session, actor, user_id)
    user = await service.suspend_user(session, actor=actor, user=user, now=clock.now())
    return await service.user_read(session, user)


@router.post(
    "/{user_id}/reactivate",
    operation_id="reactivateUser",
    response_model=UserAdminRead,
    responses={409: {"description": "user_not_suspended"}},
)
async def reactivate_user(
    user_id: uuid.UUID, actor: SignedIn, session: DbSession, clock: AppClock
) -> UserAdminRead:
    user = await access_user(session, actor, user_id)
    user = await service.reactivate_user(session, actor=actor, user=user, now=clock.now())
    return await service.user_read(session, user)


@router.post(
    "/{user_id}/sessions/revoke",
    operation_id="revokeUserSessions",
    response_model=SessionsRevoked,
)
async def revoke_user_sessions(
    user_id: uuid.UUID, actor: SignedIn, session: DbSession, clock: AppClock
) -> SessionsRevoked:
    """Sign the user out everywhere (a lost device, a suspected theft)."""
    user = await access_user(session, actor, user_id)
    count = await service.revoke_sessions(session, actor=actor, user=user, now=clock.now())
    return SessionsRevoked(revoked=count)


@router.delete(
    "/{user_id}/sso-identity",
    operation_id="unlinkUserSsoIdentity",
    response_model=UserAdminRead,
)
async def unlink_user_sso_identity(
    user_id: uuid.UUID, actor: SignedIn, session: DbSession
) -> UserAdminRead:
    """Unlink the user's single sign-on subject (idempotent): the next single sign-on links
    whichever provider account holds the user's verified email. Sessions stay open."""
    user = await access_user(session, actor, user_id)
    user = await service.unlink_sso_identity(session, actor=actor, user=user)
    return await service.user_read(session, user)


@router.put(
    "/{user_id}/platform-roles/{role}",
    operation_id="grantPlatformRole",
    response_model=UserAdminRead,
    responses={409: {"description": "admin_grant_requires_approval, user_suspended"}},
)
async def grant_platform_role(
    user_id: uuid.UUID, role: PlatformRole, actor: SignedIn, session: DbSession, clock: AppClock
) -> UserAdminRead:
    """Grant coordinator (idempotent). Admin goes through an admin grant request."""
    user = await access_user(session, actor, user_id)
    user = await service.grant_platform_role(
        session, actor=actor, user=user, role=role, now=clock.now()
    )
    return await service.user_read(session, user)


@router.delete(
    "/{user_id}/platform-roles/{role}",
    operation_id="removePlatformRole",
    response_model=UserAdminRead,
    responses={
        409: {
            "description": f"{LAST_ADMIN[409]['description']}; admin_change_requires_approval:"
            " admin is taken from another admin only through an approved request"
        }
    },
)
async def remove_platform_role(
    user_id: uuid.UUID, role: PlatformRole, actor: SignedIn, session: DbSession, clock: AppClock
) -> UserAdminRead:
    """Remove coordinator (idempotent), or admin from yourself; the user's sessions end.
    Admin is taken from another admin through an approved admin request (kind ``revoke``)."""
    user = await access_user(session, actor, user_id)
    user = await service.remove_platform_role(
        session, actor=actor, user=user, role=role, now=clock.now()
    )
    return await service.user_read(session, user)
