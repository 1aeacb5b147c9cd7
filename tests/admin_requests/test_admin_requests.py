"""Admin is granted only by two admins: one asks, a different one approves."""

from __future__ import annotations

from datetime import timedelta

from tests.support.admin_session import ADMIN
from tests.support.people import actions, make_person
from tests.support.signed_out import signed_out


async def _requested(session, browser):  # type: ignore[no-untyped-def]
    candidate = await make_person(session, display_name="Candidate")
    response = await browser.post("/api/admin-requests", json={"user_id": str(candidate.id)})
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "pending"
    return candidate, response.json()


class TestTwoPersonRule:
    async def test_the_requester_cannot_approve_but_a_second_admin_can(
        self, session, browse, signed_in_admin
    ) -> None:  # type: ignore[no-untyped-def]
        candidate, request = await _requested(session, signed_in_admin)
        candidate_browser = await browse(candidate)

        own = await signed_in_admin.post(f"/api/admin-requests/{request['id']}/approve")
        assert own.status_code == 403
        assert own.json()["code"] == "second_admin_required"

        second = await browse(await make_person(session, roles=ADMIN, display_name="Admin Two"))
        approved = await second.post(f"/api/admin-requests/{request['id']}/approve")
        assert approved.status_code == 200, approved.text
        assert approved.json()["status"] == "approved"

        # The new admin signs in again (old session ended) and must enrol a second factor.
        assert await signed_out(candidate_browser)
        info = (await (await browse(candidate)).get("/api/auth/session")).json()
        assert info["user"]["platform_roles"] == ["admin"]
        assert info["state"] == "enrolment_required"

        trail = await actions(session)
        for action in (
            "admin_grant_request.created",
            "admin_grant_request.approved",
            "platform_role.granted",
        ):
            assert action in trail

        twice = await second.post(f"/api/admin-requests/{request['id']}/approve")
        assert twice.status_code == 409
        assert twice.json()["code"] == "admin_grant_request_closed"

    async def test_the_requester_may_withdraw_by_rejecting(self, session, signed_in_admin) -> None:  # type: ignore[no-untyped-def]
        candidate, request = await _requested(session, signed_in_admin)
        rejected = await signed_in_admin.post(f"/api/admin-requests/{request['id']}/reject")
        assert rejected.status_code == 200
        assert rejected.json()["status"] == "rejected"
        users = {u["id"]: u for u in (await signed_in_admin.get("/api/users")).json()["items"]}
        assert users[str(candidate.id)]["platform_roles"] == []
        assert "admin_grant_request.rejected" in await actions(session)

    async def test_a_decided_request_cannot_be_rejected_again(
        self, app, session, signed_in_admin
    ) -> None:  # type: ignore[no-untyped-def]
        _, request = await _requested(session, signed_in_admin)
        url = f"/api/admin-requests/{request['id']}/reject"
        assert (await signed_in_admin.post(url)).status_code == 200
        again = await signed_in_admin.post(url)
        assert again.status_code == 409
        assert again.json()["code"] == "admin_grant_request_closed"
        # These conflicts were undocumented until tests/security/test_api_fuzz.py met them.
        paths = app.openapi()["paths"]
        rejected = paths["/api/admin-requests/{request_id}/reject"]["post"]["responses"]
        assert "admin_grant_request_closed" in rejected["409"]["description"]
        requested = paths["/api/admin-requests"]["post"]["responses"]
        for code in ("user_suspended", "already_admin", "admin_grant_request_pending"):
            assert code in requested["409"]["description"]

    async def test_a_stale_request_can_no_longer_be_approved(
        self, session, clock, browse, admin
    ) -> None:  # type: ignore[no-untyped-def]
        _, request = await _requested(session, await browse(admin))
        clock.advance(timedelta(days=8))
        second = await browse(await make_person(session, roles=ADMIN))
        listed = (await second.get("/api/admin-requests")).json()["items"]
        assert [(r["id"], r["status"]) for r in listed] == [(request["id"], "expired")]
        response = await second.post(f"/api/admin-requests/{request['id']}/approve")
        assert response.status_code == 409

    async def test_one_pending_request_per_user_and_none_for_admins(
        self, session, admin, signed_in_admin
    ) -> None:  # type: ignore[no-untyped-def]
        candidate, _ = await _requested(session, signed_in_admin)
        again = await signed_in_admin.post(
            "/api/admin-requests", json={"user_id": str(candidate.id)}
        )
        assert again.status_code == 409
        assert again.json()["code"] == "admin_grant_request_pending"
        already = await signed_in_admin.post("/api/admin-requests", json={"user_id": str(admin.id)})
        assert already.status_code == 409
        assert already.json()["code"] == "already_admin"

    async def test_a_suspended_candidate_is_not_made_admin(
        self, session, browse, signed_in_admin
    ) -> None:  # type: ignore[no-untyped-def]
        candidate, request = await _requested(session, signed_in_admin)
        await signed_in_admin.post(f"/api/users/{candidate.id}/suspend")
        second = await browse(await make_person(session, roles=ADMIN))
        response = await second.post(f"/api/admin-requests/{request['id']}/approve")
        assert response.status_code == 409
        assert response.json()["code"] == "user_suspended"


