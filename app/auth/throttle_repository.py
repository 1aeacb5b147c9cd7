"""Attempt-budget queries (app/auth/throttle.py decides; this module only reads and writes
``auth_throttle`` rows, found by the key's MAC)."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import (
    Insert,
    Integer,
    Table,
    and_,
    bindparam,
    case,
    delete,
    null,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from app.models.base import new_id
from app.models.identity import AuthThrottle

_TABLE = cast(Table, AuthThrottle.__table__)
_DATETIME = _TABLE.c.window_started_at.type


@cache
def _count_statement(dialect: str) -> Insert:
    """The upsert of count_attempt for ``dialect``, built once: building the expression and
    its cache key on every call cost more than running it (every password, second-factor
    and ceremony attempt runs it, twice for a password). Parameters: new_id, mac, limit,
    now, window_start, block_until, first_block (block_until when the budget is one
    attempt, else NULL)."""
    # Both dialects' inserts have on_conflict_do_update with these arguments.
    insert: Any
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    row = _TABLE.c
    now, limit = bindparam("now", type_=_DATETIME), bindparam("limit", type_=Integer)
    window_start = bindparam("window_start", type_=_DATETIME)
    blocked_until = bindparam("block_until", type_=_DATETIME)
    # A new budget once the window has passed (and no block stands) or the block has
    # ended; a standing block outlives a shorter window. A row given back to zero
    # (give_back) is as if there were none: its next attempt starts a window.
    fresh = or_(
        and_(
            row.blocked_until.is_(None),
            or_(row.window_started_at < window_start, row.failures <= 0),
        ),
        and_(row.blocked_until.is_not(None), row.blocked_until <= now),
    )
    counted = case((fresh, 1), else_=row.failures + 1)
    statement: Insert = (
        insert(_TABLE)
        .values(
            id=bindparam("new_id"),
            key_mac=bindparam("mac"),
            failures=1,
            window_started_at=now,
            blocked_until=bindparam("first_block", type_=_DATETIME),
        )
        .on_conflict_do_update(
            index_elements=[row.key_mac],
            set_={
                "failures": counted,
                "window_started_at": case((fresh, now), else_=row.window_started_at),
                "blocked_until": case(
                    (counted >= limit, blocked_until),
                    (fresh, null()),
                    else_=row.blocked_until,
                ),
            },
            # No row comes back when the budget is used up: the attempt is refused.
            where=or_(fresh, and_(row.failures < limit, row.blocked_until.is_(None))),
        )
        .returning(row.failures)
    )
    return statement


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
    statement = _count_statement(session.get_bind().dialect.name)
    parameters = {
        "new_id": new_id(),
        "mac": mac,
        "limit": limit,
        "now": now,
        "window_start": window_start,
        "block_until": blocked_until,
        "first_block": blocked_until if limit <= 1 else None,
    }
    return (await session.execute(statement, parameters)).first() is not None


async def find_blocked_until(session: AsyncSession, mac: bytes) -> datetime | None:
    return await session.scalar(
        select(AuthThrottle.blocked_until).where(AuthThrottle.key_mac == mac)
    )


_UNCOUNT = (
    update(_TABLE)
    .where(_TABLE.c.key_mac == bindparam("mac"), _TABLE.c.failures > 0)
    .values(failures=_TABLE.c.failures - 1, blocked_until=None)
)
_DELETE = delete(_TABLE).where(_TABLE.c.key_mac == bindparam("mac"))


async def uncount_attempt(session: AsyncSession, mac: bytes) -> None:
    """One attempt fewer on the key (never below zero), and no block."""
    await session.execute(_UNCOUNT, {"mac": mac})


async def delete_count(session: AsyncSession, mac: bytes) -> None:
    await session.execute(_DELETE, {"mac": mac})


_GIVE_BACK = (
    update(_TABLE)
    .where(_TABLE.c.key_mac.in_([bindparam("clear"), bindparam("refund")]))
    .values(
        failures=case(
            (_TABLE.c.key_mac == bindparam("clear"), 0),
            (_TABLE.c.failures > 0, _TABLE.c.failures - 1),
            else_=0,
        ),
        blocked_until=None,
    )
)


async def give_back(session: AsyncSession, *, clear: bytes, refund: bytes) -> None:
    """In one statement: the key ``clear`` back to zero attempts (as if it had no row) and
    one attempt fewer on ``refund`` (never below zero); neither blocked."""
    await session.execute(_GIVE_BACK, {"clear": clear, "refund": refund})
