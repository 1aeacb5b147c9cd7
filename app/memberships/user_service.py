"""Administration of users: suspension, sessions, platform roles, single sign-on links and
admin grants.

Guard rails: the last active admin can be neither suspended nor stripped of the role, and
who is an admin changes only by a second admin approving a first admin's request —
granting admin, taking it from another admin, or suspending another admin (an admin may
still step down alone). Every change of what a user may do ends that user's sessions.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import Actor
from app.audit import record_event
from app.auth.oidc import linked_user_ids, unlink_identities
from app.auth.sessions import revoke_user_sessions
from app.memberships import repository as repo
from app.memberships.errors import (
    AdminChangeRequiresApproval,
    AdminGrantRequestClosed,
    AdminGrantRequestPending,
    AdminGrantRequiresApproval,
    AlreadyAdmin,
    LastAdmin,
    NotAdmin,
    SecondAdminRequired,
    UserNotSuspended,
    UserSuspended,
)
from app.memberships.rules import ADMIN_GRANT_REQUEST_TTL, grant_request_status
from app.memberships.schemas import (
    AdminGrantRequestPage,
    AdminGrantRequestRead,
    UserAdminRead,
    UserMembership,
    UserPage,
)
from app.memberships.service import PRIVILEGE_CHANGED
from app.models.memberships import AdminGrantRequest
from app.models.users import PlatformRole, PlatformRoleGrant, User, UserStatus


async def user_reads(session: AsyncSession, users: list[User]) -> list[UserAdminRead]:
    ids = [user.id for user in users]
    roles = await repo.platform_roles_of_users(session, ids)
    memberships = await repo.memberships_of_users(session, ids)
    linked = await linked_user_ids(session, ids)
    return [
        UserAdminRead(
            id=user.id,
            email=user.email,
            display_name=user.display_name,
            status=user.status,  # type: ignore[arg-type]
            platform_roles=roles[user.id],  # type: ignore[arg-type]
            memberships=[
                UserMembership(id=m.id, organization_id=m.organization_id, role=m.role)  # type: ignore[arg-type]
                for m in memberships[user.id]
            ],
            sso_linked=user.id in linked,
            created_at=user.created_at,
        )
        for user in users
    ]


async def user_read(session: AsyncSession, user: User) -> UserAdminRead:
    return (await user_reads(session, [user]))[0]


async def list_users(
    session: AsyncSession, *, status: str | None, cursor: uuid.UUID | None, limit: int
) -> UserPage:
    users, next_cursor = await repo.list_users(session, status=status, cursor=cursor, limit=limit)
    return UserPage(items=await user_reads(session, users), next_cursor=next_cursor)


async def _ensure_not_last_admin(session: AsyncSession, user: User) -> None:
    if user.status != UserStatus.ACTIVE:
        return
    if await repo.find_role_grant(session, user_id=user.id, role=PlatformRole.ADMIN) is None:
        return
    if await repo.count_active_admins_locked(session) <= 1:
        raise LastAdmin()


async def _is_admin(session: AsyncSession, user: User) -> bool:
    return await repo.find_role_grant(session, user_id=user.id, role=PlatformRole.ADMIN) is not None


async def suspend_user(session: AsyncSession, *, actor: Actor, user: User, now: datetime) -> User:
    """The account stops working at once: its sessions are revoked, and a suspended
    user's session would resolve to nobody anyway. Another admin is suspended only
    through an approved request (409 ``admin_change_requires_approval``)."""
    if user.status == UserStatus.SUSPENDED:
        raise UserSuspended()
    if user.id != actor.user_id and await _is_admin(session, user):
        raise AdminChangeRequiresApproval()
    await _suspend(session, actor=actor, user=user, now=now)
    return user


async def _suspend(session: AsyncSession, *, actor: Actor, user: User, now: datetime) -> None:
    await _ensure_not_last_admin(session, user)
    user.status = UserStatus.SUSPENDED
    user.updated_at = now
    await session.flush()
    revoked = await revoke_user_sessions(session, user.id, now=now, reason="suspended")
    await record_event(
        session,
        actor=actor,
        action="user.suspended",
        target=user,
        details={"sessions_revoked": revoked},
    )


async def reactivate_user(
    session: AsyncSession, *, actor: Actor, user: User, now: datetime
) -> User:
    if user.status != UserStatus.SUSPENDED:
        raise UserNotSuspended()
    user.status = UserStatus.ACTIVE
    user.updated_at = now
    await session.flush()
    await record_event(session, actor=actor, action="user.reactivated", target=user)
    return user


async def revoke_sessions(session: AsyncSession, *, actor: Actor, user: User, now: datetime) -> int:
    count = await revoke_user_sessions(session, user.id, now=now, reason="revoked_by_admin")
    await record_event(
        session,
        actor=actor,
        action="session.revoked_all",
        target=user,
        details={"count": count, "reason": "revoked_by_admin"},
    )
    return count


async def unlink_sso_identity(session: AsyncSession, *, actor: Actor, user: User) -> User:
    """Idempotent. Forget the provider subject the account is pinned to, so that its next
    single sign-on links again by the provider's verified email (a replaced provider
    account). Sessions already open stay open: end them separately if the old provider
    account is not to be trusted."""
    count = await unlink_identities(session, user.id)
    if count:
        await record_event(
            session,
            actor=actor,
            action="sso_identity.unlinked",
            target=user,
            details={"count": count},
        )
    return user


async def _grant(
    session: AsyncSession, *, actor: Actor, user: User, role: str, now: datetime, via: str
) -> None:
    session.add(PlatformRoleGrant(user_id=user.id, role=role, created_at=now))
    await session.flush()
    revoked = await revoke_user_sessions(session, user.id, now=now, reason=PRIVILEGE_CHANGED)
    await record_event(
        session,
        actor=actor,
        action="platform_role.granted",
        target=user,
        details={"role": role, "via": via, "sessions_revoked": revoked},
    )


async def grant_platform_role(
    session: AsyncSession, *, actor: Actor, user: User, role: PlatformRole, now: datetime
) -> User:
    """Idempotent. Admin is refused here: it takes an approved admin grant request."""
    if role == PlatformRole.ADMIN:
        raise AdminGrantRequiresApproval()
    if user.status != UserStatus.ACTIVE:
        raise UserSuspended()
    if await repo.find_role_grant(session, user_id=user.id, role=role) is None:
        await _grant(session, actor=actor, user=user, role=role, now=now, via="direct")
    return user


async def remove_platform_role(
    session: AsyncSession, *, actor: Actor, user: User, role: PlatformRole, now: datetime
) -> User:
    """Idempotent; the last active admin keeps the role (409 ``last_admin``). Admin is
    taken from another admin only through an approved request (409
    ``admin_change_requires_approval``); an admin may step down alone."""
    grant = await repo.find_role_grant(session, user_id=user.id, role=role)
    if grant is None:
        return user
    if role == PlatformRole.ADMIN and user.id != actor.user_id:
        raise AdminChangeRequiresApproval()
    await _revoke(session, actor=actor, user=user, grant=grant, now=now)
    return user


async def _revoke(
    session: AsyncSession, *, actor: Actor, user: User, grant: PlatformRoleGrant, now: datetime
) -> None:
    role = grant.role
    if role == PlatformRole.ADMIN:
        await _ensure_not_last_admin(session, user)
    await session.delete(grant)
    await session.flush()
    revoked = await revoke_user_sessions(session, user.id, now=now, reason=PRIVILEGE_CHANGED)
    await record_event(
        session,
        actor=actor,
        action="platform_role.revoked",
        target=user,
        details={"role": str(role), "sessions_revoked": revoked},
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
    _check_request_applies(kind, user, await _is_admin(session, user))
    if kind != "grant":
        await _ensure_not_last_admin(session, user)  # said now, not at approval time
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
        action="admin_grant_request.created",
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
    user = await repo.get_user(session, request.user_id)
    if user is None:  # pragma: no cover - the foreign key cascades deletes
        raise AdminGrantRequestClosed()
    admin_grant = await repo.find_role_grant(session, user_id=user.id, role=PlatformRole.ADMIN)
    _check_request_applies(request.kind, user, admin_grant is not None)
    request.status = "approved"
    request.decided_by = actor.user_id
    request.decided_at = now
    await session.flush()
    await record_event(
        session,
        actor=actor,
        action="admin_grant_request.approved",
        target=request,
        details={
            "user_id": str(user.id),
            "requested_by": str(request.requested_by),
            "kind": request.kind,
        },
    )
    if request.kind == "grant":
        await _grant(
            session, actor=actor, user=user, role=PlatformRole.ADMIN, now=now, via="approval"
        )
    elif request.kind == "revoke" and admin_grant is not None:
        await _revoke(session, actor=actor, user=user, grant=admin_grant, now=now)
    elif request.kind == "suspend":
        await _suspend(session, actor=actor, user=user, now=now)
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
        action="admin_grant_request.rejected",
        target=request,
        details={"user_id": str(request.user_id)},
    )
    return request
