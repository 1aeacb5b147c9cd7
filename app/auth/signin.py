"""Password sign-in: throttled, audited, and identical for unknown accounts and wrong
passwords (same status, body, and — through a decoy hash — the same work)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import ANONYMOUS
from app.audit import record_event
from app.auth import throttle
from app.auth.errors import InvalidCredentials
from app.auth.hashing import PasswordHashing
from app.auth.repository import find_user_by_email
from app.auth.sessions import IssuedSession, open_signed_in_session
from app.config import Settings
from app.errors import AppError
from app.models.users import User, UserStatus


@dataclass(frozen=True)
class SignInResult:
    issued: IssuedSession | None
    user: User | None
    refusal: AppError | None


async def sign_in_with_password(
    session: AsyncSession,
    *,
    email: str,
    password: str,
    address: str,
    user_agent: str | None,
    now: datetime,
    settings: Settings,
    hashing: PasswordHashing,
) -> SignInResult:
    """Returns a refusal instead of raising, so that the failure count and the audit event
    are committed with the response."""
    account, origin = throttle.account_key(email), throttle.address_key(address)
    try:
        await throttle.ensure_not_blocked(session, [account, origin], now=now)
    except throttle.TooManyAttempts as refusal:
        await record_event(session, actor=ANONYMOUS, action="user.sign_in_throttled", details={})
        return SignInResult(None, None, refusal)

    user = await find_user_by_email(session, email)
    usable = user is not None and user.status == UserStatus.ACTIVE
    matched = await hashing.verify(user.password_hash if usable and user else None, password)
    if not matched or user is None:
        await throttle.record_failure(
            session,
            [
                (account, settings.throttle.account_failures),
                (origin, settings.throttle.address_failures),
            ],
            now=now,
            settings=settings.throttle,
        )
        await record_event(
            session,
            actor=ANONYMOUS,
            action="user.sign_in_failed",
            target=user if user is not None else None,
            details={"method": "password"},
        )
        return SignInResult(None, None, InvalidCredentials())

    await throttle.clear(session, account)
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
    return SignInResult(issued, user, None)
