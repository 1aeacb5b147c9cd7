"""Comments and suggestions over HTTP: anchored to passages, surviving edits, accepted into
revisions that credit their authors."""

from __future__ import annotations

from sqlalchemy import select

from app.models.outbox import OutboxMessage
from tests.appeals.conftest import read_text, save, start_appeal, with_co_author


async def _shared(cast) -> tuple[str, str, list[dict]]:  # type: ignore[no-untyped-def]
    appeal = await start_appeal(cast)
    await with_co_author(cast, appeal["id"])
    _, blocks = await read_text(cast["b_member"], appeal["id"])
    return appeal["id"], appeal["head_revision_id"], blocks


def _span(text: str, passage: str) -> tuple[int, int]:
    start = text.index(passage)
    return start, start + len(passage)


class TestComments:
    async def test_a_co_author_comments_on_a_passage_that_survives_edits(self, cast) -> None:  # type: ignore[no-untyped-def]
        appeal_id, revision_id, blocks = await _shared(cast)
        preamble = blocks[2]
        start, end = _span(preamble["text"], "held since spring")
        made = await cast["b_member"].post(
            f"/api/appeals/{appeal_id}/comments",
            json={
                "revision_id": revision_id,
                "block_id": preamble["id"],
                "start": start,
                "end": end,
                "body": "Which spring? Give the month.",
            },
        )
        assert made.status_code == 201, made.text
        thread = made.json()["items"][0]
        assert thread["anchor"]["exact"] == "held since spring"
        assert thread["located"] == {"block_id": preamble["id"], "start": start, "end": end}
        assert thread["author"]["name"] == "B Member"
        # An edit before the passage shifts it; the comment follows.
        etag, now = await read_text(cast["a_member"], appeal_id)
        now[2]["text"] = "Today " + now[2]["text"]
        await save(cast["a_member"], appeal_id, etag, now)
        moved = (await cast["b_member"].get(f"/api/appeals/{appeal_id}/comments")).json()["items"][
            0
        ]
        assert moved["located"]["start"] == start + len("Today ")
        assert moved["outdated"] is False
        # Rewriting the passage leaves the comment outdated, shown with its revision.
        etag, now = await read_text(cast["a_member"], appeal_id)
        now[2]["text"] = "We write about the reporters held since March."
        await save(cast["a_member"], appeal_id, etag, now)
        outdated = (await cast["b_member"].get(f"/api/appeals/{appeal_id}/comments")).json()[
            "items"
        ][0]
        assert outdated["outdated"] is True
        assert outdated["located"] is None
        assert outdated["revision_number"] == 1

    async def test_replies_and_resolving(self, cast) -> None:  # type: ignore[no-untyped-def]
        appeal_id, revision_id, blocks = await _shared(cast)
        made = await cast["b_member"].post(
            f"/api/appeals/{appeal_id}/comments",
            json={
                "revision_id": revision_id,
                "block_id": blocks[4]["id"],
                "start": 0,
                "end": 4,
                "body": "Too soft?",
            },
        )
        thread_id = made.json()["items"][0]["id"]
        replied = await cast["a_member"].post(
            f"/api/appeals/{appeal_id}/comments/{thread_id}/replies",
            json={"body": "Agreed, sharpening."},
        )
        assert replied.status_code == 201
        assert [r["body"] for r in replied.json()["items"][0]["replies"]] == ["Agreed, sharpening."]
        resolved = await cast["a_member"].post(
            f"/api/appeals/{appeal_id}/comments/{thread_id}/resolution", json={"resolved": True}
        )
        assert resolved.json()["items"][0]["resolved_by"]["name"] == "A Member"
        reopened = await cast["b_member"].post(
            f"/api/appeals/{appeal_id}/comments/{thread_id}/resolution", json={"resolved": False}
        )
        assert reopened.json()["items"][0]["resolved_at"] is None

    async def test_a_selection_outside_the_block_is_refused(self, cast) -> None:  # type: ignore[no-untyped-def]
        appeal_id, revision_id, blocks = await _shared(cast)
        for start, end, block_id in (
            (0, 10_000, blocks[4]["id"]),
            (5, 5, blocks[4]["id"]),
            (0, 3, "zzzzzzzzzzzz"),
        ):
            response = await cast["b_member"].post(
                f"/api/appeals/{appeal_id}/comments",
                json={
                    "revision_id": revision_id,
                    "block_id": block_id,
                    "start": start,
                    "end": end,
                    "body": "x",
                },
            )
            assert response.status_code == 422, (start, end)

    async def test_a_mention_emails_only_people_inside_the_appeal(self, cast, session) -> None:  # type: ignore[no-untyped-def]
        appeal_id, revision_id, blocks = await _shared(cast)
        comment = {
            "revision_id": revision_id,
            "block_id": blocks[4]["id"],
            "start": 0,
            "end": 4,
            "body": "See this",
        }
        outsider = await cast["b_member"].post(
            f"/api/appeals/{appeal_id}/comments",
            json={**comment, "mentions": [str(cast.people["c_member"].id)]},
        )
        assert outsider.status_code == 422
        assert outsider.json()["code"] == "mention_not_allowed"
        inside = await cast["b_member"].post(
            f"/api/appeals/{appeal_id}/comments",
            json={**comment, "mentions": [str(cast.people["a_member"].id)]},
        )
        assert inside.status_code == 201
        mails = (
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == "appeal_mention")
            )
        ).all()
        assert [m.recipient for m in mails] == [cast.people["a_member"].email]
        assert "See this" not in mails[0].body

    async def test_the_people_one_may_mention_are_exactly_those_inside(self, cast, session) -> None:  # type: ignore[no-untyped-def]
        appeal_id, revision_id, blocks = await _shared(cast)
        # C is invited, not yet writing: its representative reads to decide, its member not.
        invited = await cast["a_rep"].post(
            f"/api/appeals/{appeal_id}/co-authors", json={"organization_id": str(cast.org_c.id)}
        )
        assert invited.status_code == 201, invited.text
        listed = await cast["b_member"].get(f"/api/appeals/{appeal_id}/mentionable")
        assert listed.status_code == 200, listed.text
        people = listed.json()["items"]
        # Not the caller, not the outside member, not the admin who is in no organization.
        assert [p["name"] for p in people] == ["A Member", "A Rep", "B Rep", "C Rep", "Coordinator"]
        assert all(set(p) == {"id", "name"} for p in people)  # names only, never an address
        assert cast.people["a_member"].email not in listed.text
        # Everyone listed can be mentioned: the list and the check agree.
        made = await cast["b_member"].post(
            f"/api/appeals/{appeal_id}/comments",
            json={
                "revision_id": revision_id,
                "block_id": blocks[4]["id"],
                "start": 0,
                "end": 4,
                "body": "Please look",
                "mentions": [p["id"] for p in people],
            },
        )
        assert made.status_code == 201, made.text
        mails = await session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "appeal_mention")
        )
        assert sorted(m.recipient for m in mails) == sorted(
            cast.people[who].email for who in ("a_member", "a_rep", "b_rep", "c_rep", "coordinator")
        )

    async def test_the_list_follows_who_still_sees_the_appeal(self, cast) -> None:  # type: ignore[no-untyped-def]
        appeal_id, _, _ = await _shared(cast)
        left = await cast["b_rep"].post(
            f"/api/appeals/{appeal_id}/co-authors/{cast.org_b.id}/decision",
            json={"decision": "leave"},
        )
        assert left.status_code == 200, left.text
        people = (await cast["a_member"].get(f"/api/appeals/{appeal_id}/mentionable")).json()
        assert [p["name"] for p in people["items"]] == ["A Rep", "Coordinator"]
        # Whoever left sees nothing, not even who is inside.
        gone = await cast["b_member"].get(f"/api/appeals/{appeal_id}/mentionable")
        assert gone.status_code == 404


