"""Queries of the memberships domain. No decisions here: callers decide what a row means.

Lists are keyset pages over the UUIDv7 primary key, newest first: the cost of a page does
not grow with the table, and names (encrypted) cannot be sorted by the database anyway.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.keys import current_keyring
from app.kit.crypto.blind_index import blind_index_candidates
from app.kit.crypto.tokens import token_mac_candidates
from app.kit.email import email_lookup_forms
from app.models.memberships import (
    INVITATION_EMAIL_DOMAIN,
    AdminGrantRequest,
    Invitation,
    Membership,
    Organization,
)
from app.models.users import EMAIL_INDEX_DOMAIN, PlatformRole, PlatformRoleGrant, User, UserStatus

# A MAC label, not a secret.
INVITATION_TOKEN_PURPOSE = "invitation"  # noqa: S105  # nosec B105


async def _page(
    session: AsyncSession,
    statement: Select[Any] | Any,
    key: Any,
    *,
    cursor: uuid.UUID | None,
    limit: int,
) -> tuple[list[Any], uuid.UUID | None]:
    """Rows of ``statement`` after ``cursor`` (newest first) and the next cursor, if any."""
    if cursor is not None:
        statement = statement.where(key < cursor)
    rows = list((await session.execute(statement.order_by(key.desc()).limit(limit + 1))).all())
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1][0].id if more and rows else None)


# --- organizations ---------------------------------------------------------------------


async def get_organization(
    session: AsyncSession, organization_id: uuid.UUID
) -> Organization | None:
    return await session.get(Organization, organization_id)


async def list_organizations(
    session: AsyncSession,
    *,
    only: Collection[uuid.UUID] | None,
    cursor: uuid.UUID | None,
    limit: int,
) -> tuple[list[Organization], uuid.UUID | None]:
    statement = select(Organization)
    if only is not None:
        statement = statement.where(Organization.id.in_(list(only)))
    rows, next_cursor = await _page(session, statement, Organization.id, cursor=cursor, limit=limit)
    return [row[0] for row in rows], next_cursor


# --- memberships -----------------------------------------------------------------------


async def get_membership(session: AsyncSession, membership_id: uuid.UUID) -> Membership | None:
    return await session.get(Membership, membership_id)


async def find_membership(
    session: AsyncSession, *, user_id: uuid.UUID, organization_id: uuid.UUID
) -> Membership | None:
    return await session.scalar(
        select(Membership).where(
            Membership.user_id == user_id, Membership.organization_id == organization_id
        )
    )


async def list_members(
    session: AsyncSession, organization_id: uuid.UUID, *, cursor: uuid.UUID | None, limit: int
) -> tuple[list[tuple[Membership, User]], uuid.UUID | None]:
    statement = (
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.organization_id == organization_id)
    )
    rows, next_cursor = await _page(session, statement, Membership.id, cursor=cursor, limit=limit)
    return [(row[0], row[1]) for row in rows], next_cursor


async def memberships_of_users(
    session: AsyncSession, user_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Membership]]:
    found: dict[uuid.UUID, list[Membership]] = {user_id: [] for user_id in user_ids}
    if user_ids:
        rows = await session.scalars(
            select(Membership).where(Membership.user_id.in_(list(user_ids))).order_by(Membership.id)
        )
        for row in rows:
            found[row.user_id].append(row)
    return found


# --- users and platform roles ----------------------------------------------------------


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    return await session.get(User, user_id)


def _email_indexes(email: str, domain: str) -> set[bytes]:
    # Every spelling of the address (app.kit.email.email_lookup_forms) under every key
    # version: rows indexed before canonical addresses, or before a rotation, still match.
    keyring = current_keyring()
    return {
        index
        for form in email_lookup_forms(email)
        for index in blind_index_candidates(keyring, form, domain=domain)
    }


async def find_user_by_email(session: AsyncSession, email: str) -> User | None:
    candidates = _email_indexes(email, EMAIL_INDEX_DOMAIN)
    return await session.scalar(select(User).where(User.email_index.in_(candidates)).limit(1))


async def list_users(
    session: AsyncSession, *, status: str | None, cursor: uuid.UUID | None, limit: int
) -> tuple[list[User], uuid.UUID | None]:
    statement = select(User)
    if status is not None:
        statement = statement.where(User.status == status)
    rows, next_cursor = await _page(session, statement, User.id, cursor=cursor, limit=limit)
    return [row[0] for row in rows], next_cursor


async def platform_roles_of_users(
    session: AsyncSession, user_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[str]]:
    found: dict[uuid.UUID, list[str]] = {user_id: [] for user_id in user_ids}
    if user_ids:
        rows = await session.execute(
            select(PlatformRoleGrant.user_id, PlatformRoleGrant.role)
            .where(PlatformRoleGrant.user_id.in_(list(user_ids)))
            .order_by(PlatformRoleGrant.role)
        )
        for user_id, role in rows:
            found[user_id].append(role)
    return found


async def find_role_grant(
    session: AsyncSession, *, user_id: uuid.UUID, role: str
) -> PlatformRoleGrant | None:
    return await session.scalar(
        select(PlatformRoleGrant).where(
            PlatformRoleGrant.user_id == user_id, PlatformRoleGrant.role == role
        )
    )


async def count_active_admins_locked(session: AsyncSession) -> int:
    """Active admins, after locking every admin grant row until the transaction ends.

    Two admins suspending each other at once would otherwise both count two admins and
    leave none: the lock makes the second wait and count again (PostgreSQL; SQLite
    transactions are already serialized by BEGIN IMMEDIATE).
    """
    await session.execute(
        select(PlatformRoleGrant.id)
        .where(PlatformRoleGrant.role == PlatformRole.ADMIN)
        .with_for_update()
    )
    return int(
        await session.scalar(
            select(func.count())
            .select_from(PlatformRoleGrant)
            .join(User, User.id == PlatformRoleGrant.user_id)
            .where(PlatformRoleGrant.role == PlatformRole.ADMIN, User.status == UserStatus.ACTIVE)
        )
        or 0
    )


# --- invitations -----------------------------------------------------------------------


async def get_invitation(session: AsyncSession, invitation_id: uuid.UUID) -> Invitation | None:
    return await session.get(Invitation, invitation_id)


async def find_invitation_by_token(
    session: AsyncSession, token: str, *, lock: bool = False
) -> Invitation | None:
    if not token or len(token) > 128:
        return None
    candidates = token_mac_candidates(current_keyring(), token, purpose=INVITATION_TOKEN_PURPOSE)
    statement = select(Invitation).where(Invitation.token_mac.in_(candidates))
    if lock:
        # Two accepts of one link at once: the second waits, then sees it used.
        statement = statement.with_for_update()
    return await session.scalar(statement)


async def find_open_invitation(
    session: AsyncSession, *, email: str, organization_id: uuid.UUID, now: datetime
) -> Invitation | None:
    candidates = _email_indexes(email, INVITATION_EMAIL_DOMAIN)
    return await session.scalar(
        select(Invitation)
        .where(
            Invitation.email_index.in_(candidates),
            Invitation.organization_id == organization_id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
        .limit(1)
    )


async def list_invitations(
    session: AsyncSession,
    *,
    status: str | None,
    organization_id: uuid.UUID | None,
    now: datetime,
    cursor: uuid.UUID | None,
    limit: int,
) -> tuple[list[Invitation], uuid.UUID | None]:
    statement = select(Invitation)
    if organization_id is not None:
        statement = statement.where(Invitation.organization_id == organization_id)
    open_ = (Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
    if status == "pending":
        statement = statement.where(*open_, Invitation.expires_at > now)
    elif status == "expired":
        statement = statement.where(*open_, Invitation.expires_at <= now)
    elif status == "accepted":
        statement = statement.where(Invitation.accepted_at.is_not(None))
    elif status == "revoked":
        statement = statement.where(
            Invitation.accepted_at.is_(None), Invitation.revoked_at.is_not(None)
        )
    rows, next_cursor = await _page(session, statement, Invitation.id, cursor=cursor, limit=limit)
    return [row[0] for row in rows], next_cursor


# --- admin grant requests --------------------------------------------------------------


async def get_admin_grant_request(
    session: AsyncSession, request_id: uuid.UUID, *, lock: bool = False
) -> AdminGrantRequest | None:
    statement = select(AdminGrantRequest).where(AdminGrantRequest.id == request_id)
    if lock:
        statement = statement.with_for_update()
    return await session.scalar(statement)


async def find_pending_grant_request(
    session: AsyncSession, *, user_id: uuid.UUID, kind: str, since: datetime
) -> AdminGrantRequest | None:
    return await session.scalar(
        select(AdminGrantRequest)
        .where(
            AdminGrantRequest.user_id == user_id,
            AdminGrantRequest.kind == kind,
            AdminGrantRequest.status == "pending",
            AdminGrantRequest.created_at > since,
        )
        .limit(1)
    )


async def list_admin_grant_requests(
    session: AsyncSession,
    *,
    status: str | None,
    stale_before: datetime,
    cursor: uuid.UUID | None,
    limit: int,
) -> tuple[list[AdminGrantRequest], uuid.UUID | None]:
    """``stale_before``: pending requests created before it count as expired."""
    statement = select(AdminGrantRequest)
    if status == "pending":
        statement = statement.where(
            AdminGrantRequest.status == "pending", AdminGrantRequest.created_at > stale_before
        )
    elif status == "expired":
        statement = statement.where(
            AdminGrantRequest.status == "pending", AdminGrantRequest.created_at <= stale_before
        )
    elif status is not None:
        statement = statement.where(AdminGrantRequest.status == status)
    rows, next_cursor = await _page(
        session, statement, AdminGrantRequest.id, cursor=cursor, limit=limit
    )
    return [row[0] for row in rows], next_cursor
