"""Review, approvals and the lifecycle over HTTP: approvals bind to one exact hash, a new
revision resets them, opening freezes the text."""

from __future__ import annotations

from sqlalchemy import select

from app.models.appeals import AppealApproval
from app.models.outbox import OutboxMessage
from tests.appeals.conftest import (
    approve_all,
    open_for_signing,
    read_text,
    save,
    start_appeal,
    transition,
    with_co_author,
)
from tests.support.people import actions


async def _in_review(cast) -> dict:  # type: ignore[no-untyped-def]
    appeal = await start_appeal(cast)
    await with_co_author(cast, appeal["id"])
    response = await transition(cast, "a_member", appeal["id"], "submit_for_review")
    assert response.status_code == 200, response.text
    return response.json()


async def _emails(session, kind: str) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    return list(
        (await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind))).all()
    )


class TestApprovals:
    async def test_review_asks_each_writing_organization_by_email(self, cast, session) -> None:  # type: ignore[no-untyped-def]
        appeal = await _in_review(cast)
        assert appeal["state"] == "review"
        mails = await _emails(session, "appeal_approval_requested")
        assert sorted(m.recipient for m in mails) == sorted(
            [cast.people["a_rep"].email, cast.people["b_rep"].email]
        )
        for mail in mails:
            assert f"/appeals/{appeal['id']}" in mail.body
            assert "reporters" not in mail.body and "Lead Association" not in mail.body

    async def test_both_representatives_approve_and_the_appeal_is_approved(
        self, cast, session
    ) -> None:  # type: ignore[no-untyped-def]
        appeal = await _in_review(cast)
        final = await approve_all(cast, appeal["id"])
        assert final["state"] == "approved"
        assert all(p["approved"] for p in final["participants"])
        assert "appeal.approved" in await actions(session)

    async def test_an_approval_of_an_old_hash_is_refused(self, cast) -> None:  # type: ignore[no-untyped-def]
        appeal = await _in_review(cast)
        response = await cast["a_rep"].post(
            f"/api/appeals/{appeal['id']}/approvals",
            json={"organization_id": str(cast.org_a.id), "sha256": "a" * 64},
        )
        assert response.status_code == 409
        assert response.json()["code"] == "approval_not_current"

    async def test_only_a_representative_approves_and_only_for_their_organization(
        self, cast
    ) -> None:  # type: ignore[no-untyped-def]
        appeal = await _in_review(cast)
        sha = appeal["head_sha256"]
        for who, org in (("a_member", cast.org_a), ("a_rep", cast.org_b), ("b_rep", cast.org_a)):
            response = await cast[who].post(
                f"/api/appeals/{appeal['id']}/approvals",
                json={"organization_id": str(org.id), "sha256": sha},
            )
            assert response.status_code == 403, who

    async def test_a_new_revision_resets_approvals_which_stay_recorded(self, cast, session) -> None:  # type: ignore[no-untyped-def]
        appeal = await _in_review(cast)
        first_sha = appeal["head_sha256"]
        approved = await cast["b_rep"].post(
            f"/api/appeals/{appeal['id']}/approvals",
            json={"organization_id": str(cast.org_b.id), "sha256": first_sha},
        )
        assert [p["approved"] for p in approved.json()["participants"]] == [False, True]
        etag, blocks = await read_text(cast["a_member"], appeal["id"])
        blocks[2]["text"] = "A late change in review."
        assert (await save(cast["a_member"], appeal["id"], etag, blocks)).status_code == 200
        after = (await cast["a_rep"].get(f"/api/appeals/{appeal['id']}")).json()
        assert not any(p["approved"] for p in after["participants"])
        kept = (await session.scalars(select(AppealApproval.sha256))).all()
        assert kept == [first_sha]
        assert await _emails(session, "appeal_approvals_reset")


