"""Attempt budgets kept in the database, so they hold across processes and under bursts.

Keys are MACs of "account:<normalized email>", "address:<ip>", "second-factor:<user id>" or
"ceremony:<ip>": the table reveals none of them.

An attempt is *reserved* before the secret is checked: one atomic upsert per key
(``INSERT … ON CONFLICT DO UPDATE … WHERE failures < limit RETURNING``) counts it and says
whether the budget allowed it. A check followed by a later write would let every request of
a simultaneous burst pass the check — on PostgreSQL with several processes, 35 of 40
simultaneous guesses were checked against a limit of 5. A right secret gives its reservation
back (``clear`` for the account's own budget, ``refund`` for a shared one such as the
address). Only the password, second-factor and ceremony paths consult them; passkey sign-in
guesses no secret, so a flood of wrong passwords cannot lock a user out of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, delete, literal, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import ThrottleSettings
from app.errors import AppError
from app.keys import current_keyring
from app.kit.clock import as_utc
from app.kit.crypto.blind_index import normalize_email
from app.kit.crypto.tokens import token_mac
from app.models.base import new_id
from app.models.identity import AuthThrottle

PURPOSE = "auth-throttle"
_TABLE = AuthThrottle.__table__
_DATETIME = _TABLE.c.window_started_at.type


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


def _at(moment: datetime) -> ColumnElement[datetime]:
    return literal(moment, type_=_DATETIME)


async def reserve(
    session: AsyncSession,
    budgets: list[Budget],
    *,
    now: datetime,
    settings: ThrottleSettings,
) -> None:
    """Count one attempt against every budget, atomically; TooManyAttempts (with
    Retry-After) when any of them is used up — then nothing is counted at all.

    The attempt that uses up a budget blocks the key for ``block_minutes``; a budget
    resets when its window has passed or its block has ended.
    """
    window_start = now - timedelta(minutes=settings.window_minutes)
    blocked_until = now + timedelta(minutes=settings.block_minutes)
    insert = _insert_for(session)
    savepoint = await session.begin_nested()
    try:
        for budget in budgets:
            mac = _mac(budget.key)
            row = _TABLE.c
            # A new budget once the window has passed (and no block stands) or the block
            # has ended; a standing block outlives a shorter window.
            fresh = or_(
                and_(row.blocked_until.is_(None), row.window_started_at < _at(window_start)),
                and_(row.blocked_until.is_not(None), row.blocked_until <= _at(now)),
            )
            counted = case((fresh, 1), else_=row.failures + 1)
            statement = (
                insert(AuthThrottle)
                .values(
                    id=new_id(),
                    key_mac=mac,
                    failures=1,
                    window_started_at=now,
                    blocked_until=blocked_until if budget.limit <= 1 else None,
                )
                .on_conflict_do_update(
                    index_elements=["key_mac"],
                    set_={
                        "failures": counted,
                        "window_started_at": case((fresh, _at(now)), else_=row.window_started_at),
                        "blocked_until": case(
                            (counted >= budget.limit, _at(blocked_until)),
                            (fresh, None),
                            else_=row.blocked_until,
                        ),
                    },
                    # No row comes back when the budget is used up: the attempt is refused.
                    where=or_(
                        fresh, and_(row.failures < budget.limit, row.blocked_until.is_(None))
                    ),
                )
                .returning(row.failures)
            )
            if (await session.execute(statement)).first() is None:
                retry = await _retry_after(session, mac, now)
                raise TooManyAttempts(headers={"Retry-After": str(retry)})
    except BaseException:
        await savepoint.rollback()
        raise
    await savepoint.commit()


async def _retry_after(session: AsyncSession, mac: bytes, now: datetime) -> int:
    until = await session.scalar(
        select(AuthThrottle.blocked_until).where(AuthThrottle.key_mac == mac)
    )
    if until is None:
        return 1
    return max(1, int((as_utc(until) - now).total_seconds()) + 1)


async def refund(session: AsyncSession, key: str) -> None:
    """Give back one reserved attempt of a shared budget (a right secret from an address)."""
    row = _TABLE.c
    await session.execute(
        update(AuthThrottle)
        .where(AuthThrottle.key_mac == _mac(key), row.failures > 0)
        .values(failures=row.failures - 1, blocked_until=None)
    )


async def clear(session: AsyncSession, key: str) -> None:
    """Forget a key's count (a right secret for the account's own budget)."""
    await session.execute(delete(AuthThrottle).where(AuthThrottle.key_mac == _mac(key)))


def _insert_for(session: AsyncSession):  # type: ignore[no-untyped-def]
    if session.get_bind().dialect.name == "postgresql":
        return postgresql_insert
    return sqlite_insert


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
