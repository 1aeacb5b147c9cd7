"""Changing the account's email address: requested, then confirmed from the new address.

The request (after reauthentication, see account.reauthenticate) only records a pending
change and mails a single-use code to the new address; the old address is told that a
change was asked for. Nothing else changes until the code is entered on the account page
by the signed-in user: a typo, or an address that is not the user's, never becomes the
address the account signs in with and receives its notices at. The code travels in no URL.

Eight digits (typed on any keyboard layout), five tries, one hour; the code is stored
encrypted and compared in constant time.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import Actor
from app.audit import AuditAction, record_event
from app.auth.account import repository as repo
from app.auth.account.errors import EmailChangeInvalid, EmailChangeTooSoon, EmailUnchanged
from app.auth.errors import EmailAlreadyRegistered
from app.auth.repository import find_user_by_email
from app.keys import current_keyring
from app.kit.clock import as_utc
from app.kit.crypto.blind_index import blind_index
from app.kit.crypto.tokens import constant_time_equal
from app.models.users import EMAIL_INDEX_DOMAIN, EmailChange, User
from app.notifications.service import enqueue_email, notify_user

EMAIL_CHANGE_TTL = timedelta(hours=1)
# Between two codes for one user: the request mails an address of the user's choosing.
RESEND_INTERVAL = timedelta(minutes=1)
MAX_CODE_ATTEMPTS = 5
CODE_DIGITS = 8


@dataclass(frozen=True)
class PendingEmailChange:
    email: str
    expires_at: datetime


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def _spaced(code: str) -> str:
    return f"{code[:4]} {code[4:]}"


def _typed(code: str) -> str:
    return code.replace(" ", "").replace("-", "")


async def _lock_user(session: AsyncSession, user: User) -> None:
    """Serialize changes of one account (PostgreSQL; SQLite serializes every write)."""
    await repo.lock_user(session, user.id)


async def _pending_row(session: AsyncSession, user: User) -> EmailChange | None:
    return await repo.find_email_change(session, user.id, lock=True)


async def pending_email_change(
    session: AsyncSession, *, user: User, now: datetime
) -> PendingEmailChange | None:
    row = await repo.find_email_change(session, user.id)
    if row is None or as_utc(row.expires_at) <= now:
        return None
    return PendingEmailChange(email=row.new_email, expires_at=as_utc(row.expires_at))


async def request_email_change(
    session: AsyncSession, *, actor: Actor, user: User, new_email: str, now: datetime
) -> PendingEmailChange:
    """Record a change to ``new_email`` (canonical, app.kit.email) and mail its code; the
    caller has re-authenticated the user. Replaces an earlier pending change."""
    holder = await find_user_by_email(session, new_email)
    if holder is not None:
        raise EmailUnchanged() if holder.id == user.id else EmailAlreadyRegistered()
    await _lock_user(session, user)
    row = await _pending_row(session, user)
    replaced = row is not None
    if row is None:
        row = EmailChange(user_id=user.id)
        session.add(row)
    elif now - as_utc(row.created_at) < RESEND_INTERVAL:
        wait = RESEND_INTERVAL - (now - as_utc(row.created_at))
        raise EmailChangeTooSoon(headers={"Retry-After": str(max(1, int(wait.total_seconds())))})
    code = new_code()
    row.created_at = now
    row.new_email = new_email
    row.code = code
    row.attempts = 0
    row.expires_at = now + EMAIL_CHANGE_TTL
    await session.flush()
    # The message names neither the account holder nor the coalition: the address may be
    # a typo, and mail crosses providers an adversary may read.
    await enqueue_email(
        session,
        kind="email_change_code",
        to=new_email,
        language=user.language,
        now=now,
        code=_spaced(code),
        expires=row.expires_at.strftime("%Y-%m-%d %H:%M"),
    )
    # The old address learns that a change was asked for, not where to.
    await notify_user(
        session, user=user, kind="credential_changed", now=now, change="email_change_requested"
    )
    await record_event(
        session,
        actor=actor,
        action=AuditAction.USER_EMAIL_CHANGE_REQUESTED,
        target=user,
        details={"replaced_pending": replaced},
    )
    return PendingEmailChange(email=new_email, expires_at=row.expires_at)


async def confirm_email_change(
    session: AsyncSession, *, actor: Actor, user: User, code: str, now: datetime
) -> EmailChangeInvalid | None:
    """Switch the account to the pending address when ``code`` is its code. A refusal is
    returned, not raised, so that the counted attempt (and its audit event) is committed;
    the fifth wrong code ends the pending change."""
    await _lock_user(session, user)
    row = await _pending_row(session, user)
    if row is None:
        return EmailChangeInvalid()
    if as_utc(row.expires_at) <= now:
        await session.delete(row)
        await session.flush()
        return EmailChangeInvalid()
    if not constant_time_equal(_typed(code).encode(), row.code.encode()):
        row.attempts += 1
        ended = row.attempts >= MAX_CODE_ATTEMPTS
        if ended:
            await session.delete(row)
        await session.flush()
        await record_event(
            session,
            actor=actor,
            action=AuditAction.USER_EMAIL_CHANGE_CANCELLED
            if ended
            else AuditAction.USER_EMAIL_CHANGE_CODE_REJECTED,
            target=user,
            details={"attempts": row.attempts, "reason": "wrong_codes"} if ended else {},
        )
        return EmailChangeInvalid()

    new_email = row.new_email
    holder = await find_user_by_email(session, new_email)
    if holder is not None and holder.id != user.id:
        # Someone else took the address while the code travelled.
        raise EmailAlreadyRegistered()
    await notify_user(
        session, user=user, kind="credential_changed", now=now, change="email_changed"
    )
    user.email = new_email
    user.email_index = blind_index(current_keyring(), new_email, domain=EMAIL_INDEX_DOMAIN)
    user.updated_at = now
    await session.delete(row)
    try:
        await session.flush()
    except IntegrityError:
        # Taken between the check and the write; the request rolls back.
        raise EmailAlreadyRegistered() from None
    await notify_user(
        session, user=user, kind="credential_changed", now=now, change="email_changed"
    )
    await record_event(
        session, actor=actor, action=AuditAction.USER_EMAIL_CHANGED, target=user, details={}
    )
    return None


async def cancel_email_change(session: AsyncSession, *, actor: Actor, user: User) -> bool:
    """End the pending change, if any; True when there was one."""
    await _lock_user(session, user)
    row = await _pending_row(session, user)
    if row is None:
        return False
    await session.delete(row)
    await session.flush()
    await record_event(
        session,
        actor=actor,
        action=AuditAction.USER_EMAIL_CHANGE_CANCELLED,
        target=user,
        details={"reason": "cancelled"},
    )
    return True
