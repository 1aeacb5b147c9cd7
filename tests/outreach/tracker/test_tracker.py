"""The public tracker: published by a coordinator, read by anyone; shows the frozen text,
public signatories, bucketed counts and each recipient's status from *published* responses
only — never contacts, summaries or an unpublished response."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.kit.clock import ManualClock
from app.models.audit import AuditEvent
from app.models.outbox import OutboxMessage
from app.models.outreach import Dispatch, Recipient, Response, ResponseStance
from app.notifications.worker import deliver_due
from app.outreach import updates
from tests.appeals.conftest import Cast, read_text, start_appeal
from tests.notifications.conftest import SmtpServer, smtp_server, smtp_settings

__all__ = ["smtp_server"]

CONTACT = "canary-contact@gov.example"
SUMMARY = "canary internal summary of the call"


async def _recipient(session, name: str, country: str) -> Recipient:  # type: ignore[no-untyped-def]
    recipient = Recipient(kind="government", country=country, language="en")
    recipient.name = name
    recipient.addressee = f"The Honourable Minister\n{name}"
    recipient.email = CONTACT
    recipient.postal_address = "1 Canary Street"
    session.add(recipient)
    await session.flush()
    return recipient


async def _dispatch(session, appeal: dict[str, Any], recipient: Recipient) -> Dispatch:  # type: ignore[no-untyped-def]
    dispatch = Dispatch(
        appeal_id=uuid.UUID(appeal["appeal_id"]),
        recipient_id=recipient.id,
        revision_sha256=appeal["revision_sha256"],
        language="en",
        channel="post",
        sent_on=date(2026, 11, 2),
    )
    session.add(dispatch)
    await session.flush()
    return dispatch


async def _response(  # type: ignore[no-untyped-def]
    session, dispatch: Dispatch, kind: str, *, published: bool, stances: dict[str, str]
) -> Response:
    response = Response(
        dispatch_id=dispatch.id,
        received_on=date(2026, 11, 20),
        channel="email",
        kind=kind,
        published=published,
    )
    response.summary = SUMMARY
    session.add(response)
    await session.flush()
    for ask_id, stance in stances.items():
        row = ResponseStance(response_id=response.id, ask_id=ask_id, stance=stance)
        row.quote = f"We {stance} this."
        session.add(row)
    await session.flush()
    return response


@pytest.fixture
async def written(session, cast: Cast, signing: dict[str, Any]) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Denmark answered (published), Estonia answered (not published), Latvia did not."""
    _, blocks = await read_text(cast["coordinator"], signing["appeal_id"])
    asks = [b["id"] for b in blocks if b["kind"] == "ask"]
    denmark = await _recipient(session, "Denmark — Prime Minister", "DK")
    estonia = await _recipient(session, "Estonia — Foreign Minister", "EE")
    latvia = await _recipient(session, "Latvia <script>alert(1)</script>", "LV")
    to_denmark = await _dispatch(session, signing, denmark)
    to_estonia = await _dispatch(session, signing, estonia)
    await _dispatch(session, signing, latvia)
    await _response(
        session,
        to_denmark,
        "substantive_reply",
        published=True,
        stances={asks[0]: "supports", asks[1]: "partially_supports"},
    )
    await _response(session, to_estonia, "refusal", published=False, stances={asks[0]: "opposes"})
    await session.commit()
    return {"appeal": signing, "asks": asks}


def _path(appeal: dict[str, Any]) -> str:
    return f"/api/appeals/{appeal['appeal_id']}/tracker"


def _public(appeal: dict[str, Any]) -> str:
    return f"/api/public/trackers/{appeal['appeal_id']}"


async def test_nothing_is_public_until_a_coordinator_publishes(client, cast: Cast, written) -> None:  # type: ignore[no-untyped-def]
    appeal = written["appeal"]
    assert (await client.get(_public(appeal))).json()["code"] == "tracker_not_found"
    assert (await client.get(f"{_public(appeal)}/feed")).status_code == 404
    # Writers read whether it is published; only a coordinator publishes.
    assert (await cast["a_rep"].get(_path(appeal))).json()["published"] is False
    assert (await cast["a_rep"].put(_path(appeal), json={"published": True})).status_code == 403
    assert (await cast["a_member"].get(_path(appeal))).status_code == 403
    assert (await cast["c_member"].put(_path(appeal), json={"published": True})).status_code == 404

    published = await cast["coordinator"].put(_path(appeal), json={"published": True})
    assert published.status_code == 200, published.text
    assert published.json()["path"] == f"/track/{appeal['appeal_id']}"
    assert (await client.get(_public(appeal))).status_code == 200

    down = await cast["coordinator"].put(_path(appeal), json={"published": False})
    assert down.json()["published"] is False
    assert (await client.get(_public(appeal))).status_code == 404


