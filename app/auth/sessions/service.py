"""Opaque server-side sessions: a random cookie token, only its MAC in the database.

A session dies on sign-out, revocation, suspension of its user, after ``idle_minutes``
without a request, and ``absolute_hours`` after sign-in, whichever comes first; each is
checked on every request, so it takes effect on the very next one. Its token changes
whenever what it proves changes (sign-in, a second factor, a new password).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import Actor
from app.audit import AuditAction, record_event
from app.auth.errors import SignInRequired
from app.auth.repository import get_user
from app.auth.sessions import repository as repo
from app.config import SessionSettings
from app.keys import current_keyring
from app.kit.clock import as_utc
from app.kit.crypto.tokens import constant_time_equal, new_token, token_mac, token_mac_candidates
from app.models.identity import AuthSession
from app.models.users import User
from app.notifications.service import notify_user

COOKIE_NAME = "__Host-accord_session"
# MAC labels, not secrets.
TOKEN_PURPOSE = "session"  # noqa: S105  # nosec B105
CSRF_PURPOSE = "csrf"
# The revocation reason when what a user may do changed (roles, memberships, status).
PRIVILEGE_CHANGED = "privilege_changed"


@dataclass(frozen=True)
class IssuedSession:
    record: AuthSession
    token: str


async def open_session(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    method: str,
    now: datetime,
    settings: SessionSettings,
    user_agent: str | None,
    second_factor: bool = False,
) -> IssuedSession:
    token = new_token()
    record = AuthSession(
        user_id=user_id,
        token_mac=token_mac(current_keyring(), token, purpose=TOKEN_PURPOSE),
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=settings.absolute_hours),
        second_factor_at=now if second_factor else None,
        method=method,
    )
    record.user_agent = (user_agent or "")[:200] or None
    session.add(record)
    await session.flush()
    return IssuedSession(record, token)


async def open_signed_in_session(
    session: AsyncSession,
    *,
    user: User,
    method: str,
    method_name: str,
    now: datetime,
    settings: SessionSettings,
    user_agent: str | None,
    second_factor: bool = False,
    details: dict[str, Any] | None = None,
) -> IssuedSession:
    """The session of a sign-in that succeeded, audited (``user.signed_in``, by the user it
    signs in) and told to the user by email: a sign-in they did not make is how a stolen
    credential shows. ``method_name`` names the method in that email; ``details`` adds to
    the audit event's."""
    issued = await open_session(
        session,
        user_id=user.id,
        method=method,
        now=now,
        settings=settings,
        user_agent=user_agent,
        second_factor=second_factor,
    )
    await notify_user(session, user=user, kind="new_sign_in", now=now, method=method_name)
    # Last: from its first statement to the commit, every audited write waits for this one.
    await record_event(
        session,
        actor=Actor(type="user", user_id=user.id, session_id=issued.record.id),
        action=AuditAction.USER_SIGNED_IN,
        target=user,
        details={"method": method, **(details or {}), "session_id": str(issued.record.id)},
    )
    return issued


async def session_user(session: AsyncSession, actor: Actor) -> User:
    """The user behind a signed-in actor (resolve_actor loaded it in this transaction, so
    no query); SignInRequired for an actor without one."""
    user = await get_user(session, actor.user_id) if actor.user_id is not None else None
    if user is None:  # pragma: no cover - AnySession and SignedIn rule it out
        raise SignInRequired()
    return user


async def find_live_session(
    session: AsyncSession, token: str, *, now: datetime, settings: SessionSettings
) -> AuthSession | None:
    """The session for ``token`` if it is neither revoked nor expired (idle or absolute)."""
    macs = session_token_macs(token)
    if not macs:
        return None
    record = await repo.find_by_token_macs(session, macs)
    return record if record is not None and session_is_live(record, now, settings) else None


def session_token_macs(token: str) -> list[bytes]:
    """The MACs a presented token may be stored under (every key version); none for a
    token no session could have."""
    if not token or len(token) > 128:
        return []
    return token_mac_candidates(current_keyring(), token, purpose=TOKEN_PURPOSE)


def session_is_live(record: AuthSession, now: datetime, settings: SessionSettings) -> bool:
    """Neither revoked nor past its absolute or idle deadline."""
    if record.revoked_at is not None or as_utc(record.expires_at) <= now:
        return False
    return as_utc(record.last_seen_at) + timedelta(minutes=settings.idle_minutes) > now


async def elevate_session(
    session: AsyncSession, record: AuthSession, *, now: datetime
) -> IssuedSession:
    """After a second factor is proven: a new token (privilege changed), the old one dead.

    The new session keeps the old one's absolute deadline: proving a factor does not
    extend how long a sign-in lasts.
    """
    await revoke_session(record, now=now, reason="elevated")
    token = new_token()
    fresh = AuthSession(
        user_id=record.user_id,
        token_mac=token_mac(current_keyring(), token, purpose=TOKEN_PURPOSE),
        created_at=now,
        last_seen_at=now,
        expires_at=record.expires_at,
        second_factor_at=now,
        method=record.method,
    )
    fresh.user_agent = record.user_agent
    session.add(fresh)
    await session.flush()
    return IssuedSession(fresh, token)


