"""The registry through the API, as a coordinator and as everyone else: validation, lists
and filters, If-Match, archive instead of delete, saved groups."""

from __future__ import annotations

import json
import uuid
from datetime import date

import pytest
from sqlalchemy import select

from app.models.audit import AuditEvent
from app.models.outreach import Dispatch
from app.outreach.recipients import service
from tests.outreach.recipients.conftest import create, denmark, listed


async def test_a_coordinator_adds_reads_and_lists_a_recipient(cast) -> None:  # type: ignore[no-untyped-def]
    made = await create(cast["coordinator"], tags=["EU", " eu ", "Nordic", "nordic"])
    assert made.status_code == 201, made.text
    body = made.json()
    assert made.headers["etag"] == '"1"'
    assert body["addressee"] == "The Honorable Mette Frederiksen\nPrime Minister of Denmark"
    assert body["tags"] == ["EU", "Nordic"]
    assert body["archived"] is False
    read = await cast["coordinator"].get(f"/api/recipients/{body['id']}")
    assert read.status_code == 200
    assert read.json()["email"] == "pm-office@example.dk"
    assert [r["name"] for r in await listed(cast["coordinator"])] == ["Denmark — Prime Minister"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"country": "XX"}, "country"),
        ({"country": None}, None),
        ({"language": "not a tag!"}, "language"),
        ({"kind": "king"}, "kind"),
        ({"email": "Dear PM <pm@example.dk>"}, "email"),
        ({"name": "Denmark\u202e retsinim"}, "name"),
        ({"name": "Two\nlines"}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"addressee": "   "}, "addressee"),
        ({"addressee": "line\x07bell"}, "addressee"),
        ({"tags": ["x" * 51]}, "tags"),
        ({"tags": [f"t{n}" for n in range(21)]}, "tags"),
        ({"extra": "mass assignment"}, "extra"),
    ],
)
async def test_invalid_recipients_are_refused_with_a_problem(cast, changes, field) -> None:  # type: ignore[no-untyped-def]
    response = await create(cast["coordinator"], **changes)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    if field is not None:
        assert field in response.text
    assert await listed(cast["coordinator"]) == []


async def test_an_international_organization_needs_no_country_and_language_is_normalized(
    cast,
) -> None:  # type: ignore[no-untyped-def]
    made = await create(
        cast["coordinator"],
        kind="international_organization",
        country=None,
        language="EN-gb",
        name="UN Special Rapporteur",
    )
    assert made.status_code == 201, made.text
    assert made.json()["country"] is None
    assert made.json()["language"] == "en-GB"


async def test_the_same_recipient_twice_is_a_duplicate_whatever_the_case(cast) -> None:  # type: ignore[no-untyped-def]
    assert (await create(cast["coordinator"])).status_code == 201
    again = await create(cast["coordinator"], name="DENMARK — prime minister", country="dk")
    assert again.status_code == 409
    assert again.json()["code"] == "recipient_duplicate"
    # Another kind or country is another recipient.
    assert (await create(cast["coordinator"], kind="ministry")).status_code == 201


