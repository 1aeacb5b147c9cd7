"""Appeals under concurrent requests: two real server processes on one database.

Every request of a burst is sent at once and spread over both processes, so the rules hold
where the row locks and constraints are, not in one process's memory. They run on both
databases (the harness starts real servers on SQLite too, where BEGIN IMMEDIATE queues the
writers); PostgreSQL is where requests really interleave (CI runs both).
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.appeals import repository as appeals_repo
from app.appeals.service import verify_appeal_chain
from app.appeals.text.blocks import new_block_id
from app.auth.sessions.service import csrf_token, open_session
from app.config import SessionSettings
from app.db import create_engine, create_sessionmaker, unit_of_work
from app.models.memberships import Membership, Organization
from app.models.users import PlatformRole, User
from tests.auth.factories import make_user

Headers = dict[str, str]


async def _signed_in(session: AsyncSession, user: User) -> Headers:
    issued = await open_session(
        session,
        user_id=user.id,
        method="password",
        now=datetime.now(UTC),
        settings=SessionSettings(),
        user_agent="test",
        second_factor=True,
    )
    return {
        "cookie": f"__Host-accord_session={issued.token}",
        "x-csrf-token": csrf_token(issued.token),
    }


async def _organization(session: AsyncSession, name: str) -> Organization:
    organization = Organization(country="LT")
    organization.name = name
    organization.short_name = name[:8]
    session.add(organization)
    await session.flush()
    return organization


class World:
    """Organizations A (lead) and B (co-author), two members and two representatives of
    each, signed in on servers that share ``database_url``."""

    def __init__(self, database_url: str, servers: list[str]) -> None:
        self.database_url = database_url
        self.servers = servers
        self.headers: dict[str, Headers] = {}
        self.org_a: uuid.UUID
        self.org_b: uuid.UUID

    async def build(self) -> World:
        engine = create_engine(self.database_url)
        try:
            async with unit_of_work(create_sessionmaker(engine)) as session:
                a = await _organization(session, "Lead Association")
                b = await _organization(session, "Second Union")
                self.org_a, self.org_b = a.id, b.id
                plan = {
                    "a_member": (a, "member"),
                    "a_member2": (a, "member"),
                    "a_rep": (a, "representative"),
                    "a_rep2": (a, "representative"),
                    "b_rep": (b, "representative"),
                    "b_rep2": (b, "representative"),
                }
                for name, (organization, role) in plan.items():
                    user = await make_user(session, display_name=name)
                    session.add(
                        Membership(user_id=user.id, organization_id=organization.id, role=role)
                    )
                    self.headers[name] = await _signed_in(session, user)
                coordinator = await make_user(
                    session, roles=frozenset({PlatformRole.COORDINATOR}), display_name="co"
                )
                self.headers["coordinator"] = await _signed_in(session, coordinator)
        finally:
            await engine.dispose()
        return self

    def url(self, i: int, path: str) -> str:
        return self.servers[i % len(self.servers)] + path

    async def call(
        self, http: httpx.AsyncClient, who: str, method: str, path: str, i: int = 0, **kw: Any
    ) -> httpx.Response:
        headers = {**self.headers[who], **kw.pop("headers", {})}
        return await http.request(method, self.url(i, path), headers=headers, **kw)

    async def ok(self, http: httpx.AsyncClient, who: str, method: str, path: str, **kw: Any) -> Any:
        response = await self.call(http, who, method, path, **kw)
        assert response.status_code in (200, 201), response.text
        return response


def _blocks(paragraphs: int = 3) -> list[dict[str, str]]:
    return [
        {"id": new_block_id(), "kind": "title", "text": "Free the imprisoned reporters"},
        *(
            {"id": new_block_id(), "kind": "paragraph", "text": f"Paragraph {n}."}
            for n in range(paragraphs)
        ),
        {"id": new_block_id(), "kind": "ask", "text": "Release every reporter."},
    ]


async def _start(http: httpx.AsyncClient, world: World, blocks: list[dict[str, str]]) -> str:
    made = await world.ok(
        http,
        "a_member",
        "POST",
        "/api/appeals",
        json={"lead_organization_id": str(world.org_a), "title": "Raced", "blocks": blocks},
    )
    return str(made.json()["id"])


async def _text(http: httpx.AsyncClient, world: World, appeal: str) -> tuple[str, Any]:
    read = await world.ok(http, "a_member", "GET", f"/api/appeals/{appeal}/text")
    return read.headers["etag"], read.json()


def _no_server_error(responses: list[httpx.Response]) -> None:
    for response in responses:
        assert response.status_code < 500, response.text


def _changed(blocks: list[dict[str, str]], index: int, text: str) -> list[dict[str, str]]:
    return [{**b, "text": text} if i == index else b for i, b in enumerate(blocks)]


async def _chain_problems(database_url: str, appeal: str) -> list[str]:
    engine = create_engine(database_url)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            return await verify_appeal_chain(session, uuid.UUID(appeal))
    finally:
        await engine.dispose()


async def test_two_saves_of_the_same_block_at_once_one_wins_one_gets_412(
    two_servers, fresh_database_url
) -> None:  # type: ignore[no-untyped-def]
    world = await World(fresh_database_url, two_servers).build()
    async with httpx.AsyncClient(timeout=60) as http:
        for round_ in range(5):
            blocks = _blocks()
            appeal = await _start(http, world, blocks)
            etag, _ = await _text(http, world, appeal)
            mine = _changed(blocks, 1, f"Mine, round {round_}.")
            theirs = _changed(blocks, 1, f"Theirs, round {round_}.")
            responses = await asyncio.gather(
                *(
                    world.call(
                        http,
                        who,
                        "PUT",
                        f"/api/appeals/{appeal}/text",
                        i=i,
                        json={"blocks": text},
                        headers={"if-match": etag},
                    )
                    for i, (who, text) in enumerate((("a_member", mine), ("a_member2", theirs)))
                )
            )
            _no_server_error(responses)
            assert sorted(r.status_code for r in responses) == [200, 412], [
                r.text for r in responses
            ]
            winner = next(r for r in responses if r.status_code == 200)
            loser = next(r for r in responses if r.status_code == 412)
            assert loser.json()["code"] == "edit_conflict"
            assert loser.json()["conflicts"] == [blocks[1]["id"]]
            # The 412 carries the head as it is now: the winner's text, and its ETag.
            assert loser.json()["current"]["blocks"] == winner.json()["blocks"]
            assert loser.headers["etag"] == winner.headers["etag"]
            head_etag, head = await _text(http, world, appeal)
            assert head_etag == winner.headers["etag"]
            assert head["blocks"] == winner.json()["blocks"]
            assert head["revision"]["number"] == 2
            assert await _chain_problems(fresh_database_url, appeal) == []


async def test_two_saves_of_different_blocks_at_once_are_both_kept(
    two_servers, fresh_database_url
) -> None:  # type: ignore[no-untyped-def]
    world = await World(fresh_database_url, two_servers).build()
    async with httpx.AsyncClient(timeout=60) as http:
        for round_ in range(5):
            blocks = _blocks()
            appeal = await _start(http, world, blocks)
            etag, _ = await _text(http, world, appeal)
            first = _changed(blocks, 1, f"First editor, round {round_}.")
            second = _changed(blocks, 2, f"Second editor, round {round_}.")
            responses = await asyncio.gather(
                *(
                    world.call(
                        http,
                        who,
                        "PUT",
                        f"/api/appeals/{appeal}/text",
                        i=i,
                        json={"blocks": text},
                        headers={"if-match": etag},
                    )
                    for i, (who, text) in enumerate((("a_member", first), ("a_member2", second)))
                )
            )
            _no_server_error(responses)
            assert [r.status_code for r in responses] == [200, 200], [r.text for r in responses]
            # Exactly one of them came second and was merged onto the other.
            assert sorted(r.json()["revision"]["merged"] for r in responses) == [False, True]
            _, head = await _text(http, world, appeal)
            assert head["revision"]["number"] == 3
            texts = [b["text"] for b in head["blocks"]]
            assert texts[1] == f"First editor, round {round_}."
            assert texts[2] == f"Second editor, round {round_}."
            assert await _chain_problems(fresh_database_url, appeal) == []


async def test_many_saves_at_once_number_revisions_without_gaps_and_the_chain_holds(
    two_servers, fresh_database_url
) -> None:  # type: ignore[no-untyped-def]
    world = await World(fresh_database_url, two_servers).build()
    saves = 24
    async with httpx.AsyncClient(timeout=120) as http:
        blocks = _blocks(paragraphs=saves)
        appeal = await _start(http, world, blocks)
        etag, _ = await _text(http, world, appeal)
        # Every save from the same base, each changing its own paragraph: each merges onto
        # whatever was saved before it, so every one is kept.
        responses = await asyncio.gather(
            *(
                world.call(
                    http,
                    ("a_member", "a_member2", "a_rep", "coordinator")[i % 4],
                    "PUT",
                    f"/api/appeals/{appeal}/text",
                    i=i,
                    json={"blocks": _changed(blocks, i + 1, f"Edit {i}.")},
                    headers={"if-match": etag},
                )
                for i in range(saves)
            )
        )
        _no_server_error(responses)
        assert Counter(r.status_code for r in responses) == {200: saves}
        numbers = sorted(r.json()["revision"]["number"] for r in responses)
        assert numbers == list(range(2, saves + 2))
        _, head = await _text(http, world, appeal)
        assert head["revision"]["number"] == saves + 1
        assert [b["text"] for b in head["blocks"][1 : saves + 1]] == [
            f"Edit {i}." for i in range(saves)
        ]
        listed = await world.ok(
            http, "a_member", "GET", f"/api/appeals/{appeal}/revisions", params={"limit": 100}
        )
        assert sorted(r["number"] for r in listed.json()["items"]) == list(range(1, saves + 2))
    assert await _chain_problems(fresh_database_url, appeal) == []


async def _in_review_with_b(http: httpx.AsyncClient, world: World) -> tuple[str, str]:
    """An appeal A leads and B co-authors, in review; (id, head sha256)."""
    appeal = await _start(http, world, _blocks())
    base = f"/api/appeals/{appeal}"
    await world.ok(
        http, "a_rep", "POST", f"{base}/co-authors", json={"organization_id": str(world.org_b)}
    )
    await world.ok(
        http,
        "b_rep",
        "POST",
        f"{base}/co-authors/{world.org_b}/decision",
        json={"decision": "accept"},
    )
    await world.ok(
        http, "a_member", "POST", f"{base}/transitions", json={"action": "submit_for_review"}
    )
    read = await world.ok(http, "a_member", "GET", base)
    return appeal, read.json()["head_sha256"]


async def _approvals(database_url: str, appeal: str) -> list[Any]:
    engine = create_engine(database_url)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            return await appeals_repo.approvals_for(session, uuid.UUID(appeal))
    finally:
        await engine.dispose()


async def test_both_organizations_approving_at_once_approve_the_appeal(
    two_servers, fresh_database_url
) -> None:  # type: ignore[no-untyped-def]
    """Each approval sees the other's (the appeal's row lock): the round completes, and two
    representatives of one organization approving together leave one approval."""
    world = await World(fresh_database_url, two_servers).build()
    async with httpx.AsyncClient(timeout=60) as http:
        for _ in range(4):
            appeal, sha = await _in_review_with_b(http, world)
            approvers = [
                ("a_rep", world.org_a),
                ("b_rep", world.org_b),
                ("a_rep2", world.org_a),
                ("b_rep2", world.org_b),
            ]
            responses = await asyncio.gather(
                *(
                    world.call(
                        http,
                        who,
                        "POST",
                        f"/api/appeals/{appeal}/approvals",
                        i=i,
                        json={"organization_id": str(organization), "sha256": sha},
                    )
                    for i, (who, organization) in enumerate(approvers)
                )
            )
            _no_server_error(responses)
            for response in responses:
                # Once the round completed, a late approval is told the appeal moved on.
                assert response.status_code == 200 or (
                    response.status_code == 409 and response.json()["code"] == "transition_refused"
                ), response.text
            read = await world.ok(http, "a_member", "GET", f"/api/appeals/{appeal}")
            assert read.json()["state"] == "approved"
            assert all(p["approved"] for p in read.json()["participants"])
            approvals = await _approvals(fresh_database_url, appeal)
            assert Counter(a.organization_id for a in approvals) == {
                world.org_a: 1,
                world.org_b: 1,
            }
            assert {a.sha256 for a in approvals} == {sha}


async def test_one_suggestion_accepted_by_many_at_once_is_applied_once(
    two_servers, fresh_database_url
) -> None:  # type: ignore[no-untyped-def]
    world = await World(fresh_database_url, two_servers).build()
    deciders = ("a_member", "a_member2", "a_rep", "a_rep2", "coordinator")
    async with httpx.AsyncClient(timeout=60) as http:
        for _ in range(3):
            blocks = _blocks()
            appeal = await _start(http, world, blocks)
            base = f"/api/appeals/{appeal}"
            _, text = await _text(http, world, appeal)
            suggested = await world.ok(
                http,
                "a_member",
                "POST",
                f"{base}/suggestions",
                json={
                    "revision_id": text["revision"]["id"],
                    "change": {
                        "kind": "replace",
                        "block_id": blocks[1]["id"],
                        "start": 0,
                        "end": 9,
                        "replacement": "Sentence",
                    },
                },
            )
            suggestion = suggested.json()["items"][0]["id"]
            responses = await asyncio.gather(
                *(
                    world.call(http, who, "POST", f"{base}/suggestions/{suggestion}/accept", i=i)
                    for i, who in enumerate(deciders * 2)
                )
            )
            _no_server_error(responses)
            counts = Counter(r.status_code for r in responses)
            assert counts == {200: 1, 409: len(deciders) * 2 - 1}, [r.text for r in responses]
            assert {r.json()["code"] for r in responses if r.status_code == 409} == {
                "suggestion_decided"
            }
            _, head = await _text(http, world, appeal)
            assert head["revision"]["number"] == 2  # one new revision, not one per request
            assert head["blocks"][1]["text"] == "Sentence 0."
            listed = await world.ok(http, "a_member", "GET", f"{base}/suggestions")
            (only,) = listed.json()["items"]
            assert only["status"] == "accepted"
            assert only["result_revision_number"] == 2
            assert await _chain_problems(fresh_database_url, appeal) == []


async def test_accepting_and_rejecting_one_suggestion_at_once_decides_it_once(
    two_servers, fresh_database_url
) -> None:  # type: ignore[no-untyped-def]
    world = await World(fresh_database_url, two_servers).build()
    async with httpx.AsyncClient(timeout=60) as http:
        for _ in range(3):
            blocks = _blocks()
            appeal = await _start(http, world, blocks)
            base = f"/api/appeals/{appeal}"
            _, text = await _text(http, world, appeal)
            suggested = await world.ok(
                http,
                "a_member",
                "POST",
                f"{base}/suggestions",
                json={
                    "revision_id": text["revision"]["id"],
                    "change": {"kind": "remove", "block_id": blocks[2]["id"]},
                },
            )
            suggestion = suggested.json()["items"][0]["id"]
            requests = [
                ("accept", None) if i % 2 else ("reject", {"reason": "Not this one"})
                for i in range(6)
            ]
            responses = await asyncio.gather(
                *(
                    world.call(
                        http,
                        "a_rep" if i % 2 else "a_member2",
                        "POST",
                        f"{base}/suggestions/{suggestion}/{verb}",
                        i=i,
                        json=body,
                    )
                    for i, (verb, body) in enumerate(requests)
                )
            )
            _no_server_error(responses)
            assert Counter(r.status_code for r in responses) == {200: 1, 409: 5}
            listed = await world.ok(http, "a_member", "GET", f"{base}/suggestions")
            (only,) = listed.json()["items"]
            _, head = await _text(http, world, appeal)
            # Accepted: one new revision; rejected: none.
            assert head["revision"]["number"] == (2 if only["status"] == "accepted" else 1)


async def test_naming_and_removing_one_editor_at_once_leaves_one_answer_each(
    two_servers, fresh_database_url
) -> None:  # type: ignore[no-untyped-def]
    """The same person named editor by several requests at once is named once (no unique
    violation surfacing as 500); removed by several at once, one removal wins and the rest
    are told there is no such editor."""
    world = await World(fresh_database_url, two_servers).build()
    async with httpx.AsyncClient(timeout=60) as http:
        appeal = await _start(http, world, _blocks())
        base = f"/api/appeals/{appeal}"
        person = (await world.ok(http, "a_member2", "GET", "/api/auth/session")).json()
        user_id = person["user"]["id"]
        added = await asyncio.gather(
            *(
                world.call(
                    http,
                    ("a_rep", "a_rep2", "coordinator")[i % 3],
                    "POST",
                    f"{base}/editors",
                    i=i,
                    json={"user_id": user_id},
                )
                for i in range(8)
            )
        )
        _no_server_error(added)
        assert Counter(r.status_code for r in added) == {200: 8}, [r.text for r in added]
        read = await world.ok(http, "a_member", "GET", base)
        assert [e["id"] for e in read.json()["editors"]] == [user_id]
        removed = await asyncio.gather(
            *(
                world.call(
                    http,
                    ("a_rep", "a_rep2", "coordinator")[i % 3],
                    "DELETE",
                    f"{base}/editors/{user_id}",
                    i=i,
                )
                for i in range(8)
            )
        )
        _no_server_error(removed)
        assert Counter(r.status_code for r in removed) == {200: 1, 404: 7}, [
            r.text for r in removed
        ]
        assert {r.json()["code"] for r in removed if r.status_code == 404} == {"user_not_found"}


async def test_a_mixed_burst_on_one_appeal_gets_answers_not_errors(
    two_servers, fresh_database_url
) -> None:  # type: ignore[no-untyped-def]
    """Saves, comments, suggestions, their decisions, translations and approvals of one
    appeal, all at once: every request is answered (no deadlock or lost lock surfacing as
    a 5xx) and the revision chain still verifies."""
    world = await World(fresh_database_url, two_servers).build()
    async with httpx.AsyncClient(timeout=120) as http:
        appeal, sha = await _in_review_with_b(http, world)
        base = f"/api/appeals/{appeal}"
        etag, text = await _text(http, world, appeal)
        blocks = text["blocks"]
        revision_id = text["revision"]["id"]
        suggestions = []
        for n in range(3):
            made = await world.ok(
                http,
                "b_rep",
                "POST",
                f"{base}/suggestions",
                json={
                    "revision_id": revision_id,
                    "change": {
                        "kind": "insert",
                        "after_block_id": blocks[1]["id"],
                        "block_kind": "paragraph",
                        "text": f"Inserted {n}.",
                    },
                },
            )
            suggestions.append(made.json()["items"][-1]["id"])
        calls: list[tuple[str, str, str, dict[str, Any]]] = []
        for n in range(4):
            calls.append(
                (
                    ("a_member", "a_member2")[n % 2],
                    "PUT",
                    "/text",
                    {
                        "json": {"blocks": _changed(blocks, 1 + n % 3, f"Burst edit {n}.")},
                        "headers": {"if-match": etag},
                    },
                )
            )
        for n in range(4):
            comment = {
                "revision_id": revision_id,
                "block_id": blocks[1]["id"],
                "start": 0,
                "end": 5,
                "body": f"Remark {n}",
            }
            calls.append(("b_rep2", "POST", "/comments", {"json": comment}))
        for suggestion in suggestions:
            calls.append(("a_rep", "POST", f"/suggestions/{suggestion}/accept", {}))
            calls.append(
                (
                    "a_member2",
                    "POST",
                    f"/suggestions/{suggestion}/reject",
                    {"json": {"reason": "No"}},
                )
            )
        for who, organization in (("a_rep", world.org_a), ("b_rep", world.org_b)):
            calls.append(
                (
                    who,
                    "POST",
                    "/approvals",
                    {"json": {"organization_id": str(organization), "sha256": sha}},
                )
            )
        calls.append(("a_member", "POST", "/translations", {"json": {"language": "be"}}))
        calls.append(("a_member2", "POST", "/translations", {"json": {"language": "be"}}))
        calls.append(("a_member", "POST", "/transitions", {"json": {"action": "return_to_draft"}}))
        responses = await asyncio.gather(
            *(
                world.call(http, who, method, base + path, i=i, **kw)
                for i, (who, method, path, kw) in enumerate(calls)
            )
        )
        _no_server_error(responses)
        for response in responses:
            assert response.status_code in (200, 201, 409, 412), response.text
    assert await _chain_problems(fresh_database_url, appeal) == []
