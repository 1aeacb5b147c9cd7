"""Second factors (TOTP, recovery codes) and the credentials they guard (password, email).

Services flush, never commit. A failed attempt that must be remembered (throttle count,
audit event) is *returned* as a refusal, not raised, so that the unit of work commits it.
Every change notifies the user by email and is audited; no secret reaches either.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import Actor
from app.audit import record_event
from app.auth import recovery_codes, throttle, totp
from app.auth.challenges import issue_challenge
from app.auth.errors import EmailAlreadyRegistered, WeakPassword
from app.auth.hashing import PasswordHashing
from app.auth.passwords import PasswordRejected, check_password_policy
from app.auth.repository import find_user_by_email, has_second_factor
from app.auth.sessions import IssuedSession, elevate_session, revoke_session, revoke_user_sessions
from app.config import ThrottleSettings
from app.errors import AppError, Conflict, Forbidden, NotFound
from app.keys import current_keyring
from app.kit.clock import as_utc
from app.kit.crypto.blind_index import blind_index, normalize_email
from app.models.identity import AuthChallenge, AuthSession, Passkey, TotpFactor
from app.models.users import EMAIL_INDEX_DOMAIN, User
from app.notifications.service import notify_user
from app.permissions import requires_second_factor

SecondFactorMethod = Literal["totp", "recovery_code"]

# The secret waiting for its first code lives in a short-lived challenge, not in the
# TotpFactor row: a user replacing a working factor keeps it until the new one is
# confirmed, and an abandoned set-up leaves nothing behind.
ENROLMENT_PURPOSE = "totp-enrolment"
ENROLMENT_TTL = timedelta(minutes=15)


class SecondFactorInvalid(AppError):
    status, code, title = 400, "second_factor_invalid", "The code is not valid"


class NoSecondFactor(Conflict):
    code, title = "no_second_factor", "This account has no such second factor"


class TotpNotEnabled(NotFound):
    code, title = "totp_not_enabled", "No authenticator app is set up"


class TotpEnrolmentExpired(AppError):
    status, code, title = 400, "totp_enrolment_expired", "Start setting up the app again"


class LastSecondFactor(Conflict):
    code, title = (
        "last_second_factor",
        "Your role requires a second factor: add another one before removing this one",
    )


class CurrentPasswordRequired(Forbidden):
    code, title = "current_password_required", "Enter your current password"


class CurrentPasswordWrong(Forbidden):
    code, title = "current_password_wrong", "The current password is not correct"


class EmailInvalid(AppError):
    status, code, title = 422, "email_invalid", "This is not an email address"


class EmailUnchanged(AppError):
    status, code, title = 422, "email_unchanged", "This is already your email address"


# --- TOTP ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TotpEnrolment:
    secret: str
    otpauth_uri: str
    qr_svg: str


@dataclass(frozen=True)
class ConfirmedEnrolment:
    issued: IssuedSession
    recovery_codes: list[str]


async def confirmed_totp(
    session: AsyncSession, user_id: uuid.UUID, *, lock: bool = False
) -> TotpFactor | None:
    query = select(TotpFactor).where(
        TotpFactor.user_id == user_id, TotpFactor.confirmed_at.is_not(None)
    )
    if lock:
        # Two requests with the same code must not both read the old last_used_step.
        query = query.with_for_update().execution_options(populate_existing=True)
    return await session.scalar(query)


async def start_totp_enrolment(
    session: AsyncSession, *, actor: Actor, user: User, now: datetime
) -> TotpEnrolment:
    """A new secret for an authenticator app, confirmable from this session only.

    The caller has checked the step-up rule (a user who already has a second factor must
    have proven it within the last few minutes).
    """
    # Only the newest set-up can be confirmed.
    await session.execute(
        update(AuthChallenge)
        .where(
            AuthChallenge.user_id == user.id,
            AuthChallenge.purpose == ENROLMENT_PURPOSE,
            AuthChallenge.used_at.is_(None),
        )
        .values(used_at=now)
    )
    secret = totp.new_secret()
    await issue_challenge(
        session,
        purpose=ENROLMENT_PURPOSE,
        payload={"secret": secret, "session_id": str(actor.session_id)},
        now=now,
        ttl=ENROLMENT_TTL,
        user_id=user.id,
    )
    uri = totp.provisioning_uri(secret, account=user.email)
    return TotpEnrolment(secret=secret, otpauth_uri=uri, qr_svg=totp.qr_svg(uri))


async def confirm_totp_enrolment(
    session: AsyncSession,
    *,
    actor: Actor,
    user: User,
    record: AuthSession,
    code: str,
    now: datetime,
) -> ConfirmedEnrolment:
    """Turn the pending secret into the user's TOTP factor once a code from it is shown.

    Creates ten new recovery codes (replacing any old ones) and rotates the session into
    one with the second factor proven.
    """
    challenge = await session.scalar(
        select(AuthChallenge)
        .where(
            AuthChallenge.user_id == user.id,
            AuthChallenge.purpose == ENROLMENT_PURPOSE,
            AuthChallenge.used_at.is_(None),
        )
        .order_by(AuthChallenge.created_at.desc(), AuthChallenge.id.desc())
        .limit(1)
        .with_for_update()
    )
    payload = json.loads(challenge.payload) if challenge is not None else {}
    if (
        challenge is None
        or as_utc(challenge.expires_at) <= now
        or payload.get("session_id") != str(actor.session_id)
    ):
        raise TotpEnrolmentExpired()
    secret = str(payload["secret"])
    step = totp.matching_step(secret, code, now=now)
    if step is None:
        # Raised: guessing codes for a secret the guesser does not hold gains nothing, so
        # there is no count to keep; the pending set-up stays for a corrected code.
        raise SecondFactorInvalid()
    challenge.used_at = now

    factor = await session.scalar(select(TotpFactor).where(TotpFactor.user_id == user.id))
    replaced = factor is not None
    if factor is None:
        factor = TotpFactor(user_id=user.id)
        session.add(factor)
    factor.secret = secret
    factor.confirmed_at = now
    # The confirming code is used up too.
    factor.last_used_step = step
    codes = await recovery_codes.replace_codes(session, user.id)
    issued = await elevate_session(session, record, now=now)
    await record_event(
        session,
        actor=actor,
        action="totp.enrolled",
        target=user,
        details={"replaced": replaced, "session_id": str(issued.record.id)},
    )
    await notify_user(
        session,
        user=user,
        kind="credential_changed",
        now=now,
        change="totp_enabled",
    )
    return ConfirmedEnrolment(issued=issued, recovery_codes=codes)


async def count_passkeys(session: AsyncSession, user_id: uuid.UUID) -> int:
    return int(
        await session.scalar(
            select(func.count()).select_from(Passkey).where(Passkey.user_id == user_id)
        )
        or 0
    )


async def remove_totp(session: AsyncSession, *, actor: Actor, user: User, now: datetime) -> None:
    """Remove the authenticator app, unless it is the last factor of a privileged user."""
    factor = await confirmed_totp(session, user.id)
    if factor is None:
        raise TotpNotEnabled()
    passkeys = await count_passkeys(session, user.id)
    if passkeys == 0 and requires_second_factor(actor.platform_roles):
        raise LastSecondFactor()
    await session.delete(factor)
    if passkeys == 0:
        # Recovery codes stand in for a second factor; with none left they would only be
        # a way around enrolment.
        await recovery_codes.delete_codes(session, user.id)
    await session.flush()
    await record_event(session, actor=actor, action="totp.removed", target=user, details={})
    await notify_user(session, user=user, kind="credential_changed", now=now, change="totp_removed")


# --- Proving a second factor ---------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    issued: IssuedSession | None
    refusal: AppError | None
    recovery_codes_remaining: int


def second_factor_throttle_key(user_id: uuid.UUID) -> str:
    return f"second-factor:{user_id}"


async def verify_second_factor(
    session: AsyncSession,
    *,
    actor: Actor,
    user: User,
    record: AuthSession,
    method: SecondFactorMethod,
    code: str,
    now: datetime,
    settings: ThrottleSettings,
) -> Verification:
    """Check a TOTP or recovery code; on success the session is replaced by one with the
    second factor proven (after sign-in, or as a step-up before a sensitive action).

    Wrong codes count against a per-user throttle, which every method shares; once it
    blocks, even a right code is refused until it lifts.
    """
    factor: TotpFactor | None = None
    if method == "totp":
        factor = await confirmed_totp(session, user.id, lock=True)
        if factor is None:
            raise NoSecondFactor()
    elif not await has_second_factor(session, user.id):
        # Without a factor a recovery code must not turn an enrolment-required session
        # into a full one.
        raise NoSecondFactor()

    key = second_factor_throttle_key(user.id)
    try:
        await throttle.ensure_not_blocked(session, [key], now=now)
    except throttle.TooManyAttempts as refusal:
        await record_event(
            session,
            actor=actor,
            action="user.second_factor_throttled",
            target=user,
            details={"method": method},
        )
        return Verification(None, refusal, await recovery_codes.count_remaining(session, user.id))

    if factor is not None:
        step = totp.matching_step(
            factor.secret, code, now=now, last_used_step=factor.last_used_step
        )
        accepted = step is not None
        if step is not None:
            factor.last_used_step = step
    else:
        accepted = await recovery_codes.use_code(session, user.id, code, now=now)
    remaining = await recovery_codes.count_remaining(session, user.id)

    if not accepted:
        await throttle.record_failure(
            session, [(key, settings.account_failures)], now=now, settings=settings
        )
        await record_event(
            session,
            actor=actor,
            action="user.second_factor_failed",
            target=user,
            details={"method": method},
        )
        return Verification(None, SecondFactorInvalid(), remaining)

    await throttle.clear(session, key)
    issued = await elevate_session(session, record, now=now)
    await record_event(
        session,
        actor=actor,
        action="user.second_factor_verified",
        target=user,
        details={"method": method, "session_id": str(issued.record.id)},
    )
    if method == "recovery_code":
        # A used recovery code may mean a lost phone — or a stolen code list.
        await notify_user(
            session,
            user=user,
            kind="credential_changed",
            now=now,
            change="recovery_code_used",
            remaining=str(remaining),
        )
    return Verification(issued, None, remaining)


async def regenerate_recovery_codes(
    session: AsyncSession, *, actor: Actor, user: User, now: datetime
) -> list[str]:
    """Ten new codes; every earlier code stops working."""
    if not await has_second_factor(session, user.id):
        raise NoSecondFactor()
    codes = await recovery_codes.replace_codes(session, user.id)
    await record_event(
        session,
        actor=actor,
        action="recovery_codes.regenerated",
        target=user,
        details={"count": len(codes)},
    )
    await notify_user(
        session,
        user=user,
        kind="credential_changed",
        now=now,
        change="recovery_codes_regenerated",
    )
    return codes


# --- Password and email ---------------------------------------------------------------


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
    session gives no extra guesses."""
    if not password:
        raise CurrentPasswordRequired()
    key = throttle.account_key(user.email)
    try:
        await throttle.ensure_not_blocked(session, [key], now=now)
    except throttle.TooManyAttempts as refusal:
        await record_event(
            session,
            actor=actor,
            action="user.reauthentication_throttled",
            target=user,
            details={"method": "password"},
        )
        return refusal
    if await hashing.verify(user.password_hash, password):
        await throttle.clear(session, key)
        return None
    await throttle.record_failure(
        session, [(key, settings.account_failures)], now=now, settings=settings
    )
    await record_event(
        session,
        actor=actor,
        action="user.reauthentication_failed",
        target=user,
        details={"method": "password"},
    )
    return CurrentPasswordWrong()


