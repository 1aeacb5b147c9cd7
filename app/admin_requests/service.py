"""The two-person rule: making someone an admin, taking admin away from another admin,
or suspending one needs a request by one admin and an approval by another."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import Actor
from app.admin_requests import repository as repo
from app.admin_requests.errors import (
    AdminGrantRequestClosed,
    AdminGrantRequestPending,
    SecondAdminRequired,
)
from app.admin_requests.rules import ADMIN_GRANT_REQUEST_TTL, grant_request_status
from app.admin_requests.schemas import AdminGrantRequestPage, AdminGrantRequestRead
from app.audit import AuditAction, record_event
from app.models.memberships import AdminGrantRequest
from app.models.users import User, UserStatus
from app.permissions import PlatformRole
from app.users import service as users
from app.users.errors import (
    AlreadyAdmin,
    NotAdmin,
    UserSuspended,
)


def grant_request_read(request: AdminGrantRequest, now: datetime) -> AdminGrantRequestRead:
    return AdminGrantRequestRead(
        id=request.id,
        kind=request.kind,  # type: ignore[arg-type]
        user_id=request.user_id,
        requested_by=request.requested_by,
        decided_by=request.decided_by,
        status=grant_request_status(request, now),  # type: ignore[arg-type]
        created_at=request.created_at,
        decided_at=request.decided_at,
    )


async def list_admin_grant_requests(
    session: AsyncSession,
    *,
    status: str | None,
    now: datetime,
    cursor: uuid.UUID | None,
    limit: int,
) -> AdminGrantRequestPage:
    rows, next_cursor = await repo.list_admin_grant_requests(
        session,
        status=status,
        stale_before=now - ADMIN_GRANT_REQUEST_TTL,
        cursor=cursor,
        limit=limit,
    )
    return AdminGrantRequestPage(
        items=[grant_request_read(row, now) for row in rows], next_cursor=next_cursor
    )


def _check_request_applies(kind: str, user: User, is_admin: bool) -> None:
    """Whether ``kind`` can apply to ``user`` now (when asked, and again when approved)."""
    if user.status != UserStatus.ACTIVE:
        raise UserSuspended()
    if kind == "grant" and is_admin:
        raise AlreadyAdmin()
    if kind in ("revoke", "suspend") and not is_admin:
        raise NotAdmin()


async def request_admin_grant(
    session: AsyncSession, *, actor: Actor, user: User, kind: str = "grant", now: datetime
) -> AdminGrantRequest:
    _check_request_applies(kind, user, await users.is_admin(session, user))
    if kind != "grant":
        await users.ensure_not_last_admin(session, user)  # said now, not at approval time
    # Two admins asking at once on two servers would both find nothing pending and both
    # insert: the user's row lock makes the second wait, then find the first's request.
    # Taken after the admin grants' lock (ensure_not_last_admin), in the order suspending
    # takes them, so the two never wait on each other.
    await users.lock_user(session, user)
    if await repo.find_pending_grant_request(
        session, user_id=user.id, kind=kind, since=now - ADMIN_GRANT_REQUEST_TTL
    ):
        raise AdminGrantRequestPending()
    request = AdminGrantRequest(
        user_id=user.id, requested_by=actor.user_id, status="pending", created_at=now, kind=kind
    )
    session.add(request)
    await session.flush()
    await record_event(
        session,
        actor=actor,
        action=AuditAction.ADMIN_GRANT_REQUEST_CREATED,
        target=request,
        details={"user_id": str(user.id), "kind": kind},
    )
    return request


async def approve_admin_grant(
    session: AsyncSession, *, actor: Actor, request: AdminGrantRequest, now: datetime
) -> AdminGrantRequest:
    """The two-person rule: the requester cannot approve their own request (403
    ``second_admin_required``); any other admin can, while it is pending and fresh.

    A request whose requester's account is gone has nobody standing behind it: closed.
    """
    if grant_request_status(request, now) != "pending" or request.requested_by is None:
        raise AdminGrantRequestClosed()
    if request.requested_by == actor.user_id:
        raise SecondAdminRequired()
    user = await users.get_user(session, request.user_id)
    if user is None:  # pragma: no cover - the foreign key cascades deletes
        raise AdminGrantRequestClosed()
    admin_grant = await users.find_admin_grant(session, user)
    _check_request_applies(request.kind, user, admin_grant is not None)
    request.status = "approved"
    request.decided_by = actor.user_id
    request.decided_at = now
    await session.flush()
    await record_event(
        session,
        actor=actor,
        action=AuditAction.ADMIN_GRANT_REQUEST_APPROVED,
        target=request,
        details={
            "user_id": str(user.id),
            "requested_by": str(request.requested_by),
            "kind": request.kind,
        },
    )
    if request.kind == "grant":
        await users.grant_role(
            session, actor=actor, user=user, role=PlatformRole.ADMIN, now=now, via="approval"
        )
    elif request.kind == "revoke" and admin_grant is not None:
        await users.revoke_role(session, actor=actor, user=user, grant=admin_grant, now=now)
    elif request.kind == "suspend":
        await users.apply_suspension(session, actor=actor, user=user, now=now)
    return request


async def reject_admin_grant(
    session: AsyncSession, *, actor: Actor, request: AdminGrantRequest, now: datetime
) -> AdminGrantRequest:
    """Any admin, the requester included (withdrawing it), may reject a pending request;
    an expired one may be rejected to close it."""
    if request.status != "pending":
        raise AdminGrantRequestClosed()
    request.status = "rejected"
    request.decided_by = actor.user_id
    request.decided_at = now
    await session.flush()
    await record_event(
        session,
        actor=actor,
        action=AuditAction.ADMIN_GRANT_REQUEST_REJECTED,
        target=request,
        details={"user_id": str(request.user_id)},
    )
    return request
