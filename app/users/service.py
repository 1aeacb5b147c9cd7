"""User administration: suspend, reactivate, end sessions, unlink single sign-on, grant
and remove platform roles. Services flush, never commit; every change is audited and ends
the user's sessions."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import Actor
from app.audit import AuditAction, record_event
from app.auth.oidc import linked_user_ids, unlink_identities
from app.auth.service import account_security_of
from app.auth.sessions.service import PRIVILEGE_CHANGED, revoke_user_sessions
from app.memberships import service as membership_service
from app.models.users import PlatformRoleGrant, User, UserStatus
from app.permissions import ROLE_PERMISSIONS, Permission, PlatformRole
from app.users import repository as repo
from app.users.errors import (
    AdminChangeRequiresApproval,
    AdminGrantRequiresApproval,
    LastAdmin,
    UserNotSuspended,
    UserSuspended,
)
from app.users.schemas import UserAdminRead, UserMembership, UserPage


async def user_reads(session: AsyncSession, users: list[User]) -> list[UserAdminRead]:
    ids = [user.id for user in users]
    roles = await repo.platform_roles_of_users(session, ids)
    memberships = await membership_service.memberships_of_users(session, ids)
    linked = await linked_user_ids(session, ids)
    security = await account_security_of(session, ids)
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
            second_factor=security[user.id].second_factor,
            last_active_at=security[user.id].last_active_at,
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


async def ensure_not_last_admin(session: AsyncSession, user: User) -> None:
    if user.status != UserStatus.ACTIVE:
        return
    if await repo.find_role_grant(session, user_id=user.id, role=PlatformRole.ADMIN) is None:
        return
    if await repo.count_active_admins_locked(session) <= 1:
        raise LastAdmin()


async def find_admin_grant(session: AsyncSession, user: User) -> PlatformRoleGrant | None:
    return await repo.find_role_grant(session, user_id=user.id, role=PlatformRole.ADMIN)


async def is_admin(session: AsyncSession, user: User) -> bool:
    return await find_admin_grant(session, user) is not None


async def suspend_user(session: AsyncSession, *, actor: Actor, user: User, now: datetime) -> User:
    """The account stops working at once: its sessions are revoked, and a suspended
    user's session would resolve to nobody anyway. Another admin is suspended only
    through an approved request (409 ``admin_change_requires_approval``)."""
    if user.status == UserStatus.SUSPENDED:
        raise UserSuspended()
    if user.id != actor.user_id and await is_admin(session, user):
        raise AdminChangeRequiresApproval()
    await apply_suspension(session, actor=actor, user=user, now=now)
    return user


async def apply_suspension(
    session: AsyncSession, *, actor: Actor, user: User, now: datetime
) -> None:
    await ensure_not_last_admin(session, user)
    user.status = UserStatus.SUSPENDED
    user.updated_at = now
    await session.flush()
    revoked = await revoke_user_sessions(session, user.id, now=now, reason="suspended")
    await record_event(
        session,
        actor=actor,
        action=AuditAction.USER_SUSPENDED,
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
    await record_event(session, actor=actor, action=AuditAction.USER_REACTIVATED, target=user)
    return user


async def revoke_sessions(session: AsyncSession, *, actor: Actor, user: User, now: datetime) -> int:
    count = await revoke_user_sessions(session, user.id, now=now, reason="revoked_by_admin")
    await record_event(
        session,
        actor=actor,
        action=AuditAction.SESSION_REVOKED_ALL,
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
            action=AuditAction.SSO_IDENTITY_UNLINKED,
            target=user,
            details={"count": count},
        )
    return user


async def grant_role(
    session: AsyncSession, *, actor: Actor, user: User, role: str, now: datetime, via: str
) -> None:
    session.add(PlatformRoleGrant(user_id=user.id, role=role, created_at=now))
    await session.flush()
    revoked = await revoke_user_sessions(session, user.id, now=now, reason=PRIVILEGE_CHANGED)
    await record_event(
        session,
        actor=actor,
        action=AuditAction.PLATFORM_ROLE_GRANTED,
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
        await grant_role(session, actor=actor, user=user, role=role, now=now, via="direct")
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
    await revoke_role(session, actor=actor, user=user, grant=grant, now=now)
    return user


async def revoke_role(
    session: AsyncSession, *, actor: Actor, user: User, grant: PlatformRoleGrant, now: datetime
) -> None:
    role = grant.role
    if role == PlatformRole.ADMIN:
        await ensure_not_last_admin(session, user)
    await session.delete(grant)
    await session.flush()
    revoked = await revoke_user_sessions(session, user.id, now=now, reason=PRIVILEGE_CHANGED)
    await record_event(
        session,
        actor=actor,
        action=AuditAction.PLATFORM_ROLE_REVOKED,
        target=user,
        details={"role": str(role), "sessions_revoked": revoked},
    )


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    return await repo.get_user(session, user_id)


async def lock_user(session: AsyncSession, user: User) -> None:
    """Serializes decisions about ``user`` that check, then write (one pending request per
    kind): a second transaction waits here until the first has written and committed."""
    await repo.lock_user(session, user.id)


async def find_user_by_email(session: AsyncSession, email: str) -> User | None:
    """The account registered under ``email`` in any of its spellings, if any."""
    return await repo.find_user_by_email(session, email)


async def display_names(
    session: AsyncSession, user_ids: Iterable[uuid.UUID | None]
) -> dict[uuid.UUID, str]:
    """Names of the given people (for authors and credits shown beside what they wrote)."""
    wanted = [user_id for user_id in set(user_ids) if user_id is not None]
    return {user.id: user.display_name for user in await repo.get_users(session, wanted)}


async def get_users(session: AsyncSession, user_ids: Iterable[uuid.UUID]) -> list[User]:
    return await repo.get_users(session, list(user_ids))


async def representatives_of(
    session: AsyncSession, organization_ids: Iterable[uuid.UUID]
) -> list[tuple[uuid.UUID, User]]:
    return await repo.representatives_of(session, list(organization_ids))


async def active_holders_of(session: AsyncSession, permission: Permission) -> list[User]:
    """Active people whose platform role grants ``permission`` (who may be assigned work that
    needs it), by name."""
    roles = [role for role in PlatformRole if permission in ROLE_PERMISSIONS.get(role, frozenset())]
    found = await repo.active_users_with_roles(session, roles)
    return sorted(found, key=lambda user: user.display_name.casefold())


async def platform_roles_of(
    session: AsyncSession, user_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[str]]:
    return await repo.platform_roles_of_users(session, user_ids)
