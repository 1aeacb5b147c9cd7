"""Auth queries shared by its sub-packages: accounts (users, platform roles, second-factor
state), challenges, and the one-statement context of a signed-in request."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Uuid, cast, func, literal, null, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from app.keys import current_keyring
from app.kit.email import email_index_candidates
from app.models.identity import AuthChallenge, AuthSession, Passkey, TotpFactor
from app.models.memberships import Membership
from app.models.users import EMAIL_INDEX_DOMAIN, PlatformRoleGrant, User
from app.permissions import PlatformRole


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    """The user by id (no query when the unit of work already loaded it)."""
    return await session.get(User, user_id)


async def find_user_by_email(session: AsyncSession, email: str) -> User | None:
    """The account for ``email`` in any spelling (app.kit.email.email_lookup_forms); lenient,
    so that sign-in answers alike for any unknown address."""
    candidates = email_index_candidates(current_keyring(), email, domain=EMAIL_INDEX_DOMAIN)
    return await session.scalar(select(User).where(User.email_index.in_(candidates)).limit(1))


async def count_users(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(User)) or 0)


async def count_admins(session: AsyncSession) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(PlatformRoleGrant)
            .where(PlatformRoleGrant.role == PlatformRole.ADMIN)
        )
        or 0
    )


async def platform_roles_of(session: AsyncSession, user_id: object) -> frozenset[str]:
    return frozenset(
        (
            await session.scalars(
                select(PlatformRoleGrant.role).where(PlatformRoleGrant.user_id == user_id)
            )
        ).all()
    )


async def has_second_factor(session: AsyncSession, user_id: object) -> bool:
    totp = await session.scalar(
        select(TotpFactor.id).where(
            TotpFactor.user_id == user_id, TotpFactor.confirmed_at.is_not(None)
        )
    )
    if totp is not None:
        return True
    passkey = await session.scalar(select(Passkey.id).where(Passkey.user_id == user_id).limit(1))
    return passkey is not None


async def second_factor_users(session: AsyncSession, user_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Of ``user_ids``, those with a confirmed authenticator app or a passkey."""
    if not user_ids:
        return set()
    totp = select(TotpFactor.user_id).where(
        TotpFactor.user_id.in_(user_ids), TotpFactor.confirmed_at.is_not(None)
    )
    passkeys = select(Passkey.user_id).where(Passkey.user_id.in_(user_ids))
    return set((await session.scalars(totp.union(passkeys))).all())


async def last_seen_of_users(
    session: AsyncSession, user_ids: list[uuid.UUID]
) -> dict[uuid.UUID, datetime]:
    """When each of ``user_ids`` last used any session still on record."""
    if not user_ids:
        return {}
    rows = await session.execute(
        select(AuthSession.user_id, func.max(AuthSession.last_seen_at))
        .where(AuthSession.user_id.in_(user_ids))
        .group_by(AuthSession.user_id)
    )
    return {user_id: seen for user_id, seen in rows if seen is not None}


async def find_challenge_for_update(
    session: AsyncSession, handle_macs: list[bytes]
) -> AuthChallenge | None:
    """The challenge whose handle MAC is one of ``handle_macs``, locked until the end of
    the transaction (so that it is used up once)."""
    return await session.scalar(
        select(AuthChallenge).where(AuthChallenge.handle_mac.in_(handle_macs)).with_for_update()
    )


async def count_passkeys(session: AsyncSession, user_id: uuid.UUID) -> int:
    return int(
        await session.scalar(
            select(func.count()).select_from(Passkey).where(Passkey.user_id == user_id)
        )
        or 0
    )


@dataclass(frozen=True)
class SessionContext:
    """Everything a request needs to know about who is behind a session cookie."""

    record: AuthSession
    user: User
    platform_roles: frozenset[str]
    memberships: dict[uuid.UUID, str]
    totp_enabled: bool
    passkeys: int

    @property
    def has_second_factor(self) -> bool:
        return self.totp_enabled or self.passkeys > 0


async def load_session_context(
    session: AsyncSession, token_macs: list[bytes]
) -> SessionContext | None:
    """The session whose token MAC is one of ``token_macs``, its user, the user's platform
    roles and memberships and second-factor state — in one statement (one round trip):
    every signed-in request pays for it. Rows: one per role or membership (at least one).
    """
    owner = (
        select(AuthSession.user_id).where(AuthSession.token_mac.in_(token_macs)).scalar_subquery()
    )
    facts = union_all(
        select(
            PlatformRoleGrant.user_id.label("user_id"),
            literal("platform").label("kind"),
            cast(null(), Uuid()).label("organization_id"),
            PlatformRoleGrant.role.label("role"),
        ).where(PlatformRoleGrant.user_id == owner),
        select(
            Membership.user_id,
            literal("membership"),
            Membership.organization_id,
            Membership.role,
        ).where(Membership.user_id == owner),
    ).subquery("facts")
    totp = (
        select(TotpFactor.id)
        .where(TotpFactor.user_id == AuthSession.user_id, TotpFactor.confirmed_at.is_not(None))
        .exists()
    )
    passkeys = (
        select(func.count(Passkey.id))
        .where(Passkey.user_id == AuthSession.user_id)
        .scalar_subquery()
    )
    statement = (
        select(
            AuthSession,
            User,
            totp.label("totp_enabled"),
            passkeys.label("passkeys"),
            facts.c.kind,
            facts.c.organization_id,
            facts.c.role,
        )
        .join(User, User.id == AuthSession.user_id)
        .outerjoin(facts, facts.c.user_id == AuthSession.user_id)
        .where(AuthSession.token_mac.in_(token_macs))
    )
    rows = (await session.execute(statement)).all()
    if not rows:
        return None
    first = rows[0]
    roles = frozenset(row.role for row in rows if row.kind == "platform")
    memberships = {row.organization_id: row.role for row in rows if row.kind == "membership"}
    return SessionContext(
        record=first.AuthSession,
        user=first.User,
        platform_roles=roles,
        memberships=memberships,
        totp_enabled=bool(first.totp_enabled),
        passkeys=int(first.passkeys or 0),
    )