class TestSuggestions:
    async def test_an_accepted_suggestion_becomes_a_revision_crediting_its_author(
        self, cast, session
    ) -> None:  # type: ignore[no-untyped-def]
        appeal_id, revision_id, blocks = await _shared(cast)
        ask = blocks[4]
        start, end = _span(ask["text"], "Call for")
        made = await cast["b_member"].post(
            f"/api/appeals/{appeal_id}/suggestions",
            json={
                "revision_id": revision_id,
                "note": "Stronger verb",
                "change": {
                    "kind": "replace",
                    "block_id": ask["id"],
                    "start": start,
                    "end": end,
                    "replacement": "Demand",
                },
            },
        )
        assert made.status_code == 201, made.text
        suggestion = made.json()["items"][0]
        assert suggestion["change"]["exact"] == "Call for"
        assert (
            await cast["b_member"].post(
                f"/api/appeals/{appeal_id}/suggestions/{suggestion['id']}/accept"
            )
        ).status_code == 403
        accepted = await cast["a_member"].post(
            f"/api/appeals/{appeal_id}/suggestions/{suggestion['id']}/accept"
        )
        assert accepted.status_code == 200, accepted.text
        assert accepted.json()["items"][0]["status"] == "accepted"
        assert accepted.json()["items"][0]["result_revision_number"] == 2
        text = (await cast["a_member"].get(f"/api/appeals/{appeal_id}/text")).json()
        assert text["blocks"][4]["text"].startswith("Demand the release")
        assert text["revision"]["credited"]["name"] == "B Member"
        assert text["revision"]["author"]["name"] == "A Member"
        mails = (
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == "appeal_suggestion_decided")
            )
        ).all()
        assert [m.recipient for m in mails] == [cast.people["b_member"].email]
        again = await cast["a_member"].post(
            f"/api/appeals/{appeal_id}/suggestions/{suggestion['id']}/accept"
        )
        assert again.json()["code"] == "suggestion_decided"

    async def test_a_rejected_suggestion_keeps_its_reason(self, cast) -> None:  # type: ignore[no-untyped-def]
        appeal_id, revision_id, blocks = await _shared(cast)
        made = await cast["b_member"].post(
            f"/api/appeals/{appeal_id}/suggestions",
            json={
                "revision_id": revision_id,
                "change": {
                    "kind": "insert",
                    "after_block_id": blocks[5]["id"],
                    "block_kind": "ask",
                    "text": "Visit the prisons.",
                },
            },
        )
        sid = made.json()["items"][0]["id"]
        rejected = await cast["a_member"].post(
            f"/api/appeals/{appeal_id}/suggestions/{sid}/reject",
            json={"reason": "Out of scope for this letter"},
        )
        item = rejected.json()["items"][0]
        assert item["status"] == "rejected"
        assert item["reason"] == "Out of scope for this letter"
        assert item["decided_by"]["name"] == "A Member"

    async def test_a_suggestion_whose_passage_changed_is_outdated(self, cast) -> None:  # type: ignore[no-untyped-def]
        appeal_id, revision_id, blocks = await _shared(cast)
        made = await cast["b_member"].post(
            f"/api/appeals/{appeal_id}/suggestions",
            json={
                "revision_id": revision_id,
                "change": {"kind": "remove", "block_id": blocks[5]["id"]},
            },
        )
        sid = made.json()["items"][0]["id"]
        etag, now = await read_text(cast["a_member"], appeal_id)
        await save(
            cast["a_member"], appeal_id, etag, [b for b in now if b["id"] != blocks[5]["id"]]
        )
        listed = (await cast["a_member"].get(f"/api/appeals/{appeal_id}/suggestions")).json()[
            "items"
        ]
        assert listed[0]["outdated"] is True
        accepted = await cast["a_member"].post(f"/api/appeals/{appeal_id}/suggestions/{sid}/accept")
        assert accepted.status_code == 409
        assert accepted.json()["code"] == "suggestion_outdated"