async def test_anyone_sees_published_stances_and_nothing_internal(  # type: ignore[no-untyped-def]
    client: httpx.AsyncClient, session, cast: Cast, written
) -> None:
    appeal = written["appeal"]
    assert (
        await cast["coordinator"].put(_path(appeal), json={"published": True})
    ).status_code == 200
    seen = await client.get(_public(appeal))
    assert seen.status_code == 200, seen.text
    body = seen.json()
    assert body["revision_sha256"] == appeal["revision_sha256"]
    assert [b["kind"] for b in body["blocks"]].count("ask") == 2
    by_country = {r["country"]: r for r in body["recipients"]}
    assert by_country["DK"]["status"] == "responded"
    [response] = by_country["DK"]["responses"]
    assert [(s["ask_number"], s["stance"]) for s in response["stances"]] == [
        (1, "supports"),
        (2, "partially_supports"),
    ]
    # Estonia's refusal is not published: it neither shows nor shows through its status.
    assert by_country["EE"]["status"] == "awaiting_response"
    assert by_country["EE"]["responses"] == []
    assert by_country["LV"]["status"] == "awaiting_response"
    # Contacts, addressee lines, summaries: never public.
    for secret in (CONTACT, "1 Canary Street", "The Honourable Minister", SUMMARY, "We opposes"):
        assert secret not in seen.text
    events = (
        await session.scalars(select(AuditEvent).where(AuditEvent.action == "tracker.published"))
    ).all()
    assert len(events) == 1


async def test_the_feed_is_atom_with_one_entry_per_published_response(
    client, cast: Cast, written
) -> None:  # type: ignore[no-untyped-def]
    appeal = written["appeal"]
    await cast["coordinator"].put(_path(appeal), json={"published": True})
    feed = await client.get(f"{_public(appeal)}/feed")
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(feed.content)  # noqa: S314 - our own feed, made by the test
    atom = "{http://www.w3.org/2005/Atom}"
    entries = root.findall(f"{atom}entry")
    assert [e.findtext(f"{atom}title") for e in entries] == [
        "Denmark — Prime Minister: substantive reply"
    ]
    assert b"<script>" not in feed.content


async def test_publishing_tells_the_signers_who_asked(session, cast: Cast, clock, written) -> None:  # type: ignore[no-untyped-def]
    appeal = written["appeal"]
    await updates.subscribe(
        session,
        appeal_id=uuid.UUID(appeal["appeal_id"]),
        email="reader@example.org",
        language="ru",
        now=clock.now(),
    )
    await session.commit()
    assert (
        await cast["coordinator"].put(_path(appeal), json={"published": True})
    ).status_code == 200
    session.expire_all()
    mails = [
        m for m in (await session.scalars(select(OutboxMessage))).all() if m.kind == "appeal_update"
    ]
    # One published response: one email, in the subscriber's language, naming Denmark.
    assert len(mails) == 1
    assert mails[0].recipient == "reader@example.org"
    assert "Denmark — Prime Minister" in mails[0].body
    assert "Опубликован ответ" in mails[0].body


