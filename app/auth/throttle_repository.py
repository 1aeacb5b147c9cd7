"""Attempt-budget queries (app/auth/throttle.py decides; this module only reads and writes
``auth_throttle`` rows, found by the key's MAC)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, delete, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.kit.upsert import insert_for
from app.models.base import new_id
from app.models.identity import AuthThrottle

_TABLE = AuthThrottle.__table__
_DATETIME = _TABLE.c.window_started_at.type


def _at(moment: datetime) -> ColumnElement[datetime]:
    return literal(moment, type_=_DATETIME)


async def count_attempt(
    session: AsyncSession,
    mac: bytes,
    *,
    limit: int,
    now: datetime,
    window_start: datetime,
    blocked_until: datetime,
) -> bool:
    """Count one attempt against the key ``mac`` in one atomic upsert
    (``INSERT … ON CONFLICT DO UPDATE … WHERE failures < limit RETURNING``); False, and
    nothing counted, when its budget is used up.

    A new budget starts once the window (``window_start``) has passed and no block stands,
    or once the block has ended; the attempt that uses the budget up blocks the key until
    ``blocked_until``.
    """
    insert = insert_for(session)
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
            blocked_until=blocked_until if limit <= 1 else None,
        )
        .on_conflict_do_update(
            index_elements=["key_mac"],
            set_={
                "failures": counted,
                "window_started_at": case((fresh, _at(now)), else_=row.window_started_at),
                "blocked_until": case(
                    (counted >= limit, _at(blocked_until)),
                    (fresh, None),
                    else_=row.blocked_until,
                ),
            },
            # No row comes back when the budget is used up: the attempt is refused.
            where=or_(fresh, and_(row.failures < limit, row.blocked_until.is_(None))),
        )
        .returning(row.failures)
    )
    return (await session.execute(statement)).first() is not None


async def find_blocked_until(session: AsyncSession, mac: bytes) -> datetime | None:
    return await session.scalar(
        select(AuthThrottle.blocked_until).where(AuthThrottle.key_mac == mac)
    )


async def uncount_attempt(session: AsyncSession, mac: bytes) -> None:
    """One attempt fewer on the key (never below zero), and no block."""
    row = _TABLE.c
    await session.execute(
        update(AuthThrottle)
        .where(AuthThrottle.key_mac == mac, row.failures > 0)
        .values(failures=row.failures - 1, blocked_until=None)
    )


async def delete_count(session: AsyncSession, mac: bytes) -> None:
    await session.execute(delete(AuthThrottle).where(AuthThrottle.key_mac == mac))
