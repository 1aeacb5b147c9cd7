"""The PostgreSQL pool serves waiters first come, first served (app/kit/pool.py).

SQLAlchemy's asyncio queue let a request that arrived after a connection was returned take
it before the waiter woken for it; that waiter queued again at the back, and under load a
few requests waited seconds. The first test fails with SQLAlchemy's AsyncAdaptedQueue; the
others hold what a hand-over must keep: no connection lost to a timeout or a cancellation.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.util import queue as sqla_queue
from sqlalchemy.util.concurrency import greenlet_spawn

from app.kit.pool import HandOffQueue


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def _get(queue: HandOffQueue[str], wait_at_most: float | None = 5.0) -> str:
    # The pool calls get() from SQLAlchemy's greenlet bridge, as here.
    result: str = await greenlet_spawn(queue.get, True, wait_at_most)
    return result


async def test_a_returned_connection_goes_to_the_oldest_waiter_not_a_newcomer() -> None:
    queue: HandOffQueue[str] = HandOffQueue(maxsize=2)
    first = asyncio.create_task(_get(queue))
    second = asyncio.create_task(_get(queue))
    await _settle()  # both wait, first before second

    queue.put_nowait("connection 1")
    # A request arriving now, before the first waiter has run, finds nothing to take.
    with pytest.raises(sqla_queue.Empty):
        queue.get(block=False)
    newcomer = asyncio.create_task(_get(queue))
    await _settle()
    queue.put_nowait("connection 2")

    assert await first == "connection 1"
    assert await second == "connection 2"
    assert not newcomer.done()  # it asked last: it waits for the next connection
    queue.put_nowait("connection 1")
    assert await newcomer == "connection 1"
    assert queue.qsize() == 0


async def test_an_idle_connection_is_taken_without_waiting() -> None:
    queue: HandOffQueue[str] = HandOffQueue(maxsize=2)
    queue.put_nowait("idle")
    assert await _get(queue) == "idle"
    with pytest.raises(sqla_queue.Empty):
        queue.get_nowait()


async def test_a_waiter_that_timed_out_gets_nothing_and_loses_nothing() -> None:
    queue: HandOffQueue[str] = HandOffQueue(maxsize=2)
    with pytest.raises(sqla_queue.Empty):  # the pool answers its TimeoutError
        await _get(queue, wait_at_most=0.05)
    queue.put_nowait("connection")  # nobody waits any more: it stays idle in the queue
    assert queue.qsize() == 1
    assert await _get(queue) == "connection"


async def test_a_waiter_cancelled_after_the_hand_over_passes_the_connection_on() -> None:
    queue: HandOffQueue[str] = HandOffQueue(maxsize=2)
    gone = asyncio.create_task(_get(queue))
    next_in_line = asyncio.create_task(_get(queue))
    await _settle()
    queue.put_nowait("connection")  # handed to `gone`, which has not run yet
    gone.cancel()  # its client went away meanwhile
    with pytest.raises(asyncio.CancelledError):
        await gone
    assert await next_in_line == "connection"


async def test_a_cancelled_waiter_is_skipped() -> None:
    queue: HandOffQueue[str] = HandOffQueue(maxsize=2)
    gone = asyncio.create_task(_get(queue))
    await _settle()
    gone.cancel()
    with pytest.raises(asyncio.CancelledError):
        await gone
    queue.put_nowait("connection")
    assert queue.qsize() == 1


async def test_a_full_queue_refuses_more() -> None:
    queue: HandOffQueue[str] = HandOffQueue(maxsize=1)
    queue.put_nowait("one")
    with pytest.raises(sqla_queue.Full):
        queue.put_nowait("two")