async def test_updates_need_the_current_etag(cast) -> None:  # type: ignore[no-untyped-def]
    coordinator = cast["coordinator"]
    made = await create(coordinator)
    url = f"/api/recipients/{made.json()['id']}"
    missing = await coordinator.put(url, json=denmark(salutation="Dear Madam Prime Minister,"))
    assert missing.status_code == 428
    first = await coordinator.put(
        url, json=denmark(salutation="Dear Madam Prime Minister,"), headers={"If-Match": '"1"'}
    )
    assert first.status_code == 200, first.text
    assert first.headers["etag"] == '"2"'
    assert first.json()["salutation"] == "Dear Madam Prime Minister,"
    stale = await coordinator.put(url, json=denmark(), headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.json()["code"] == "version_mismatch"


async def test_filters_and_search_after_decryption(cast) -> None:  # type: ignore[no-untyped-def]
    coordinator = cast["coordinator"]
    await create(coordinator)
    await create(
        coordinator,
        kind="ministry",
        country="LT",
        language="lt",
        name="Lithuania — Foreign Ministry",
        addressee="Minister of Foreign Affairs\nof the Republic of Lithuania",
        email=None,
        tags=["EU", "Baltic"],
    )
    await create(
        coordinator,
        kind="official",
        country="UA",
        language="uk",
        name="Україна — Уповноважений з прав людини",
        addressee="Уповноважений Верховної Ради України з прав людини",
        email=None,
        tags=[],
    )
    names = lambda items: [r["name"] for r in items]  # noqa: E731
    assert names(await listed(coordinator, country="lt")) == ["Lithuania — Foreign Ministry"]
    assert names(await listed(coordinator, kind="government")) == ["Denmark — Prime Minister"]
    assert len(await listed(coordinator, tag="eu")) == 2
    assert names(await listed(coordinator, q="frederiksen")) == ["Denmark — Prime Minister"]
    assert names(await listed(coordinator, q="УПОВНОВАЖЕНИЙ")) == [
        "Україна — Уповноважений з прав людини"
    ]
    assert (await coordinator.get("/api/recipients", params={"country": "1"})).status_code == 422


async def test_archive_keeps_what_dispatches_name_and_delete_refuses_it(cast, session) -> None:  # type: ignore[no-untyped-def]
    coordinator = cast["coordinator"]
    kept = (await create(coordinator)).json()
    spare = (await create(coordinator, name="Denmark — Foreign Ministry")).json()
    # A dispatch to the first (recorded straight into the table: dispatches are another
    # slice's API), so it can only be archived.
    from tests.appeals.conftest import start_appeal

    appeal = await start_appeal(cast)
    session.add(
        Dispatch(
            appeal_id=uuid.UUID(appeal["id"]),
            recipient_id=uuid.UUID(kept["id"]),
            revision_sha256="0" * 64,
            language="en",
            channel="post",
            sent_on=date(2026, 11, 1),
        )
    )
    await session.commit()
    refused = await coordinator.delete(f"/api/recipients/{kept['id']}")
    assert refused.status_code == 409
    assert refused.json()["code"] == "recipient_in_use"
    archived = await coordinator.post(f"/api/recipients/{kept['id']}/archive")
    assert archived.status_code == 200 and archived.json()["archived"] is True
    assert [r["id"] for r in await listed(coordinator)] == [spare["id"]]
    assert [r["id"] for r in await listed(coordinator, state="archived")] == [kept["id"]]
    restored = await coordinator.post(f"/api/recipients/{kept['id']}/restore")
    assert restored.json()["archived"] is False
    assert (await coordinator.delete(f"/api/recipients/{spare['id']}")).status_code == 200
    assert (await coordinator.get(f"/api/recipients/{spare['id']}")).status_code == 404


async def test_groups_members_replaced_with_if_match_and_batched(cast, session) -> None:  # type: ignore[no-untyped-def]
    coordinator = cast["coordinator"]
    dk = (await create(coordinator)).json()
    lt = (
        await create(
            coordinator, country="LT", name="Lithuania — Foreign Ministry", kind="ministry"
        )
    ).json()
    made = await coordinator.post("/api/recipient-groups", json={"name": "EU foreign ministers"})
    assert made.status_code == 201, made.text
    group = made.json()
    taken = await coordinator.post("/api/recipient-groups", json={"name": "eu  FOREIGN ministers"})
    assert taken.status_code == 409
    assert taken.json()["code"] == "recipient_group_name_taken"
    url = f"/api/recipient-groups/{group['id']}/members"
    assert (await coordinator.put(url, json={"recipient_ids": [dk["id"]]})).status_code == 428
    unknown = await coordinator.put(
        url, json={"recipient_ids": [str(uuid.uuid4())]}, headers={"If-Match": made.headers["etag"]}
    )
    assert unknown.status_code == 422 and unknown.json()["code"] == "recipients_unknown"
    set_ = await coordinator.put(
        url,
        json={"recipient_ids": [lt["id"], dk["id"]]},
        headers={"If-Match": made.headers["etag"]},
    )
    assert set_.status_code == 200, set_.text
    assert [r["country"] for r in set_.json()["items"]] == ["DK", "LT"]
    stale = await coordinator.put(
        url, json={"recipient_ids": []}, headers={"If-Match": made.headers["etag"]}
    )
    assert stale.status_code == 412
    assert [r["id"] for r in await listed(coordinator, group_id=group["id"])] == sorted(
        [dk["id"], lt["id"]], key=[dk["id"], lt["id"]].index
    )
    # What the letters and dispatch slices batch over: archived recipients left out.
    await coordinator.post(f"/api/recipients/{lt['id']}/archive")
    batch = await service.list_group_recipients(session, uuid.UUID(group["id"]))
    assert [r.name for r in batch] == ["Denmark — Prime Minister"]
    renamed = await coordinator.patch(
        f"/api/recipient-groups/{group['id']}",
        json={"name": "EU ministers"},
        headers={"If-Match": set_.headers["etag"]},
    )
    assert renamed.status_code == 200, renamed.text
    groups = (await coordinator.get("/api/recipient-groups")).json()["items"]
    assert [(g["name"], g["member_count"]) for g in groups] == [("EU ministers", 2)]
    assert (await coordinator.delete(f"/api/recipient-groups/{group['id']}")).status_code == 200
    assert len(await listed(coordinator, state="all")) == 2


@pytest.mark.parametrize("who", ["a_member", "a_rep", "c_member", "admin"])
async def test_nobody_but_coordinators_reaches_the_registry(cast, who) -> None:  # type: ignore[no-untyped-def]
    made = (await create(cast["coordinator"])).json()
    browser = cast[who]
    for response in (
        await browser.get("/api/recipients"),
        await create(browser, name="Another"),
        await browser.get(f"/api/recipients/{made['id']}"),
        await browser.post(f"/api/recipients/{made['id']}/archive"),
        await browser.post("/api/recipients/import", json={"csv": "kind\n"}),
        await browser.get("/api/recipient-groups"),
    ):
        assert response.status_code == 403, response.text
        assert response.json()["code"] == "permission_denied"


async def test_audit_events_name_fields_and_counts_never_values(cast, session) -> None:  # type: ignore[no-untyped-def]
    coordinator = cast["coordinator"]
    made = await create(coordinator)
    await coordinator.put(
        f"/api/recipients/{made.json()['id']}",
        json=denmark(email="other@example.dk"),
        headers={"If-Match": made.headers["etag"]},
    )
    events = (
        await session.scalars(select(AuditEvent).where(AuditEvent.action.like("recipient%")))
    ).all()
    assert [e.action for e in events] == ["recipient.created", "recipient.updated"]
    for event in events:
        assert "Frederiksen" not in event.details_json and "example.dk" not in event.details_json
    assert json.loads(events[1].details_json) == {"fields": ["email"]}