class TestWhoMay:
    async def test_non_admins_cannot_request_list_or_decide(
        self, session, browse, signed_in_admin
    ) -> None:  # type: ignore[no-untyped-def]
        candidate, request = await _requested(session, signed_in_admin)
        member = await browse(await make_person(session))
        assert (await member.get("/api/admin-requests")).status_code == 403
        assert (
            await member.post("/api/admin-requests", json={"user_id": str(candidate.id)})
        ).status_code == 403
        approve = await member.post(f"/api/admin-requests/{request['id']}/approve")
        assert approve.status_code == 404  # a member does not even see the request
        # The candidate cannot approve their own elevation either.
        own = await (await browse(candidate)).post(f"/api/admin-requests/{request['id']}/approve")
        assert own.status_code == 404
        users = {u["id"]: u for u in (await signed_in_admin.get("/api/users")).json()["items"]}
        assert users[str(candidate.id)]["platform_roles"] == []

    async def test_approval_needs_a_fresh_second_factor(
        self, session, clock, settings, browse, signed_in_admin
    ) -> None:  # type: ignore[no-untyped-def]
        _, request = await _requested(session, signed_in_admin)
        second = await browse(await make_person(session, roles=ADMIN))
        clock.advance(timedelta(minutes=settings.session.step_up_minutes, seconds=1))
        response = await second.post(f"/api/admin-requests/{request['id']}/approve")
        assert response.status_code == 403
        assert response.json()["code"] == "step_up_required"


class TestRogueAdmin:
    """Taking admin from another admin, or suspending one, takes a second admin too: a
    rogue admin cannot sideline the admins who would stop them."""

    async def test_removing_another_admins_role_alone_is_refused(
        self, session, browse, signed_in_admin
    ) -> None:  # type: ignore[no-untyped-def]
        other = await make_person(session, roles=ADMIN, display_name="Other Admin")
        response = await signed_in_admin.delete(f"/api/users/{other.id}/platform-roles/admin")
        assert response.status_code == 409
        assert response.json()["code"] == "admin_change_requires_approval"
        users = {u["id"]: u for u in (await signed_in_admin.get("/api/users")).json()["items"]}
        assert users[str(other.id)]["platform_roles"] == ["admin"]

    async def test_a_revoke_request_approved_by_a_second_admin_takes_the_role(
        self, session, browse, signed_in_admin
    ) -> None:  # type: ignore[no-untyped-def]
        target = await make_person(session, roles=ADMIN, display_name="Target")
        target_browser = await browse(target)
        second = await browse(await make_person(session, roles=ADMIN, display_name="Second"))
        asked = await signed_in_admin.post(
            "/api/admin-requests", json={"user_id": str(target.id), "kind": "revoke"}
        )
        assert asked.status_code == 201, asked.text
        assert asked.json()["kind"] == "revoke"
        request_id = asked.json()["id"]

        own = await signed_in_admin.post(f"/api/admin-requests/{request_id}/approve")
        assert own.status_code == 403
        assert own.json()["code"] == "second_admin_required"
        still = {u["id"]: u for u in (await second.get("/api/users")).json()["items"]}
        assert still[str(target.id)]["platform_roles"] == ["admin"]

        approved = await second.post(f"/api/admin-requests/{request_id}/approve")
        assert approved.status_code == 200, approved.text
        after = {u["id"]: u for u in (await second.get("/api/users")).json()["items"]}
        assert after[str(target.id)]["platform_roles"] == []
        assert await signed_out(target_browser)
        trail = await actions(session)
        assert "platform_role.revoked" in trail

    async def test_a_suspend_request_approved_by_a_second_admin_suspends(
        self, session, browse, signed_in_admin
    ) -> None:  # type: ignore[no-untyped-def]
        target = await make_person(session, roles=ADMIN, display_name="Target")
        target_browser = await browse(target)
        second = await browse(await make_person(session, roles=ADMIN, display_name="Second"))
        asked = await signed_in_admin.post(
            "/api/admin-requests", json={"user_id": str(target.id), "kind": "suspend"}
        )
        assert asked.status_code == 201, asked.text
        approved = await second.post(f"/api/admin-requests/{asked.json()['id']}/approve")
        assert approved.status_code == 200, approved.text
        after = {u["id"]: u for u in (await second.get("/api/users")).json()["items"]}
        assert after[str(target.id)]["status"] == "suspended"
        assert await signed_out(target_browser)
        assert "user.suspended" in await actions(session)

    async def test_the_target_of_a_request_may_not_be_the_last_admin(
        self, session, browse, admin, signed_in_admin
    ) -> None:  # type: ignore[no-untyped-def]
        response = await signed_in_admin.post(
            "/api/admin-requests", json={"user_id": str(admin.id), "kind": "revoke"}
        )
        assert response.status_code == 409
        assert response.json()["code"] == "last_admin"

    async def test_revoke_and_suspend_apply_only_to_admins(self, session, signed_in_admin) -> None:  # type: ignore[no-untyped-def]
        person = await make_person(session)
        for kind in ("revoke", "suspend"):
            response = await signed_in_admin.post(
                "/api/admin-requests", json={"user_id": str(person.id), "kind": kind}
            )
            assert response.status_code == 409
            assert response.json()["code"] == "not_admin"
        unknown = await signed_in_admin.post(
            "/api/admin-requests", json={"user_id": str(person.id), "kind": "promote"}
        )
        assert unknown.status_code == 422

    async def test_an_admin_still_steps_down_alone_and_suspends_non_admins_alone(
        self, session, browse, signed_in_admin
    ) -> None:  # type: ignore[no-untyped-def]
        member = await make_person(session)
        suspended = await signed_in_admin.post(f"/api/users/{member.id}/suspend")
        assert suspended.status_code == 200
        assert suspended.json()["status"] == "suspended"