class TestLifecycle:
    async def test_opening_freezes_the_text_and_refuses_every_save(self, cast) -> None:  # type: ignore[no-untyped-def]
        appeal = await _in_review(cast)
        await approve_all(cast, appeal["id"])
        refused = await transition(cast, "a_rep", appeal["id"], "open")
        assert refused.status_code == 403
        without_window = await transition(cast, "coordinator", appeal["id"], "open")
        assert without_window.status_code == 409
        assert without_window.json()["code"] == "signing_window_missing"
        opened = await open_for_signing(cast, appeal["id"])
        assert opened.status_code == 201, opened.text
        assert opened.json()["state"] == "open"
        assert opened.json()["revision_sha256"] == appeal["head_sha256"]
        etag, blocks = await read_text(cast["a_member"], appeal["id"])
        blocks[2]["text"] = "Trying to change the frozen text."
        for who in ("a_member", "coordinator"):
            response = await save(cast[who], appeal["id"], etag, blocks)
            assert response.status_code == 409, who
            assert response.json()["code"] == "text_frozen"

    async def test_an_open_appeal_goes_back_to_review_for_a_change(self, cast) -> None:  # type: ignore[no-untyped-def]
        appeal = await _in_review(cast)
        await approve_all(cast, appeal["id"])
        assert (await open_for_signing(cast, appeal["id"])).status_code == 201
        back = await transition(cast, "coordinator", appeal["id"], "reopen_review")
        assert back.json()["state"] == "review"
        assert back.json()["frozen_sha256"] is None
        etag, blocks = await read_text(cast["a_member"], appeal["id"])
        blocks[2]["text"] = "A correction after opening."
        assert (await save(cast["coordinator"], appeal["id"], etag, blocks)).status_code == 200
        final = await approve_all(cast, appeal["id"])
        assert final["state"] == "approved"
        assert final["head_number"] == 2

    async def test_opening_needs_every_approval(self, cast) -> None:  # type: ignore[no-untyped-def]
        appeal = await _in_review(cast)
        response = await transition(cast, "coordinator", appeal["id"], "approve_complete")
        assert response.status_code == 409
        assert response.json()["code"] == "approvals_missing"

    async def test_refused_transitions_say_so(self, cast) -> None:  # type: ignore[no-untyped-def]
        appeal = await start_appeal(cast)
        response = await transition(cast, "coordinator", appeal["id"], "close")
        assert response.status_code == 409
        assert response.json()["code"] == "transition_refused"

    async def test_withdrawing_takes_the_lead_representative(self, cast, session) -> None:  # type: ignore[no-untyped-def]
        appeal = await start_appeal(cast)
        assert (await transition(cast, "a_member", appeal["id"], "withdraw")).status_code == 403
        response = await transition(cast, "a_rep", appeal["id"], "withdraw")
        assert response.json()["state"] == "withdrawn"
        assert "appeal.state_changed" in await actions(session)

    async def test_the_actions_offered_are_those_the_caller_may_take(self, cast) -> None:  # type: ignore[no-untyped-def]
        appeal = await start_appeal(cast)
        member = (await cast["a_member"].get(f"/api/appeals/{appeal['id']}")).json()
        assert member["actions"] == ["submit_for_review"]
        rep = (await cast["a_rep"].get(f"/api/appeals/{appeal['id']}")).json()
        assert set(rep["actions"]) == {"submit_for_review", "withdraw"}


class TestActivity:
    async def test_activity_lists_who_did_what_without_text(self, cast) -> None:  # type: ignore[no-untyped-def]
        appeal = await _in_review(cast)
        items = (await cast["b_member"].get(f"/api/appeals/{appeal['id']}/activity")).json()[
            "items"
        ]
        names = [i["action"] for i in items]
        assert names[0] == "appeal.state_changed"
        assert names[-1] == "appeal.created"
        assert "appeal.co_author_invited" in names
        invited = next(i for i in items if i["action"] == "appeal.co_author_invited")
        assert invited["actor"]["name"] == "A Rep"
        assert invited["details"]["organization_name"] == "Second Union"
        assert "reporters" not in str(items)
