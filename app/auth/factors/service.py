"""Second factors other than passkeys: setting up and removing an authenticator app (TOTP),
proving a factor with a TOTP or recovery code, and issuing new recovery codes; plus the
rules every second factor shares (step-up before changing one, never removing the last
one of a privileged user).

A failed attempt that must be remembered (throttle count, audit event) is *returned* as a
refusal, not raised, so that the unit of work commits it. Every change notifies the user
by email and is audited; no secret reaches either.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import Actor
from app.audit import AuditAction, record_event
from app.auth import throttle
from app.auth.challenges import issue_challenge
from app.auth.errors import StepUpRequired
from app.auth.factors import recovery_codes, totp
from app.auth.factors import repository as repo
from app.auth.factors.errors import (
    LastSecondFactor,
    NoSecondFactor,
    SecondFactorInvalid,
    SecondFactorReused,
    TotpEnrolmentExpired,
    TotpNotEnabled,
)
from app.auth.repository import count_passkeys, has_second_factor
from app.auth.sessions.service import IssuedSession, elevate_session, second_factor_fresh
from app.config import AuthSettings, SessionSettings, ThrottleSettings
from app.errors import AppError
from app.kit.clock import as_utc
from app.models.identity import AuthSession, Passkey, TotpFactor
from app.models.users import User
from app.notifications.service import notify_user
from app.permissions import requires_second_factor

SecondFactorMethod = Literal["totp", "recovery_code"]

# The secret waiting for its first code lives in a short-lived challenge, not in the
# TotpFactor row: a user replacing a working factor keeps it until the new one is
# confirmed, and an abandoned set-up leaves nothing behind.
ENROLMENT_PURPOSE = "totp-enrolment"
ENROLMENT_TTL = timedelta(minutes=15)


# --- Rules for every second factor ---------------------------------------------------


async def require_step_up_if_enrolled(
    session: AsyncSession, *, actor: Actor, now: datetime, settings: SessionSettings
) -> None:
    """Before adding a second factor: whoever already has one must have proven it within
    the step-up window (StepUpRequired otherwise), or a stolen password-only session could
    plant the thief's factor. A user without one (such as a privileged user forced to
    enrol) need not."""
    if await has_second_factor(session, actor.user_id) and not second_factor_fresh(
        actor.second_factor_at, now=now, settings=settings
    ):
        raise StepUpRequired()


async def remove_second_factor(
    session: AsyncSession,
    *,
    actor: Actor,
    user_id: uuid.UUID,
    factor: TotpFactor | Passkey,
    last: bool,
) -> None:
    """Delete one of the user's second factors; ``last``: no other one remains.

    An admin or coordinator may not remove their last second factor (LastSecondFactor):
    they would be locked into enrolment at the next sign-in, and an attacker holding their
    session could strip the factor that protects the account. The recovery codes go with
    the last factor: they stand in for a second factor, and with none left they would only
    be a way around enrolment.
    """
    if last and requires_second_factor(actor.platform_roles):
        raise LastSecondFactor()
    await session.delete(factor)
    if last:
        await recovery_codes.delete_codes(session, user_id)
    await session.flush()


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
    """The user's confirmed TOTP factor; ``lock``: locked (and re-read) until the end of
    the transaction, so two requests with the same code cannot both use it."""
    return await repo.find_confirmed_totp(session, user_id, lock=lock)


async def start_totp_enrolment(
    session: AsyncSession, *, actor: Actor, user: User, now: datetime, settings: AuthSettings
) -> TotpEnrolment:
    """A new secret for an authenticator app, confirmable from this session only.

    The caller has checked require_step_up_if_enrolled.
    """
    # Only the newest set-up can be confirmed.
    await repo.mark_pending_challenges_used(session, user.id, purpose=ENROLMENT_PURPOSE, now=now)
    secret = totp.new_secret()
    await issue_challenge(
        session,
        purpose=ENROLMENT_PURPOSE,
        payload={"secret": secret, "session_id": str(actor.session_id)},
        now=now,
        ttl=ENROLMENT_TTL,
        user_id=user.id,
    )
    # What the app shows names neither the user nor the coalition (settings.totp_*).
    uri = totp.provisioning_uri(
        secret,
        issuer=settings.totp_issuer,
        account=totp.account_label(settings.totp_account_label, secret),
    )
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
    challenge = await repo.find_newest_pending_challenge_for_update(
        session, user.id, purpose=ENROLMENT_PURPOSE
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

    factor = await repo.find_totp(session, user.id)
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
        action=AuditAction.TOTP_ENROLLED,
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


async def remove_totp(session: AsyncSession, *, actor: Actor, user: User, now: datetime) -> None:
    """Remove the authenticator app, unless it is the last factor of a privileged user."""
    factor = await confirmed_totp(session, user.id)
    if factor is None:
        raise TotpNotEnabled()
    last = await count_passkeys(session, user.id) == 0
    await remove_second_factor(session, actor=actor, user_id=user.id, factor=factor, last=last)
    await record_event(
        session, actor=actor, action=AuditAction.TOTP_REMOVED, target=user, details={}
    )
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

    # Reserved before the code is checked, in this transaction: the row stays locked until
    # the request commits, so simultaneous guesses for one user are counted one by one.
    key = second_factor_throttle_key(user.id)
    try:
        await throttle.reserve(
            session, [throttle.Budget(key, settings.account_failures)], now=now, settings=settings
        )
    except throttle.TooManyAttempts as refusal:
        await record_event(
            session,
            actor=actor,
            action=AuditAction.USER_SECOND_FACTOR_THROTTLED,
            target=user,
            details={"method": method},
        )
        return Verification(None, refusal, await recovery_codes.count_remaining(session, user.id))

    reused = False
    if factor is not None:
        step = totp.matching_step(
            factor.secret, code, now=now, last_used_step=factor.last_used_step
        )
        accepted = step is not None
        if step is not None:
            factor.last_used_step = step
        else:
            reused = totp.already_used(
                factor.secret, code, now=now, last_used_step=factor.last_used_step
            )
    else:
        accepted = await recovery_codes.use_code(session, user.id, code, now=now)
    remaining = await recovery_codes.count_remaining(session, user.id)

    if not accepted:
        await record_event(
            session,
            actor=actor,
            action=AuditAction.USER_SECOND_FACTOR_FAILED,
            target=user,
            details={"method": method, "reused": reused},
        )
        wrong: AppError = SecondFactorReused() if reused else SecondFactorInvalid()
        return Verification(None, wrong, remaining)

    await throttle.clear(session, key)
    issued = await elevate_session(session, record, now=now)
    await record_event(
        session,
        actor=actor,
        action=AuditAction.USER_SECOND_FACTOR_VERIFIED,
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
        action=AuditAction.RECOVERY_CODES_REGENERATED,
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
