"""The credentials a second factor guards: changing the password and the email address
(the email change itself: email_change.py).

Both need proof that the person at the keyboard is the account holder, not whoever found
the browser open (reauthenticate). Every change notifies the user by email and is
audited; no secret reaches either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import Actor
from app.audit import AuditAction, record_event
from app.auth import throttle
from app.auth.account.errors import CurrentPasswordRequired, CurrentPasswordWrong
from app.auth.errors import StepUpRequired, WeakPassword
from app.auth.hashing import PasswordHashing
from app.auth.passwords import PasswordRejected, check_password_policy
from app.auth.repository import has_second_factor
from app.auth.sessions.service import (
    IssuedSession,
    revoke_user_sessions,
    rotate_session,
    second_factor_fresh,
)
from app.config import Settings, ThrottleSettings
from app.errors import AppError
from app.models.identity import AuthSession
from app.models.users import User
from app.notifications.service import notify_user


async def reauthenticate(
    session: AsyncSession,
    *,
    actor: Actor,
    user: User,
    password: str | None,
    now: datetime,
    settings: Settings,
    hashing: PasswordHashing,
    password_proven_at: datetime | None = None,
) -> AppError | None:
    """Before a credential changes: a second factor proven within the step-up window when
    the account has one (StepUpRequired, raised), the current password when it has none
    (see check_current_password). None when the proof holds.

    The forced change after a first sign-in with a one-time password does not ask for that
    password again while the sign-in that proved it (``password_proven_at``) is within the
    step-up window: it was typed moments ago on this very session."""
    if await has_second_factor(session, user.id):
        if not second_factor_fresh(actor.second_factor_at, now=now, settings=settings.session):
            raise StepUpRequired()
        return None
    if user.password_change_required and second_factor_fresh(
        password_proven_at, now=now, settings=settings.session
    ):
        return None
    return await check_current_password(
        session,
        actor=actor,
        user=user,
        password=password,
        now=now,
        settings=settings.throttle,
        hashing=hashing,
    )


async def check_current_password(
    session: AsyncSession,
    *,
    actor: Actor,
    user: User,
    password: str | None,
    now: datetime,
    settings: ThrottleSettings,
    hashing: PasswordHashing,
) -> AppError | None:
    """For accounts without a second factor: re-enter the password before changing
    credentials. Wrong guesses share the sign-in budget of the account, so a stolen
    session gives no extra guesses. A refusal is returned, not raised, so that its count
    and audit event are committed."""
    if not password:
        raise CurrentPasswordRequired()
    # The attempt is reserved before the hash, in this transaction (see throttle.reserve).
    key = throttle.account_key(user.email)
    try:
        await throttle.reserve(
            session, [throttle.Budget(key, settings.account_failures)], now=now, settings=settings
        )
    except throttle.TooManyAttempts as refusal:
        await record_event(
            session,
            actor=actor,
            action=AuditAction.USER_REAUTHENTICATION_THROTTLED,
            target=user,
            details={"method": "password"},
        )
        return refusal
    if await hashing.verify(user.password_hash, password):
        await throttle.clear(session, key)
        return None
    await record_event(
        session,
        actor=actor,
        action=AuditAction.USER_REAUTHENTICATION_FAILED,
        target=user,
        details={"method": "password"},
    )
    return CurrentPasswordWrong()


def check_new_password(user: User, password: str) -> None:
    try:
        check_password_policy(password, context=(user.email, user.display_name))
    except PasswordRejected as rejected:
        raise WeakPassword(extra={"reason": rejected.reason}) from None


@dataclass(frozen=True)
class PasswordChange:
    issued: IssuedSession
    other_sessions_revoked: int


async def change_password(
    session: AsyncSession,
    *,
    actor: Actor,
    user: User,
    record: AuthSession,
    new_password: str,
    now: datetime,
    hashing: PasswordHashing,
) -> PasswordChange:
    """Set a new password (policy checked by the caller through check_new_password), end
    every other session and rotate this one. The caller has re-authenticated the user."""
    user.password_hash = await hashing.hash(new_password)
    user.password_change_required = False
    user.updated_at = now
    revoked = await revoke_user_sessions(
        session, user.id, now=now, reason="password_changed", keep=record.id
    )
    issued = await rotate_session(session, record, now=now)
    await record_event(
        session,
        actor=actor,
        action=AuditAction.USER_PASSWORD_CHANGED,
        target=user,
        details={"other_sessions_revoked": revoked, "session_id": str(issued.record.id)},
    )
    await notify_user(
        session, user=user, kind="credential_changed", now=now, change="password_changed"
    )
    return PasswordChange(issued=issued, other_sessions_revoked=revoked)
