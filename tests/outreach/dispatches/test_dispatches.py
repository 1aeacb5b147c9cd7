"""Dispatches, responses with stances and follow-ups, as a coordinator (and the writing
organizations' representatives, read-only) see them through the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from app.models.outbox import OutboxMessage
from app.models.outreach import Dispatch
from tests.appeals.conftest import Cast
from tests.outreach.dispatches.conftest import dispatch_body, make_group, make_recipient

KEY = "retry-key-0001"


async def _dispatch(cast: Cast, signing: dict[str, Any], recipient, **overrides: Any):  # type: ignore[no-untyped-def]
    response = await cast["coordinator"].post(
        f"/api/appeals/{signing['appeal_id']}/dispatches",
        json=dispatch_body(recipient.id, cast, **overrides),
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_coordinator_records_a_dispatch_with_a_follow_up(
    cast: Cast, signing: dict[str, Any], recipient
) -> None:  # type: ignore[no-untyped-def]
    made = await _dispatch(cast, signing, recipient)
    assert made["revision_sha256"] == signing["revision_sha256"]
    assert made["language"] == "en"
    assert made["delivery"] == "recorded"
    assert made["reference"] == "RR123456789DK"
    assert made["recipient"]["name"] == "Denmark — Prime Minister"
    detail = await cast["coordinator"].get(f"/api/dispatches/{made['id']}")
    assert detail.status_code == 200
    body = detail.json()
    assert [a["number"] for a in body["asks"]] == [1, 2]
    assert body["asks"][0]["text"].startswith("Call for the release")
    (follow_up,) = body["follow_ups"]
    assert follow_up["due_on"] == (cast.now.date() + timedelta(days=30)).isoformat()
    assert follow_up["assignee"]["name"] == "Coordinator"
    listed = await cast["a_rep"].get(f"/api/appeals/{signing['appeal_id']}/dispatches")
    assert [d["id"] for d in listed.json()["items"]] == [made["id"]]


async def test_dispatch_dates_are_checked(cast: Cast, signing: dict[str, Any], recipient) -> None:  # type: ignore[no-untyped-def]
    url = f"/api/appeals/{signing['appeal_id']}/dispatches"
    for day in (cast.now.date() + timedelta(days=1), cast.now.date() - timedelta(days=1)):
        response = await cast["coordinator"].post(
            url, json=dispatch_body(recipient.id, cast, sent_on=day.isoformat())
        )
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "date_invalid"


async def test_an_appeal_without_frozen_text_cannot_be_dispatched(
    cast: Cast, session, recipient
) -> None:  # type: ignore[no-untyped-def]
    from tests.appeals.conftest import start_appeal

    appeal = await start_appeal(cast)
    response = await cast["coordinator"].post(
        f"/api/appeals/{appeal['id']}/dispatches", json=dispatch_body(recipient.id, cast)
    )
    assert response.status_code == 409
    assert response.json()["code"] == "appeal_not_frozen"


async def test_an_archived_recipient_gets_nothing_new(
    cast: Cast, signing: dict[str, Any], session
) -> None:  # type: ignore[no-untyped-def]
    gone = await make_recipient(session, "Old ministry", archived=True)
    response = await cast["coordinator"].post(
        f"/api/appeals/{signing['appeal_id']}/dispatches", json=dispatch_body(gone.id, cast)
    )
    assert response.status_code == 409
    assert response.json()["code"] == "recipient_archived"


async def test_a_retry_with_the_same_key_returns_the_first_dispatch(
    cast: Cast, signing: dict[str, Any], recipient, session
) -> None:  # type: ignore[no-untyped-def]
    url = f"/api/appeals/{signing['appeal_id']}/dispatches"
    body = dispatch_body(recipient.id, cast)
    first = await cast["coordinator"].post(url, json=body, headers={"Idempotency-Key": KEY})
    again = await cast["coordinator"].post(url, json=body, headers={"Idempotency-Key": KEY})
    assert first.status_code == 201, first.text
    assert again.status_code == 200, again.text
    assert again.json()["id"] == first.json()["id"]
    other = await cast["coordinator"].post(
        url, json={**body, "reference": "ANOTHER"}, headers={"Idempotency-Key": KEY}
    )
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    bad = await cast["coordinator"].post(url, json=body, headers={"Idempotency-Key": "x"})
    assert bad.json()["code"] == "idempotency_key_invalid"
    count = await session.scalar(select(func.count()).select_from(Dispatch))
    assert count == 1


async def test_a_batch_to_a_group_is_all_or_nothing(
    cast: Cast, signing: dict[str, Any], session
) -> None:  # type: ignore[no-untyped-def]
    nordic = [await make_recipient(session, f"Prime Minister {n}") for n in ("DK", "SE", "NO")]
    group = await make_group(session, nordic)
    url = f"/api/appeals/{signing['appeal_id']}/dispatches/batch"
    body = dispatch_body(nordic[0].id, cast)
    del body["recipient_id"]
    first = await cast["coordinator"].post(url, json={**body, "recipient_ids": [str(nordic[0].id)]})
    assert first.status_code == 201, first.text
    batch = await cast["coordinator"].post(
        url, json={**body, "group_id": str(group.id)}, headers={"Idempotency-Key": KEY}
    )
    assert batch.status_code == 201, batch.text
    assert len(batch.json()["items"]) == 3
    assert batch.json()["already_dispatched"] == [str(nordic[0].id)]
    again = await cast["coordinator"].post(
        url, json={**body, "group_id": str(group.id)}, headers={"Idempotency-Key": KEY}
    )
    assert again.status_code == 200
    assert [d["id"] for d in again.json()["items"]] == [d["id"] for d in batch.json()["items"]]
    archived = await make_recipient(session, "Archived", archived=True)
    refused = await cast["coordinator"].post(
        url,
        json={**body, "recipient_ids": [str(nordic[1].id), str(archived.id)]},
    )
    assert refused.status_code == 409
    assert await session.scalar(select(func.count()).select_from(Dispatch)) == 4


async def test_sending_by_email_queues_the_letter(
    cast: Cast, signing: dict[str, Any], recipient, session
) -> None:  # type: ignore[no-untyped-def]
    made = await _dispatch(cast, signing, recipient, channel="email", send=True)
    assert made["delivery"] == "queued"
    message = (
        await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "outreach_letter"))
    ).one()
    assert message.recipient == "pm@example.dk"
    assert message.subject == "Free the imprisoned reporters"
    assert "1. Call for the release of every imprisoned reporter." in message.body
    assert message.body.startswith("The Honourable Prime Minister")
    no_mail = await make_recipient(session, "No email", email=None)
    refused = await cast["coordinator"].post(
        f"/api/appeals/{signing['appeal_id']}/dispatches",
        json=dispatch_body(no_mail.id, cast, channel="email", send=True),
    )
    assert refused.json()["code"] == "recipient_email_missing"
    by_post = await cast["coordinator"].post(
        f"/api/appeals/{signing['appeal_id']}/dispatches",
        json=dispatch_body(recipient.id, cast, send=True),
    )
    assert by_post.status_code == 422


async def test_edits_need_the_current_etag(cast: Cast, signing: dict[str, Any], recipient) -> None:  # type: ignore[no-untyped-def]
    made = await _dispatch(cast, signing, recipient)
    url = f"/api/dispatches/{made['id']}"
    etag = (await cast["coordinator"].get(url)).headers["etag"]
    missing = await cast["coordinator"].patch(url, json={"closed": True})
    assert missing.status_code == 428
    closed = await cast["coordinator"].patch(url, json={"closed": True}, headers={"If-Match": etag})
    assert closed.status_code == 200, closed.text
    assert closed.json()["closed_at"] is not None
    stale = await cast["coordinator"].patch(url, json={"closed": False}, headers={"If-Match": etag})
    assert stale.status_code == 412
    reader = await cast["a_rep"].patch(
        url, json={"closed": False}, headers={"If-Match": closed.headers["etag"]}
    )
    assert reader.status_code == 403


async def test_a_response_has_a_stance_per_ask(
    cast: Cast, signing: dict[str, Any], recipient
) -> None:  # type: ignore[no-untyped-def]
    made = await _dispatch(cast, signing, recipient)
    asks = (await cast["coordinator"].get(f"/api/dispatches/{made['id']}")).json()["asks"]
    url = f"/api/dispatches/{made['id']}/responses"
    base = {"received_on": cast.now.date().isoformat(), "channel": "email"}
    unknown = await cast["coordinator"].post(
        url,
        json={
            **base,
            "kind": "substantive_reply",
            "stances": [{"ask_id": "no-such-ask", "stance": "supports"}],
        },
    )
    assert unknown.status_code == 422
    assert unknown.json()["code"] == "ask_unknown"
    twice = await cast["coordinator"].post(
        url,
        json={
            **base,
            "kind": "substantive_reply",
            "stances": [
                {"ask_id": asks[0]["id"], "stance": "supports"},
                {"ask_id": asks[0]["id"], "stance": "opposes"},
            ],
        },
    )
    assert twice.status_code == 422
    recorded = await cast["coordinator"].post(
        url,
        json={
            **base,
            "kind": "substantive_reply",
            "summary": "The ministry will raise the cases.",
            "stances": [
                {"ask_id": asks[1]["id"], "stance": "supports", "quote": "We will raise them."}
            ],
        },
    )
    assert recorded.status_code == 201, recorded.text
    stances = recorded.json()["stances"]
    assert [(s["ask_id"], s["stance"]) for s in stances] == [
        (asks[0]["id"], "not_addressed"),
        (asks[1]["id"], "supports"),
    ]
    overview = await cast["a_rep"].get(f"/api/appeals/{signing['appeal_id']}/outreach")
    assert overview.status_code == 200
    (row,) = overview.json()["recipients"]
    assert row["status"] == "partial"
    assert overview.json()["can_track"] is False
    response_url = f"/api/responses/{recorded.json()['id']}"
    published = await cast["coordinator"].patch(
        response_url,
        json={
            "published": True,
            "stances": [{"ask_id": a["id"], "stance": "partially_supports"} for a in asks],
        },
        headers={"If-Match": recorded.headers["etag"]},
    )
    assert published.status_code == 200, published.text
    assert published.json()["published"] is True
    stale = await cast["coordinator"].patch(
        response_url, json={"published": False}, headers={"If-Match": recorded.headers["etag"]}
    )
    assert stale.status_code == 412
    overview = await cast["coordinator"].get(f"/api/appeals/{signing['appeal_id']}/outreach")
    assert overview.json()["recipients"][0]["status"] == "responded"


async def test_follow_ups_go_only_to_coordinators_and_show_overdue(
    cast: Cast, signing: dict[str, Any], recipient
) -> None:  # type: ignore[no-untyped-def]
    made = await _dispatch(cast, signing, recipient)
    url = f"/api/dispatches/{made['id']}/follow-ups"
    refused = await cast["coordinator"].post(
        url,
        json={
            "due_on": cast.now.date().isoformat(),
            "assignee_id": str(cast.people["a_rep"].id),
        },
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "assignee_invalid"
    late = await cast["coordinator"].post(
        url, json={"due_on": (cast.now.date() - timedelta(days=1)).isoformat()}
    )
    assert late.status_code == 201, late.text
    mine = await cast["coordinator"].get("/api/follow-ups")
    item, planned = mine.json()["items"]
    assert item["id"] == late.json()["id"]
    assert item["overdue"] is True
    assert planned["overdue"] is False
    assert item["recipient"]["name"] == "Denmark — Prime Minister"
    overview = await cast["coordinator"].get(f"/api/appeals/{signing['appeal_id']}/outreach")
    assert overview.json()["recipients"][0]["status"] == "overdue"
    done = await cast["coordinator"].patch(
        f"/api/follow-ups/{item['id']}",
        json={"done": True},
        headers={"If-Match": f'"{item["version"]}"'},
    )
    assert done.status_code == 200, done.text
    overview = await cast["coordinator"].get(f"/api/appeals/{signing['appeal_id']}/outreach")
    assert overview.json()["recipients"][0]["status"] == "awaiting_response"
    assert [
        f["id"] for f in (await cast["coordinator"].get("/api/follow-ups")).json()["items"]
    ] == [planned["id"]]
    assert (await cast["a_rep"].get("/api/follow-ups")).status_code == 403


async def test_a_reply_completes_the_chases_an_acknowledgement_does_not(
    cast: Cast, signing: dict[str, Any], recipient
) -> None:  # type: ignore[no-untyped-def]
    made = await _dispatch(cast, signing, recipient)
    responses = f"/api/dispatches/{made['id']}/responses"
    base = {"received_on": cast.now.date().isoformat(), "channel": "email"}
    before = (await cast["coordinator"].get("/api/follow-ups")).json()["items"]
    assert [f["dispatch_id"] for f in before] == [made["id"]]

    # "We received your letter" is no answer: the chase stays on the coordinator's list.
    thanks = await cast["coordinator"].post(responses, json={**base, "kind": "acknowledgement"})
    assert thanks.status_code == 201, thanks.text
    still = (await cast["coordinator"].get("/api/follow-ups")).json()["items"]
    assert [f["id"] for f in still] == [before[0]["id"]]

    # A reply is: the open chase is made, by whoever recorded the reply.
    reply = await cast["coordinator"].post(responses, json={**base, "kind": "refusal"})
    assert reply.status_code == 201, reply.text
    assert (await cast["coordinator"].get("/api/follow-ups")).json()["items"] == []
    (follow_up,) = (await cast["coordinator"].get(f"/api/dispatches/{made['id']}")).json()[
        "follow_ups"
    ]
    assert follow_up["done_at"] is not None
    assert follow_up["version"] == before[0]["version"] + 1
    # An edit made from the page read before the reply is refused, not applied blindly.
    stale = await cast["coordinator"].patch(
        f"/api/follow-ups/{follow_up['id']}",
        json={"due_on": cast.now.date().isoformat()},
        headers={"If-Match": f'"{before[0]["version"]}"'},
    )
    assert stale.status_code == 412


async def test_a_follow_up_goes_to_someone_from_the_assignees_list(
    cast: Cast, signing: dict[str, Any], recipient
) -> None:  # type: ignore[no-untyped-def]
    listed = await cast["coordinator"].get("/api/follow-ups/assignees")
    assert listed.status_code == 200, listed.text
    people = listed.json()["items"]
    # The active coordinators only: no representative, member or admin is offered.
    assert [p["id"] for p in people] == [str(cast.people["coordinator"].id)]
    made = await _dispatch(cast, signing, recipient)
    given = await cast["coordinator"].post(
        f"/api/dispatches/{made['id']}/follow-ups",
        json={"due_on": cast.now.date().isoformat(), "assignee_id": people[0]["id"]},
    )
    assert given.status_code == 201, given.text
    assert given.json()["assignee"]["id"] == people[0]["id"]
    assert (await cast["a_rep"].get("/api/follow-ups/assignees")).status_code == 403
