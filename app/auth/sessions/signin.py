"""Password sign-in: throttled, audited, and identical for unknown accounts and wrong
passwords (same status, body, and — through a decoy hash — the same work)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.actors import ANONYMOUS, SessionState
from app.audit import AuditAction, record_event
from app.auth import throttle
from app.auth.dependencies import session_state
from app.auth.errors import InvalidCredentials
from app.auth.hashing import PasswordHashing
from app.auth.repository import find_password_holder, load_account
from app.auth.sessions.service import IssuedSession, open_signed_in_session
from app.config import Settings
from app.db import committed_apart
from app.errors import AppError
from app.models.users import User, UserStatus


@dataclass(frozen=True)
class SignInResult:
    issued: IssuedSession | None
    user: User | None
    refusal: AppError | None
    # What the new session may do (None without one): see dependencies.session_state.
    state: SessionState | None = None


@dataclass(frozen=True)
class _Candidate:
    """What the password check needs of the account, read before the hash runs."""

    user_id: uuid.UUID | None
    password_hash: str | None


async def sign_in_with_password(
    session: AsyncSession,
    *,
    sessionmaker: async_sessionmaker[AsyncSession],
    email: str,
    password: str,
    address: str,
    user_agent: str | None,
    now: datetime,
    settings: Settings,
    hashing: PasswordHashing,
) -> SignInResult:
    """Returns a refusal instead of raising, so that the audit event is committed with the
    response.

    Steps, so that neither a burst nor a slow hash weakens the limits:
    1. apart from the request's transaction, committed at once (db.committed_apart: no
       BEGIN or COMMIT on PostgreSQL): reserve the attempt against the account's and the
       address's budgets (each atomically; refused when either is used up) and read the
       account — a crash later still leaves the attempt counted;
    2. the Argon2 check, outside any transaction (on SQLite, a write transaction would hold
       the database lock for the whole hash);
    3. a right password gives its reservations back at once, apart again, in one
       statement: the address's row is shared by everyone behind that address, and
       inside the request's transaction its lock would be held until that commits;
    4. in the request's unit of work: open the session, or record the failure.
    """
    account, origin = throttle.account_key(email), throttle.address_key(address)
    budgets = [
        throttle.Budget(account, settings.throttle.account_failures),
        throttle.Budget(origin, settings.throttle.address_failures),
    ]
    try:
        async with committed_apart(sessionmaker) as early:
            await throttle.reserve(early, budgets, now=now, settings=settings.throttle)
            found = await find_password_holder(early, email)
            usable = found is not None and found.status == UserStatus.ACTIVE
            candidate = _Candidate(
                found.user_id if found is not None else None,
                found.password_hash if usable and found is not None else None,
            )
    except throttle.TooManyAttempts as refusal:
        await record_event(
            session, actor=ANONYMOUS, action=AuditAction.USER_SIGN_IN_THROTTLED, details={}
        )
        return SignInResult(None, None, refusal)

    matched = await hashing.verify(candidate.password_hash, password)
    if matched:
        # The right password was given, whatever the account's state now: not a guess.
        async with committed_apart(sessionmaker) as late:
            await throttle.give_back(late, clear=account, refund=origin)
    # Read again in this transaction: the account may have been suspended during the hash.
    facts = await load_account(session, candidate.user_id) if candidate.user_id else None
    if not matched or facts is None or facts.user.status != UserStatus.ACTIVE:
        await record_event(
            session,
            actor=ANONYMOUS,
            action=AuditAction.USER_SIGN_IN_FAILED,
            target=facts.user if facts is not None else None,
            details={"method": "password"},
        )
        return SignInResult(None, None, InvalidCredentials())

    user = facts.user
    if user.password_hash and hashing.needs_rehash(user.password_hash):
        user.password_hash = await hashing.hash(password)
    issued = await open_signed_in_session(
        session,
        user=user,
        method="password",
        method_name="password",
        now=now,
        settings=settings.session,
        user_agent=user_agent,
    )
    # A password is the first factor only.
    state = session_state(
        second_factor_proven=False,
        enrolled=facts.has_second_factor,
        roles=facts.platform_roles,
    )
    return SignInResult(issued, user, None, state)
