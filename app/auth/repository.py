"""Auth queries shared by its sub-packages: accounts (users, platform roles, second-factor
state), challenges, and the one-statement context of a signed-in request."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    LargeBinary,
    Select,
    Uuid,
    bindparam,
    cast,
    func,
    inspect,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import adopt_loaded, holds_connection, read_outside_transaction
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


@dataclass(frozen=True)
class AccountFacts:
    """A user with what a new session's state needs: second factor enrolled, platform roles."""

    user: User
    has_second_factor: bool
    platform_roles: frozenset[str]


async def load_account(session: AsyncSession, user_id: uuid.UUID) -> AccountFacts | None:
    """The user ``user_id`` (into ``session``, as a query would load it), whether they have
    a second factor, and their platform roles — in one statement: a sign-in reads them
    after its hash, when every round trip is paid by every sign-in."""
    statement, user_keys = _account_statement()
    rows = (await session.execute(statement, {"account_id": user_id})).all()
    if not rows:
        return None
    first = rows[0]
    return AccountFacts(
        user=adopt_loaded(
            session, User, dict(zip(user_keys, first[: len(user_keys)], strict=True))
        ),
        has_second_factor=bool(first.enrolled),
        platform_roles=frozenset(row.role for row in rows if row.role is not None),
    )


@cache
def _account_statement() -> tuple[Select[Any], tuple[str, ...]]:
    """load_account's statement, built once: the user's columns, ``enrolled`` and one
    platform role per row (one row with a NULL role without any)."""
    users, grants = User.__table__, PlatformRoleGrant.__table__
    totp = select(TotpFactor.id).where(
        TotpFactor.user_id == users.c.id, TotpFactor.confirmed_at.is_not(None)
    )
    passkey = select(Passkey.id).where(Passkey.user_id == users.c.id)
    user_columns = _column_attributes(User)
    statement = (
        select(
            *(column.label(f"user_{key}") for key, column in user_columns),
            or_(totp.exists(), passkey.exists()).label("enrolled"),
            grants.c.role.label("role"),
        )
        .select_from(users.outerjoin(grants, grants.c.user_id == users.c.id))
        .where(users.c.id == bindparam("account_id", type_=Uuid()))
    )
    return statement, tuple(key for key, _ in user_columns)


@dataclass(frozen=True)
class PasswordHolder:
    """What a password check needs of the account an email names, before the hash."""

    user_id: uuid.UUID
    status: str
    password_hash: str | None


async def find_password_holder(session: AsyncSession, email: str) -> PasswordHolder | None:
    """As :func:`find_user_by_email`, only the id, status and password hash, by a Core
    statement built once per number of candidate indexes: it runs on every sign-in."""
    candidates = sorted(email_index_candidates(current_keyring(), email, domain=EMAIL_INDEX_DOMAIN))
    parameters = {f"email_index_{n}": index for n, index in enumerate(candidates)}
    row = (await session.execute(_holder_statement(len(candidates)), parameters)).first()
    return None if row is None else PasswordHolder(row.id, row.status, row.password_hash)


@cache
def _holder_statement(count: int) -> Select[Any]:
    users = User.__table__
    indexes = [bindparam(f"email_index_{n}", type_=LargeBinary) for n in range(count)]
    return (
        select(users.c.id, users.c.status, users.c.password_hash)
        .where(users.c.email_index.in_(indexes))
        .limit(1)
    )


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
    session: AsyncSession, token_macs: list[bytes], *, in_transaction: bool = True
) -> SessionContext | None:
    """The session whose token MAC is one of ``token_macs``, its user, the user's platform
    roles and memberships and second-factor state — in one statement (one round trip):
    every signed-in request pays for it.

    ``in_transaction=False`` (a request that only reads): the statement runs on a connection
    of its own without BEGIN and COMMIT (app/db.py read_outside_transaction), unless ``session``
    already holds one. Either way the session and user come back in ``session`` (changes
    to them are written by it, and ``session.get`` finds them without a query).
    """
    statement, session_keys, user_keys = _session_context_statement(len(token_macs))
    parameters = {f"token_mac_{n}": mac for n, mac in enumerate(token_macs)}
    if in_transaction or holds_connection(session):
        rows = (await session.execute(statement, parameters)).all()
    else:
        rows = await read_outside_transaction(session, statement, parameters)
    if not rows:
        return None
    first = rows[0]
    users_at = len(session_keys)
    facts_at = users_at + len(user_keys)
    return SessionContext(
        record=adopt_loaded(session, AuthSession, dict(zip(session_keys, first, strict=False))),
        user=adopt_loaded(
            session, User, dict(zip(user_keys, first[users_at:facts_at], strict=False))
        ),
        platform_roles=frozenset(row.role for row in rows if row.kind == "platform"),
        memberships={row.organization_id: row.role for row in rows if row.kind == "membership"},
        totp_enabled=bool(first.totp_enabled),
        passkeys=int(first.passkeys or 0),
    )


@cache
def _session_context_statement(
    mac_count: int,
) -> tuple[Select[Any], tuple[str, ...], tuple[str, ...]]:
    """The statement of load_session_context for ``mac_count`` candidate MACs (one per key
    version), built once (building and keying it for the compiled cache cost more than
    running it): Core, so that no ORM loading runs either. The MACs are bound one by one
    (token_mac_0, …): an expanding IN is rewritten on every execution (measured: 7 to 9% of
    the whole read). Rows: the session's columns, then its user's, then totp_enabled,
    passkeys and one role or membership (kind, organization_id, role; at least one row,
    NULLs without any)."""
    sessions, users = AuthSession.__table__, User.__table__
    macs = [bindparam(f"token_mac_{n}", type_=LargeBinary) for n in range(mac_count)]
    owner = select(sessions.c.user_id).where(sessions.c.token_mac.in_(macs)).scalar_subquery()
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
        .where(TotpFactor.user_id == sessions.c.user_id, TotpFactor.confirmed_at.is_not(None))
        .exists()
    )
    passkeys = (
        select(func.count(Passkey.id))
        .where(Passkey.user_id == sessions.c.user_id)
        .scalar_subquery()
    )
    session_columns = _column_attributes(AuthSession)
    user_columns = _column_attributes(User)
    statement = (
        select(
            *(column.label(f"session_{key}") for key, column in session_columns),
            *(column.label(f"user_{key}") for key, column in user_columns),
            totp.label("totp_enabled"),
            passkeys.label("passkeys"),
            facts.c.kind,
            facts.c.organization_id,
            facts.c.role,
        )
        .select_from(
            sessions.join(users, users.c.id == sessions.c.user_id).outerjoin(
                facts, facts.c.user_id == sessions.c.user_id
            )
        )
        .where(sessions.c.token_mac.in_(macs))
    )
    return (
        statement,
        tuple(key for key, _ in session_columns),
        tuple(key for key, _ in user_columns),
    )


def _column_attributes(cls: type[Any]) -> list[tuple[str, ColumnElement[Any]]]:
    """(attribute name, table column) of every column attribute of a mapped class."""
    return [(prop.key, prop.columns[0]) for prop in inspect(cls).column_attrs]
