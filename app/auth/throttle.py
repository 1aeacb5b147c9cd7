"""Failed-sign-in throttles kept in the database, so they hold across processes.

Keys are MACs of "account:<normalized email>" and "address:<ip>": the table reveals neither.
Only the password path consults them; passkey sign-in is phishing-resistant and does not
guess secrets, so a flood of wrong passwords cannot lock a user out of it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
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


class TooManyAttempts(AppError):
    status, code, title = 429, "too_many_attempts", "Too many failed attempts; try again later"


def account_key(email: str) -> str:
    return "account:" + normalize_email(email)


def address_key(address: str) -> str:
    return "address:" + address


def _mac(key: str) -> bytes:
    return token_mac(current_keyring(), key, purpose=PURPOSE)


async def _get(session: AsyncSession, key: str) -> AuthThrottle | None:
    return await session.scalar(select(AuthThrottle).where(AuthThrottle.key_mac == _mac(key)))


async def ensure_not_blocked(session: AsyncSession, keys: list[str], *, now: datetime) -> None:
    for key in keys:
        throttle = await _get(session, key)
        if throttle and throttle.blocked_until and as_utc(throttle.blocked_until) > now:
            retry = int((as_utc(throttle.blocked_until) - now).total_seconds()) + 1
            raise TooManyAttempts(headers={"Retry-After": str(retry)})


async def record_failure(
    session: AsyncSession,
    keys_and_limits: list[tuple[str, int]],
    *,
    now: datetime,
    settings: ThrottleSettings,
) -> None:
    window = timedelta(minutes=settings.window_minutes)
    for key, limit in keys_and_limits:
        # Concurrent first failures for one key must not collide on the unique MAC: insert
        # if missing, then lock the row (FOR UPDATE on PostgreSQL; SQLite's write lock).
        insert = _insert_for(session)(AuthThrottle).values(
            id=new_id(), key_mac=_mac(key), failures=0, window_started_at=now
        )
        await session.execute(insert.on_conflict_do_nothing(index_elements=["key_mac"]))
        throttle = (
            await session.scalars(
                select(AuthThrottle)
                .where(AuthThrottle.key_mac == _mac(key))
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        ).one()
        if as_utc(throttle.window_started_at) + window < now:
            throttle.failures = 0
            throttle.window_started_at = now
            throttle.blocked_until = None
        throttle.failures += 1
        if throttle.failures >= limit:
            throttle.blocked_until = now + timedelta(minutes=settings.block_minutes)
    await session.flush()


def _insert_for(session: AsyncSession):  # type: ignore[no-untyped-def]
    if session.get_bind().dialect.name == "postgresql":
        return postgresql_insert
    return sqlite_insert


async def clear(session: AsyncSession, key: str) -> None:
    throttle = await _get(session, key)
    if throttle is not None:
        await session.delete(throttle)
        await session.flush()


async def limit_anonymous_ceremonies(
    session: AsyncSession, address: str, *, now: datetime, settings: ThrottleSettings
) -> None:
    """Count a ceremony an anonymous client starts; 429 once the address used its share."""
    key = "ceremony:" + address
    await ensure_not_blocked(session, [key], now=now)
    await record_failure(
        session, [(key, settings.ceremonies_per_address)], now=now, settings=settings
    )