async def rotate_session(
    session: AsyncSession, record: AuthSession, *, now: datetime
) -> IssuedSession:
    """A new token for the same sign-in that proves no more than the old one did (after a
    password change, so a token captured before it stops working).

    elevate_session records a second factor as proven just now; here nothing new was
    proven, so the old proof time (or its absence) is carried over.
    """
    proven_at = record.second_factor_at
    await revoke_session(record, now=now, reason="rotated")
    issued = await elevate_session(session, record, now=now)
    issued.record.second_factor_at = proven_at
    await session.flush()
    return issued


def second_factor_fresh(
    proven_at: datetime | None, *, now: datetime, settings: SessionSettings
) -> bool:
    """Whether a second factor proven at ``proven_at`` still vouches for a sensitive
    action: proven within the last ``step_up_minutes``."""
    if proven_at is None:
        return False
    return as_utc(proven_at) + timedelta(minutes=settings.step_up_minutes) >= now


def seconds_left(record: AuthSession, now: datetime) -> int:
    return max(0, int((as_utc(record.expires_at) - now).total_seconds()))


# Revocation reasons (AuthSession.revoked_reason) the person is told about, in the words of
# app/auth/schemas.py SessionEnded. A session replaced in the same browser (rotated,
# elevated, replaced) or signed out there says nothing: that browser holds the new cookie
# or none.
_ENDED_BECAUSE = {
    "revoked_by_user": "signed_out_elsewhere",
    "signed_out_everywhere": "signed_out_elsewhere",
    "revoked_by_admin": "ended_by_admin",
    PRIVILEGE_CHANGED: "access_changed",
    "password_changed": "password_changed",  # nosec B105 - a reason, not a password
    "suspended": "suspended",
}


def why_ended(
    record: AuthSession, user: User, now: datetime, settings: SessionSettings
) -> str | None:
    """Why a session that is no longer live ended, for the person who held it (its cookie
    proves that); ``None`` when there is nothing to tell."""
    if user.status != "active":
        return "suspended"
    if record.revoked_at is not None:
        return _ENDED_BECAUSE.get(record.revoked_reason or "")
    return "expired" if not session_is_live(record, now, settings) else None


async def revoke_session(record: AuthSession, *, now: datetime, reason: str) -> None:
    if record.revoked_at is None:
        record.revoked_at = now
        record.revoked_reason = reason


async def revoke_user_sessions(
    session: AsyncSession,
    user_id: uuid.UUID,
    *,
    now: datetime,
    reason: str,
    keep: uuid.UUID | None = None,
) -> int:
    return await repo.mark_user_sessions_revoked(
        session, user_id, now=now, reason=reason, keep=keep
    )


async def list_live_sessions(
    session: AsyncSession, user_id: uuid.UUID, *, now: datetime, settings: SessionSettings
) -> list[AuthSession]:
    return await repo.list_unrevoked_sessions(
        session, user_id, now=now, seen_after=now - timedelta(minutes=settings.idle_minutes)
    )


# --- The user's own sessions (routes in sessions/router.py) ---------------------------


async def end_current_session(
    session: AsyncSession, *, actor: Actor, record: AuthSession, now: datetime
) -> None:
    """End the actor's current session (``record``), audited."""
    await revoke_session(record, now=now, reason="signed_out")
    await record_event(
        session,
        actor=actor,
        action=AuditAction.SESSION_REVOKED,
        target=record,
        details={"reason": "signed_out"},
    )


async def revoke_own_session(
    session: AsyncSession, *, actor: Actor, record: AuthSession, now: datetime
) -> None:
    """End one of the actor's sessions (loaded through access_session), audited."""
    await revoke_session(record, now=now, reason="revoked_by_user")
    await record_event(
        session,
        actor=actor,
        action=AuditAction.SESSION_REVOKED,
        target=record,
        details={"reason": "revoked_by_user"},
    )


async def revoke_all_own_sessions(session: AsyncSession, *, actor: Actor, now: datetime) -> int:
    """Sign the actor out everywhere, this session included, audited; how many ended."""
    if actor.user_id is None:  # pragma: no cover - SignedIn rules it out
        raise SignInRequired()
    user_id = actor.user_id
    count = await revoke_user_sessions(session, user_id, now=now, reason="signed_out_everywhere")
    await record_event(
        session,
        actor=actor,
        action=AuditAction.SESSION_REVOKED_ALL,
        target=("users", user_id),
        details={"count": count},
    )
    return count


def csrf_token(session_token: str) -> str:
    """Derived from the session token: nothing to store, useless without the cookie."""
    return token_mac(current_keyring(), session_token, purpose=CSRF_PURPOSE).hex()


def csrf_matches(session_token: str, presented: str | None) -> bool:
    if not presented:
        return False
    expected = [
        mac.hex()
        for mac in token_mac_candidates(current_keyring(), session_token, purpose=CSRF_PURPOSE)
    ]
    return any(constant_time_equal(e.encode(), presented.encode()) for e in expected)
