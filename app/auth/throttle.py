"""Attempt budgets kept in the database, so they hold across processes and under bursts.

Keys are MACs of "account:<normalized email>", "address:<ip>", "second-factor:<user id>" or
"ceremony:<ip>": the table reveals none of them.

An attempt is *reserved* before the secret is checked: one atomic upsert per key
(``INSERT … ON CONFLICT DO UPDATE … WHERE failures < limit RETURNING``) counts it and says
whether the budget allowed it. A check followed by a later write would let every request of
a simultaneous burst pass the check — on PostgreSQL with several processes, 35 of 40
simultaneous guesses were checked against a limit of 5. A right secret gives its reservation
back (``clear`` for the account's own budget; a right password, ``give_back``: the account's
cleared and the shared address's refunded, in one statement). Only the password,
second-factor and ceremony paths consult them; passkey sign-in guesses no secret, so a
flood of wrong passwords cannot lock a user out of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import throttle_repository as repo
from app.config import ThrottleSettings
from app.errors import AppError
from app.keys import current_keyring
from app.kit.clock import as_utc
from app.kit.crypto.blind_index import normalize_email
from app.kit.crypto.tokens import token_mac

PURPOSE = "auth-throttle"


class TooManyAttempts(AppError):
    status, code, title = 429, "too_many_attempts", "Too many failed attempts; try again later"


@dataclass(frozen=True)
class Budget:
    """One key and how many attempts it allows per window."""

    key: str
    limit: int


def account_key(email: str) -> str:
    return "account:" + normalize_email(email)


def address_key(address: str) -> str:
    return "address:" + address


def _mac(key: str) -> bytes:
    return token_mac(current_keyring(), key, purpose=PURPOSE)


async def reserve(
    session: AsyncSession,
    budgets: list[Budget],
    *,
    now: datetime,
    settings: ThrottleSettings,
) -> None:
    """Count one attempt against every budget, each in one atomic upsert; TooManyAttempts
    (with Retry-After) when any of them is used up — then nothing stays counted.

    The attempt that uses up a budget blocks the key for ``block_minutes``; a budget
    resets when its window has passed or its block has ended.
    """
    window_start = now - timedelta(minutes=settings.window_minutes)
    blocked_until = now + timedelta(minutes=settings.block_minutes)
    counted: list[bytes] = []
    for budget in budgets:
        mac = _mac(budget.key)
        if await repo.count_attempt(
            session,
            mac,
            limit=budget.limit,
            now=now,
            window_start=window_start,
            blocked_until=blocked_until,
        ):
            counted.append(mac)
            continue
        # Refused: give back what this call counted (a savepoint did this at two more
        # round trips on every attempt, refused or not). The give-back is exact even where
        # each statement commits on its own (db.committed_apart): it takes back this
        # call's one attempt, and an attempt counted by another request in between stays
        # counted. Until then the budget looks one attempt fuller: stricter, never laxer.
        for done in counted:
            await repo.uncount_attempt(session, done)
        retry = await _retry_after(session, mac, now)
        raise TooManyAttempts(headers={"Retry-After": str(retry)})


async def _retry_after(session: AsyncSession, mac: bytes, now: datetime) -> int:
    until = await repo.find_blocked_until(session, mac)
    if until is None:
        return 1
    return max(1, int((as_utc(until) - now).total_seconds()) + 1)


async def clear(session: AsyncSession, key: str) -> None:
    """Forget a key's count (a right secret for the account's own budget)."""
    await repo.delete_count(session, _mac(key))


async def give_back(session: AsyncSession, *, clear: str, refund: str) -> None:
    """A right password: ``clear`` the account's own budget and ``refund`` the
    address's reservation, in one statement (the sign-in's hottest path)."""
    await repo.give_back(session, clear=_mac(clear), refund=_mac(refund))


async def limit_anonymous_ceremonies(
    session: AsyncSession, address: str, *, now: datetime, settings: ThrottleSettings
) -> None:
    """Count a ceremony an anonymous client starts; 429 once the address used its share."""
    await reserve(
        session,
        [Budget("ceremony:" + address, settings.ceremonies_per_address)],
        now=now,
        settings=settings,
    )