async def test_a_text_not_yet_frozen_cannot_be_tracked(cast: Cast) -> None:
    appeal = await start_appeal(cast)
    refused = await cast["coordinator"].put(
        f"/api/appeals/{appeal['id']}/tracker", json={"published": True}
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "text_not_frozen"


async def test_a_response_published_later_is_told_to_subscribers(  # type: ignore[no-untyped-def]
    session, cast: Cast, clock, written
) -> None:
    appeal = written["appeal"]
    coordinator = cast["coordinator"]
    assert (await coordinator.put(_path(appeal), json={"published": True})).status_code == 200
    await updates.subscribe(
        session,
        appeal_id=uuid.UUID(appeal["appeal_id"]),
        email="later@example.org",
        language="en",
        now=clock.now(),
    )
    await session.commit()
    estonia = (await session.scalars(select(Response).where(Response.kind == "refusal"))).one()
    published = await coordinator.patch(
        f"/api/responses/{estonia.id}",
        json={"published": True},
        headers={"If-Match": f'"{estonia.version}"'},
    )
    assert published.status_code == 200, published.text
    session.expire_all()
    told = [
        m
        for m in (await session.scalars(select(OutboxMessage))).all()
        if m.kind == "appeal_update" and m.recipient == "later@example.org"
    ]
    assert len(told) == 1
    assert "Estonia — Foreign Minister" in told[0].body
    # The tracker now shows Estonia's refusal.
    seen = await coordinator.get(_public(appeal))
    by_country = {r["country"]: r for r in seen.json()["recipients"]}
    assert by_country["EE"]["status"] == "refused"


async def test_publishing_again_tells_no_one_twice(  # type: ignore[no-untyped-def]
    session,
    cast: Cast,
    clock,
    written,
    sessionmaker: async_sessionmaker[AsyncSession],
    database_url: str,
    smtp_server: SmtpServer,
    tmp_path: Path,
) -> None:
    """Publish, take down, publish the tracker; take a response down and publish it again:
    each subscriber gets one email per response, through a real SMTP server."""
    appeal = written["appeal"]
    coordinator = cast["coordinator"]
    readers = ["first@example.org", "second@example.org"]
    for reader in readers:
        await updates.subscribe(
            session,
            appeal_id=uuid.UUID(appeal["appeal_id"]),
            email=reader,
            language="en",
            now=clock.now(),
        )
    await session.commit()
    for published in (True, False, True):
        answer = await coordinator.put(_path(appeal), json={"published": published})
        assert answer.status_code == 200, answer.text
    denmark = (
        await session.scalars(select(Response).where(Response.kind == "substantive_reply"))
    ).one()
    await session.refresh(denmark)
    for published in (False, True):
        changed = await coordinator.patch(
            f"/api/responses/{denmark.id}",
            json={"published": published},
            headers={"If-Match": f'"{denmark.version}"'},
        )
        assert changed.status_code == 200, changed.text
        await session.refresh(denmark)
    # Estonia's refusal, published now, is news: told once too.
    estonia = (await session.scalars(select(Response).where(Response.kind == "refusal"))).one()
    told = await coordinator.patch(
        f"/api/responses/{estonia.id}",
        json={"published": True},
        headers={"If-Match": f'"{estonia.version}"'},
    )
    assert told.status_code == 200, told.text

    settings = smtp_settings(database_url, tmp_path, smtp_server.port)
    await deliver_due(sessionmaker, settings, ManualClock(clock.now()))
    for reader in readers:
        bodies = sorted(
            r.message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
            for r in smtp_server.received
            if r.rcpt_tos == [reader]
        )
        assert len(bodies) == 2, bodies
        assert "Denmark — Prime Minister" in bodies[0] + bodies[1]
        assert "Estonia — Foreign Minister" in bodies[0] + bodies[1]


async def test_a_reply_to_some_asks_shows_as_partly_answered(  # type: ignore[no-untyped-def]
    client: httpx.AsyncClient, session, cast: Cast, written
) -> None:
    """Anyone (signed out) reads it: a reply that leaves an ask unaddressed is "partial"."""
    appeal = written["appeal"]
    latvia = (await session.scalars(select(Recipient).where(Recipient.country == "LV"))).one()
    to_latvia = (
        await session.scalars(select(Dispatch).where(Dispatch.recipient_id == latvia.id))
    ).one()
    await _response(
        session,
        to_latvia,
        "substantive_reply",
        published=True,
        stances={written["asks"][0]: "supports"},
    )
    await session.commit()
    assert (
        await cast["coordinator"].put(_path(appeal), json={"published": True})
    ).status_code == 200
    seen = await client.get(_public(appeal))
    assert seen.status_code == 200, seen.text
    by_country = {r["country"]: r["status"] for r in seen.json()["recipients"]}
    assert by_country["LV"] == "partial"
