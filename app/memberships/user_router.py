"""Administration of users and admin grants (admins only)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, status

from app.auth.dependencies import AppClock, SignedIn
from app.db import DbSession, UnitOfWorkRoute
from app.memberships import user_service as service
from app.memberships.access import access_admin_grant_request, access_user, require_permission
from app.memberships.schemas import (
    AdminGrantRequestCreate,
    AdminGrantRequestPage,
    AdminGrantRequestRead,
    GrantStatus,
    SessionsRevoked,
    UserAdminRead,
    UserPage,
)
from app.models.users import PlatformRole
from app.permissions import Permission

router = APIRouter(tags=["users"], route_class=UnitOfWorkRoute)

Cursor = Annotated[uuid.UUID | None, Query(description="next_cursor of the previous page")]
Limit = Annotated[int, Query(ge=1, le=200)]
LAST_ADMIN: dict[int | str, dict[str, Any]] = {
    409: {"description": "last_admin: the last active admin must stay one"}
}


@router.get("/users", operation_id="listUsers", response_model=UserPage)
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
    "/users/{user_id}/suspend",
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
    "/users/{user_id}/reactivate",
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
    "/users/{user_id}/sessions/revoke",
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
    "/users/{user_id}/sso-identity",
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
    "/users/{user_id}/platform-roles/{role}",
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
    "/users/{user_id}/platform-roles/{role}",
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


@router.post(
    "/users/{user_id}/admin-grant-requests",
    operation_id="requestAdminGrant",
    response_model=AdminGrantRequestRead,
    status_code=status.HTTP_201_CREATED,
    responses={
        409: {
            "description": "user_suspended, already_admin, not_admin,"
            " admin_grant_request_pending, last_admin"
        }
    },
)
async def request_admin_grant(
    user_id: uuid.UUID,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
    body: AdminGrantRequestCreate | None = None,
) -> AdminGrantRequestRead:
    """First half of the two-person rule: ask to make the user an admin (``grant``, the
    default), to take admin away from them (``revoke``) or to suspend them (``suspend``);
    a different admin must approve."""
    require_permission(actor, Permission.ADMIN_GRANTS_APPROVE)
    user = await access_user(session, actor, user_id)
    now = clock.now()
    kind = body.kind if body is not None else "grant"
    request = await service.request_admin_grant(session, actor=actor, user=user, kind=kind, now=now)
    return service.grant_request_read(request, now)


@router.get(
    "/admin-grant-requests",
    operation_id="listAdminGrantRequests",
    response_model=AdminGrantRequestPage,
)
async def list_admin_grant_requests(
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
    status: GrantStatus | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> AdminGrantRequestPage:
    require_permission(actor, Permission.ADMIN_GRANTS_READ)
    return await service.list_admin_grant_requests(
        session, status=status, now=clock.now(), cursor=cursor, limit=limit
    )


@router.post(
    "/admin-grant-requests/{request_id}/approve",
    operation_id="approveAdminGrant",
    response_model=AdminGrantRequestRead,
    responses={
        403: {"description": "second_admin_required: the requester cannot approve"},
        409: {"description": "admin_grant_request_closed, user_suspended"},
    },
)
async def approve_admin_grant(
    request_id: uuid.UUID, actor: SignedIn, session: DbSession, clock: AppClock
) -> AdminGrantRequestRead:
    """Second half of the two-person rule: the change is made, and the user's sessions
    end."""
    request = await access_admin_grant_request(session, actor, request_id)
    now = clock.now()
    request = await service.approve_admin_grant(session, actor=actor, request=request, now=now)
    return service.grant_request_read(request, now)


@router.post(
    "/admin-grant-requests/{request_id}/reject",
    operation_id="rejectAdminGrant",
    response_model=AdminGrantRequestRead,
    responses={409: {"description": "admin_grant_request_closed"}},
)
async def reject_admin_grant(
    request_id: uuid.UUID, actor: SignedIn, session: DbSession, clock: AppClock
) -> AdminGrantRequestRead:
    request = await access_admin_grant_request(session, actor, request_id)
    now = clock.now()
    request = await service.reject_admin_grant(session, actor=actor, request=request, now=now)
    return service.grant_request_read(request, now)
