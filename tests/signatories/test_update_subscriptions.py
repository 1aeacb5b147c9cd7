"""Public signers who ask for updates: subscribed only with a proven address, kept apart from
the signature, told when a response is published, and able to stop it with the email's link."""

from __future__ import annotations

import re
import uuid
from typing import Any

from sqlalchemy import select

from app.models.outreach import UpdateSubscription
from app.outreach import updates
from tests.signatories.test_public_signing import EMAIL, code_in, mails, start
from tests.signatories.test_public_signing import public_appeal as public_appeal


async def _confirm(client, appeal: dict[str, Any], code: str, **extra: Any):  # type: ignore[no-untyped-def]
    return await client.post(
        f"/api/public/appeals/{appeal['appeal_id']}/signatures/confirm",
        json={"email": EMAIL, "code": code, **extra},
    )


async def _subscriptions(session) -> list[UpdateSubscription]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return list((await session.scalars(select(UpdateSubscription))).all())


async def _code(client, session, appeal: dict[str, Any]) -> str:  # type: ignore[no-untyped-def]
    started = await start(client, appeal)
    assert started.status_code == 202, started.text
    return code_in((await mails(session, "signing_code"))[-1])


async def test_only_a_confirmed_signer_who_asked_is_subscribed(
    client, session, public_appeal
) -> None:  # type: ignore[no-untyped-def]
    code = await _code(client, session, public_appeal)
    # A wrong code subscribes nobody, whatever it asks for.
    wrong = "000000" if code != "000000" else "111111"
    refused = await _confirm(client, public_appeal, wrong, updates=True)
    assert refused.status_code == 422
    assert await _subscriptions(session) == []

    confirmed = await _confirm(client, public_appeal, code, updates=True, language="be")
    assert confirmed.status_code == 201, confirmed.text
    [subscription] = await _subscriptions(session)
    assert subscription.email == EMAIL
    assert subscription.language == "be"
    assert str(subscription.appeal_id) == public_appeal["appeal_id"]
    # Dated to the day: no moment to match against a confirmation.
    assert (subscription.created_at.hour, subscription.created_at.minute) == (0, 0)
    # Nothing in it points at the signature.
    columns = set(UpdateSubscription.__table__.columns.keys())
    assert not {"signature_id", "tier", "receipt_mac"} & columns


async def test_a_signer_who_did_not_ask_is_not_subscribed(client, session, public_appeal) -> None:  # type: ignore[no-untyped-def]
    code = await _code(client, session, public_appeal)
    assert (await _confirm(client, public_appeal, code)).status_code == 201
    assert await _subscriptions(session) == []


async def test_subscribers_are_told_and_the_link_ends_it(
    client, session, clock, public_appeal
) -> None:  # type: ignore[no-untyped-def]
    code = await _code(client, session, public_appeal)
    assert (await _confirm(client, public_appeal, code, updates=True)).status_code == 201
    appeal_id = uuid.UUID(public_appeal["appeal_id"])

    queued = await updates.tell_subscribers(
        session,
        appeal_id=appeal_id,
        title="An appeal",
        recipient_name="Government of Denmark",
        tracker_url="http://test/track/x",
        public_url="http://test",
        now=clock.now(),
    )
    await session.commit()
    assert queued == 1
    [mail] = await mails(session, "appeal_update")
    assert "Government of Denmark" in mail.body
    assert "http://test/track/x" in mail.body
    link = re.search(r"http://test/updates/unsubscribe#(\S+)", mail.body)
    assert link, mail.body

    # An unknown token is answered the same and ends nothing.
    other = await client.post("/api/public/updates/unsubscribe", json={"token": "x" * 43})
    assert other.status_code == 200
    assert len(await _subscriptions(session)) == 1

    ended = await client.post("/api/public/updates/unsubscribe", json={"token": link.group(1)})
    assert ended.status_code == 200
    assert await _subscriptions(session) == []
    # Nobody is left to tell.
    assert (
        await updates.tell_subscribers(
            session,
            appeal_id=appeal_id,
            title="An appeal",
            recipient_name="Government of Denmark",
            tracker_url="http://test/track/x",
            public_url="http://test",
            now=clock.now(),
        )
        == 0
    )


async def test_a_second_subscription_for_the_same_address_changes_nothing(
    session, clock, public_appeal
) -> None:  # type: ignore[no-untyped-def]
    appeal_id = uuid.UUID(public_appeal["appeal_id"])
    for _ in range(2):
        await updates.subscribe(
            session, appeal_id=appeal_id, email="Same@Example.org", language="en", now=clock.now()
        )
    await updates.subscribe(
        session, appeal_id=appeal_id, email="same@example.org", language="ru", now=clock.now()
    )
    await session.commit()
    assert len(await _subscriptions(session)) == 1
