"""A reservation counts an attempt against every budget or against none.

reserve() counts budget after budget; when a later one is used up, it gives back what the
same call counted (exactly that one attempt, also where each statement commits on its own).
An attempt refused for its address must not cost its account anything, or the other way
round: that would let one exhausted budget drain another.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.auth import throttle
from app.config import ThrottleSettings
from app.models.identity import AuthThrottle

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
SETTINGS = ThrottleSettings()


async def _state(session, key: str) -> tuple[int, bool] | None:  # type: ignore[no-untyped-def]
    row = (
        await session.execute(
            select(AuthThrottle.failures, AuthThrottle.blocked_until).where(
                AuthThrottle.key_mac == throttle._mac(key)
            )
        )
    ).first()
    return None if row is None else (row.failures, row.blocked_until is not None)


async def _use(session, budget: throttle.Budget, times: int) -> None:  # type: ignore[no-untyped-def]
    for _ in range(times):
        await throttle.reserve(session, [budget], now=NOW, settings=SETTINGS)


@pytest.mark.parametrize("used_before", [0, 2, 4])
async def test_a_used_up_second_budget_leaves_the_first_as_it_was(session, used_before) -> None:  # type: ignore[no-untyped-def]
    account = throttle.Budget("account:someone@example.org", 5)
    address = throttle.Budget("address:203.0.113.9", 2)
    await _use(session, account, used_before)
    await _use(session, address, 2)  # used up: blocked
    before = await _state(session, account.key)

    with pytest.raises(throttle.TooManyAttempts) as refused:
        await throttle.reserve(session, [account, address], now=NOW, settings=SETTINGS)

    assert int(refused.value.headers["Retry-After"]) > 0
    after = await _state(session, account.key)
    # At 4 of 5 the attempt would have blocked the account: it is neither counted nor blocked.
    assert after == (before if before is not None else (0, False))
    assert await _state(session, address.key) == (2, True)


async def test_a_used_up_first_budget_counts_nothing_on_the_second(session) -> None:  # type: ignore[no-untyped-def]
    account = throttle.Budget("account:other@example.org", 1)
    address = throttle.Budget("address:203.0.113.10", 20)
    await _use(session, account, 1)
    await _use(session, address, 3)

    with pytest.raises(throttle.TooManyAttempts):
        await throttle.reserve(session, [account, address], now=NOW, settings=SETTINGS)

    assert await _state(session, address.key) == (3, False)


async def test_both_budgets_count_when_both_allow(session) -> None:  # type: ignore[no-untyped-def]
    account = throttle.Budget("account:third@example.org", 5)
    address = throttle.Budget("address:203.0.113.11", 20)
    await throttle.reserve(session, [account, address], now=NOW, settings=SETTINGS)
    assert await _state(session, account.key) == (1, False)
    assert await _state(session, address.key) == (1, False)


async def test_a_right_password_clears_the_account_and_refunds_the_address(session) -> None:  # type: ignore[no-untyped-def]
    """give_back, in one statement: the account's own budget back to nothing (its next
    attempt starts a new window, as if it had no row) and one attempt fewer, and no block,
    on the shared address."""
    account = throttle.Budget("account:fourth@example.org", 2)
    address = throttle.Budget("address:203.0.113.12", 3)
    await _use(session, account, 1)
    await _use(session, address, 3)  # used up: blocked
    assert await _state(session, address.key) == (3, True)

    await throttle.give_back(session, clear=account.key, refund=address.key)

    assert await _state(session, account.key) == (0, False)
    assert await _state(session, address.key) == (2, False)
    # Its next attempt opens a window of its own: one that outlives the old window's end.
    later = NOW + timedelta(minutes=SETTINGS.window_minutes - 1)
    await throttle.reserve(session, [account], now=later, settings=SETTINGS)
    past_the_old_window = later + timedelta(minutes=2)
    await throttle.reserve(session, [account], now=past_the_old_window, settings=SETTINGS)
    assert await _state(session, account.key) == (2, True)


async def test_a_refund_never_goes_below_zero(session) -> None:  # type: ignore[no-untyped-def]
    address = throttle.Budget("address:203.0.113.13", 5)
    await _use(session, address, 1)
    for _ in range(2):
        await throttle.give_back(session, clear="account:nobody@example.org", refund=address.key)
    assert await _state(session, address.key) == (0, False)
    assert await _state(session, "account:nobody@example.org") is None
