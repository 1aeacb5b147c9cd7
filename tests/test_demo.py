"""`accord demo load`: an empty development database gets a coalition a newcomer can look
around in; a database with data, or production, is refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.appeals.service import verify_all_chains
from app.config import Environment
from app.demo import DemoRefused, load_demo
from app.models.appeals import Appeal
from app.models.outreach import Dispatch, Recipient, Response
from app.signatories import counts


async def test_the_demo_fills_every_page_and_only_once(client, session, settings) -> None:  # type: ignore[no-untyped-def]
    accounts = await load_demo(session, settings=settings, now=datetime.now(UTC))
    await session.commit()
    assert {a.email for a in accounts} >= {"coordinator@example.org", "lead.rep@example.org"}
    # Every account gets its own one-time password.
    assert len({a.password for a in accounts}) == len(accounts)

    appeals = (await session.scalars(select(Appeal).order_by(Appeal.created_at))).all()
    assert [a.state for a in appeals] == ["open", "draft"]
    open_appeal = appeals[0]
    found = await counts.read(session, open_appeal.id)
    assert found.counted >= 20
    assert await session.scalar(select(func.count()).select_from(Recipient)) >= 10
    assert await session.scalar(select(func.count()).select_from(Dispatch)) >= 5
    assert await session.scalar(select(func.count()).select_from(Response)) >= 3
    checked, problems = await verify_all_chains(session)
    assert (checked, problems) == (2, [])

    # The tracker is published: anyone sees where governments stand.
    tracker = await client.get(f"/api/public/trackers/{open_appeal.id}")
    assert tracker.status_code == 200, tracker.text
    statuses = {r["status"] for r in tracker.json()["recipients"]}
    assert {"responded", "awaiting_response"} <= statuses
    assert "Ірына Навуменка" in {s["name"] for s in tracker.json()["signatories"]}

    with pytest.raises(DemoRefused):
        await load_demo(session, settings=settings, now=datetime.now(UTC))


async def test_the_demo_is_refused_in_production(session, settings) -> None:  # type: ignore[no-untyped-def]
    production = settings.model_copy(update={"env": Environment.PRODUCTION})
    with pytest.raises(DemoRefused):
        await load_demo(session, settings=production, now=datetime.now(UTC))
    assert await session.scalar(select(func.count()).select_from(Appeal)) == 0
