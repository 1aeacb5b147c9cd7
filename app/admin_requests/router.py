"""The two-person rule: one admin asks to grant, revoke or suspend admin; another decides.

Thin: access, one service call, a schema."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from app.admin_requests import service
from app.admin_requests.access import access_admin_grant_request
from app.admin_requests.schemas import (
    AdminGrantRequestCreate,
    AdminGrantRequestPage,
    AdminGrantRequestRead,
    GrantStatus,
)
from app.auth.dependencies import AppClock, SignedIn
from app.auth.guards import require_permission
from app.db import DbSession, UnitOfWorkRoute
from app.kit.pagination import Cursor, Limit
from app.permissions import Permission
from app.users.access import access_user

router = APIRouter(prefix="/admin-requests", tags=["admin requests"], route_class=UnitOfWorkRoute)


@router.post(
    "",
    operation_id="requestAdminGrant",
    response_model=AdminGrantRequestRead,
    status_code=status.HTTP_201_CREATED,
    responses={
        404: {"description": "user_not_found: no user the caller may see"},
        409: {
            "description": "user_suspended, already_admin, not_admin,"
            " admin_grant_request_pending, last_admin"
        },
    },
)
async def request_admin_grant(
    body: AdminGrantRequestCreate, actor: SignedIn, session: DbSession, clock: AppClock
) -> AdminGrantRequestRead:
    """First half of the two-person rule: ask to make the user an admin (``grant``, the
    default), to take admin away from them (``revoke``) or to suspend them (``suspend``);
    a different admin must approve."""
    require_permission(actor, Permission.ADMIN_GRANTS_APPROVE)
    user = await access_user(session, actor, body.user_id)
    now = clock.now()
    request = await service.request_admin_grant(
        session, actor=actor, user=user, kind=body.kind, now=now
    )
    return service.grant_request_read(request, now)


@router.get(
    "",
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
    "/{request_id}/approve",
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
    "/{request_id}/reject",
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