def check_new_password(user: User, password: str) -> None:
    try:
        check_password_policy(password, context=(user.email, user.display_name))
    except PasswordRejected as rejected:
        raise WeakPassword(extra={"reason": rejected.reason}) from None


async def rotate_session(
    session: AsyncSession, record: AuthSession, *, now: datetime
) -> IssuedSession:
    """A new token for the same sign-in that proves no more than the old one did.

    elevate_session records a second factor as proven just now; here nothing new was
    proven, so the old proof time (or its absence) is carried over.
    """
    proven_at = record.second_factor_at
    await revoke_session(record, now=now, reason="rotated")
    issued = await elevate_session(session, record, now=now)
    issued.record.second_factor_at = proven_at
    await session.flush()
    return issued


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
        action="user.password_changed",
        target=user,
        details={"other_sessions_revoked": revoked, "session_id": str(issued.record.id)},
    )
    await notify_user(
        session, user=user, kind="credential_changed", now=now, change="password_changed"
    )
    return PasswordChange(issued=issued, other_sessions_revoked=revoked)


def _looks_like_email(value: str) -> bool:
    local, at, domain = value.rpartition("@")
    return bool(at and local and domain) and " " not in value and len(value) <= 320


async def change_email(
    session: AsyncSession, *, actor: Actor, user: User, new_email: str, now: datetime
) -> None:
    """Move the account to a new address. Both addresses are told; neither message names
    the other address (the old mailbox may no longer be the user's alone)."""
    normalized = normalize_email(new_email)
    if not _looks_like_email(normalized):
        raise EmailInvalid()
    holder = await find_user_by_email(session, normalized)
    if holder is not None:
        raise EmailUnchanged() if holder.id == user.id else EmailAlreadyRegistered()
    await notify_user(
        session, user=user, kind="credential_changed", now=now, change="email_changed"
    )
    user.email = normalized
    user.email_index = blind_index(current_keyring(), normalized, domain=EMAIL_INDEX_DOMAIN)
    user.updated_at = now
    try:
        await session.flush()
    except IntegrityError:
        # Someone took the address between the check and the write; the request rolls back.
        raise EmailAlreadyRegistered() from None
    await notify_user(
        session, user=user, kind="credential_changed", now=now, change="email_changed"
    )
    await record_event(session, actor=actor, action="user.email_changed", target=user, details={})
