"""Bulk invalidation over HTTP: a condition, a preview, the same number applied with a
reason, audited; invalidated signatures counted apart and never printed."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select

from app.models.audit import AuditEvent
from app.models.signatories import Signature
from tests.signatories.test_public_signing import public_appeal, rows, signed_up, start
from tests.signatories.test_signing import public_names, sign, view

__all__ = ["public_appeal"]


def url(appeal: dict[str, Any], preview: bool = False) -> str:
    return f"/api/appeals/{appeal['appeal_id']}/invalidations" + ("/preview" if preview else "")


async def preview(client: httpx.AsyncClient, appeal: dict[str, Any], **condition: Any) -> Any:
    response = await client.post(url(appeal, True), json=condition)
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_flood_from_one_domain_is_previewed_then_invalidated(  # type: ignore[no-untyped-def]
    cast, client, session, public_appeal
) -> None:
    coordinator = cast["coordinator"]
    coordinator_id = cast.people["coordinator"].id
    for n in range(3):
        await signed_up(
            client, session, public_appeal, email=f"bot{n}@flood.example", name=f"Bot {n}"
        )
    await signed_up(client, session, public_appeal, email="real@example.org", name="Real Person")
    await start(client, public_appeal, email="bot9@FLOOD.example")  # unconfirmed
    assert (await sign(cast["a_member"], public_appeal)).status_code == 201

    seen = await preview(coordinator, public_appeal, email_domain="Flood.Example")
    assert seen == {"matching": 4, "by_status": {"counted": 3, "unconfirmed": 1}}
    # The count changed since the preview: nothing happens.
    stale = await coordinator.post(
        url(public_appeal), json={"email_domain": "flood.example", "reason": "Bots", "expected": 3}
    )
    assert stale.status_code == 409 and stale.json()["code"] == "invalidation_changed"
    done = await coordinator.post(
        url(public_appeal),
        json={"email_domain": "flood.example", "reason": "A flood of bots", "expected": 4},
    )
    assert done.status_code == 200, done.text
    assert done.json() == {"invalidated": 4}

    counts = (await view(cast["a_rep"], public_appeal))["counts"]
    assert (counts["total"], counts["invalidated"]) == (2, 3)
    assert sorted(await public_names(cast["a_rep"], public_appeal)) == [
        "Real Person",
        "Someone Signing",
    ]
    statuses = sorted(r.status for r in await rows(session, public_appeal))
    assert statuses == ["counted", "counted", "invalidated", "invalidated", "invalidated"]
    event = (
        await session.scalars(
            select(AuditEvent).where(AuditEvent.action == "signatures.invalidated")
        )
    ).one()
    assert event.actor_id == coordinator_id
    # Nothing matches any more: the same request again invalidates nothing.
    assert (await preview(coordinator, public_appeal, email_domain="flood.example"))[
        "matching"
    ] == 0


async def test_a_time_window_and_unconfirmed_only(
    cast, client, session, clock, public_appeal
) -> None:  # type: ignore[no-untyped-def]
    coordinator = cast["coordinator"]
    before = clock.now()
    await signed_up(client, session, public_appeal, email="early@example.org")
    clock.advance(timedelta(minutes=20))  # within the sessions' idle timeout
    middle = clock.now()
    await start(client, public_appeal, email="pending@example.org")
    assert (await sign(cast["b_member"], public_appeal)).status_code == 201
    window = {"signed_from": middle.isoformat()}
    assert (await preview(coordinator, public_appeal, **window))["matching"] == 2
    only = await preview(coordinator, public_appeal, unconfirmed_only=True)
    assert only == {"matching": 1, "by_status": {"unconfirmed": 1}}
    early = {"signed_from": before.isoformat(), "signed_until": middle.isoformat()}
    assert (await preview(coordinator, public_appeal, **early))["matching"] == 1
    done = await coordinator.post(
        url(public_appeal), json={"unconfirmed_only": True, "reason": "Stale", "expected": 1}
    )
    assert done.json() == {"invalidated": 1}
    # Unconfirmed ones never counted: they are gone, not kept as invalidated.
    assert sorted(r.status for r in await rows(session, public_appeal)) == ["counted", "counted"]


async def test_only_coordinators_and_only_with_a_condition(cast, public_appeal) -> None:  # type: ignore[no-untyped-def]
    for who in ("a_rep", "a_member"):
        refused = await cast[who].post(url(public_appeal, True), json={"unconfirmed_only": True})
        assert refused.status_code == 403, refused.text
    nothing = await cast["coordinator"].post(url(public_appeal, True), json={})
    assert nothing.status_code == 422 and nothing.json()["code"] == "condition_missing"
    for bad in ({"email_domain": "not a domain"}, {"signed_from": "2026-01-01T00:00:00"}):
        refused = await cast["coordinator"].post(url(public_appeal, True), json=bad)
        assert refused.status_code == 422, (bad, refused.text)
    no_reason = await cast["coordinator"].post(
        url(public_appeal), json={"unconfirmed_only": True, "expected": 0}
    )
    assert no_reason.status_code == 422
    assert (
        await cast["coordinator"].post(
            url({"appeal_id": str(uuid.uuid4())}, True), json={"unconfirmed_only": True}
        )
    ).status_code == 404


async def test_the_domain_index_goes_when_signing_closes(
    cast, client, session, public_appeal
) -> None:  # type: ignore[no-untyped-def]
    from tests.appeals.conftest import transition

    await signed_up(client, session, public_appeal, email="someone@example.org")
    [row] = await rows(session, public_appeal)
    assert row.domain_index is not None
    assert (
        await transition(cast, "coordinator", public_appeal["appeal_id"], "close")
    ).status_code == 200
    session.expire_all()
    stored = (await session.scalars(select(Signature.domain_index))).all()
    assert stored == [None]
