"""Administration of users: the list, suspension, sessions, coordinator, last-admin rules."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.auth.conftest import sign_in
from tests.support.admin_session import ADMIN, COORDINATOR
from tests.support.people import (
    actions,
    add_member,
    anonymous_browser,
    make_organization,
    make_person,
)
from tests.support.signed_out import signed_out


class TestList:
    async def test_admins_see_roles_memberships_and_status(
        self, session, admin, signed_in_admin
    ) -> None:  # type: ignore[no-untyped-def]
        organization = await make_organization(session)
        member = await make_person(session, display_name="Ales B")
        membership = await add_member(session, member, organization, "representative")
        response = await signed_in_admin.get("/api/users")
        assert response.status_code == 200
        users = {u["id"]: u for u in response.json()["items"]}
        assert users[str(member.id)] == {
            "id": str(member.id),
            "email": member.email,
            "display_name": "Ales B",
            "status": "active",
            "platform_roles": [],
            "memberships": [
                {
                    "id": str(membership.id),
                    "organization_id": str(organization.id),
                    "role": "representative",
                }
            ],
            "sso_linked": False,
            "second_factor": False,
            "last_active_at": None,
            "created_at": users[str(member.id)]["created_at"],
        }
        assert users[str(admin.id)]["platform_roles"] == ["admin"]
        # The admin signed in (with a second factor) for this request: both show.
        assert users[str(admin.id)]["second_factor"] is True
        assert users[str(admin.id)]["last_active_at"] is not None

    @pytest.mark.parametrize("roles", [frozenset(), COORDINATOR])
    async def test_nobody_else_may_list_users(self, session, browse, roles) -> None:  # type: ignore[no-untyped-def]
        user = await make_person(session, roles=roles)
        response = await (await browse(user)).get("/api/users")
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"

    async def test_anonymous_gets_401(self, client) -> None:  # type: ignore[no-untyped-def]
        assert (await client.get("/api/users")).status_code == 401


class TestSuspension:
    async def test_a_suspended_user_is_out_on_the_next_request(
        self, app, session, browse, signed_in_admin
    ) -> None:  # type: ignore[no-untyped-def]
        member = await make_person(session)
        member_browser = await browse(member)
        assert (await member_browser.get("/api/auth/session")).status_code == 200

        response = await signed_in_admin.post(f"/api/users/{member.id}/suspend")
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "suspended"

        # Signed out, and told why (once).
        ended = (await member_browser.get("/api/auth/session")).json()
        assert ended == {"state": "anonymous", "ended": "suspended"}
        assert await signed_out(member_browser)
        async with anonymous_browser(app) as again:
            assert (await sign_in(again, member.email)).status_code == 401
        assert "user.suspended" in await actions(session)

        reactivated = await signed_in_admin.post(f"/api/users/{member.id}/reactivate")
        assert reactivated.json()["status"] == "active"
        async with anonymous_browser(app) as again:
            assert (await sign_in(again, member.email)).status_code == 200
        assert "user.reactivated" in await actions(session)

    async def test_suspending_twice_is_a_conflict(self, session, signed_in_admin) -> None:  # type: ignore[no-untyped-def]
        member = await make_person(session)
        await signed_in_admin.post(f"/api/users/{member.id}/suspend")
        again = await signed_in_admin.post(f"/api/users/{member.id}/suspend")
        assert again.status_code == 409 and again.json()["code"] == "user_suspended"

    async def test_reactivating_an_active_user_is_a_documented_conflict(
        self, app, session, signed_in_admin
    ) -> None:  # type: ignore[no-untyped-def]
        member = await make_person(session)
        response = await signed_in_admin.post(f"/api/users/{member.id}/reactivate")
        assert response.status_code == 409
        assert response.json()["code"] == "user_not_suspended"
        # Undocumented until tests/security/test_api_fuzz.py met it.
        operation = app.openapi()["paths"]["/api/users/{user_id}/reactivate"]["post"]
        assert "user_not_suspended" in operation["responses"]["409"]["description"]

    async def test_suspension_needs_a_fresh_second_factor(
        self, session, clock, settings, signed_in_admin
    ) -> None:  # type: ignore[no-untyped-def]
        member = await make_person(session)
        clock.advance(timedelta(minutes=settings.session.step_up_minutes, seconds=1))
        response = await signed_in_admin.post(f"/api/users/{member.id}/suspend")
        assert response.status_code == 403
        assert response.json()["code"] == "step_up_required"

    async def test_the_last_admin_cannot_be_suspended(self, admin, signed_in_admin) -> None:  # type: ignore[no-untyped-def]
        response = await signed_in_admin.post(f"/api/users/{admin.id}/suspend")
        assert response.status_code == 409
        assert response.json()["code"] == "last_admin"
        assert (await signed_in_admin.get("/api/users")).status_code == 200

    async def test_another_admin_is_not_suspended_by_one_admin_alone(
        self, session, browse, signed_in_admin
    ) -> None:  # type: ignore[no-untyped-def]
        second = await make_person(session, roles=ADMIN)
        second_browser = await browse(second)
        response = await signed_in_admin.post(f"/api/users/{second.id}/suspend")
        assert response.status_code == 409
        assert response.json()["code"] == "admin_change_requires_approval"
        assert (await second_browser.get("/api/auth/session")).status_code == 200

    async def test_a_member_cannot_suspend_anyone(self, session, browse, admin) -> None:  # type: ignore[no-untyped-def]
        member = await make_person(session)
        response = await (await browse(member)).post(f"/api/users/{admin.id}/suspend")
        # Other accounts are not even visible to a member: the same answer as a missing one.
        assert response.status_code == 404
        assert response.json()["code"] == "user_not_found"


class TestSessions:
    async def test_an_admin_ends_every_session_of_a_user(
        self, session, browse, signed_in_admin
    ) -> None:  # type: ignore[no-untyped-def]
        member = await make_person(session)
        phone, laptop = await browse(member), await browse(member)
        response = await signed_in_admin.post(f"/api/users/{member.id}/sessions/revoke")
        assert response.status_code == 200
        assert response.json() == {"revoked": 2}
        ended = (await phone.get("/api/auth/session")).json()
        assert ended == {"state": "anonymous", "ended": "ended_by_admin"}
        assert await signed_out(phone)
        assert await signed_out(laptop)
        # The account itself still works.
        assert (await (await browse(member)).get("/api/auth/session")).status_code == 200
        assert "session.revoked_all" in await actions(session)

    async def test_a_member_cannot_end_someone_elses_sessions(self, session, browse, admin) -> None:  # type: ignore[no-untyped-def]
        member = await make_person(session)
        admin_browser = await browse(admin)
        response = await (await browse(member)).post(f"/api/users/{admin.id}/sessions/revoke")
        assert response.status_code == 404
        assert response.json()["code"] == "user_not_found"
        assert (await admin_browser.get("/api/users")).status_code == 200


class TestPlatformRoles:
    async def test_granting_coordinator_takes_effect_with_a_new_sign_in(
        self, session, browse, signed_in_admin
    ) -> None:  # type: ignore[no-untyped-def]
        person = await make_person(session)
        old_browser = await browse(person)
        response = await signed_in_admin.put(f"/api/users/{person.id}/platform-roles/coordinator")
        assert response.status_code == 200, response.text
        assert response.json()["platform_roles"] == ["coordinator"]
        ended = (await old_browser.get("/api/auth/session")).json()
        assert ended == {"state": "anonymous", "ended": "access_changed"}
        assert await signed_out(old_browser)
        # A new coordinator has no second factor yet: enrolment comes first.
        new_browser = await browse(person)
        info = (await new_browser.get("/api/auth/session")).json()
        assert info["state"] == "enrolment_required"
        assert "platform_role.granted" in await actions(session)

        again = await signed_in_admin.put(f"/api/users/{person.id}/platform-roles/coordinator")
        assert again.status_code == 200  # idempotent

        removed = await signed_in_admin.delete(f"/api/users/{person.id}/platform-roles/coordinator")
        assert removed.json()["platform_roles"] == []
        assert "platform_role.revoked" in await actions(session)

    async def test_admin_is_not_granted_directly(self, session, signed_in_admin) -> None:  # type: ignore[no-untyped-def]
        person = await make_person(session)
        response = await signed_in_admin.put(f"/api/users/{person.id}/platform-roles/admin")
        assert response.status_code == 409
        assert response.json()["code"] == "admin_grant_requires_approval"
        listed = {u["id"]: u for u in (await signed_in_admin.get("/api/users")).json()["items"]}
        assert listed[str(person.id)]["platform_roles"] == []

    async def test_the_last_admin_keeps_the_role(self, admin, signed_in_admin) -> None:  # type: ignore[no-untyped-def]
        response = await signed_in_admin.delete(f"/api/users/{admin.id}/platform-roles/admin")
        assert response.status_code == 409
        assert response.json()["code"] == "last_admin"

    async def test_a_suspended_admin_does_not_count_as_the_other_admin(
        self, session, admin, signed_in_admin
    ) -> None:  # type: ignore[no-untyped-def]
        dormant = await make_person(session, roles=ADMIN)
        dormant.status = "suspended"
        await session.commit()
        response = await signed_in_admin.delete(f"/api/users/{admin.id}/platform-roles/admin")
        assert response.status_code == 409
        assert response.json()["code"] == "last_admin"

    async def test_an_admin_may_step_down_while_another_remains(
        self, session, admin, browse, signed_in_admin
    ) -> None:  # type: ignore[no-untyped-def]
        await make_person(session, roles=ADMIN)
        response = await signed_in_admin.delete(f"/api/users/{admin.id}/platform-roles/admin")
        assert response.status_code == 200
        # Their own session ended with the privilege; a new one has no admin powers.
        assert (await signed_in_admin.get("/api/users")).status_code == 401
        assert (await (await browse(admin)).get("/api/users")).status_code == 403

    async def test_an_unknown_role_is_refused(self, session, signed_in_admin) -> None:  # type: ignore[no-untyped-def]
        person = await make_person(session)
        response = await signed_in_admin.put(f"/api/users/{person.id}/platform-roles/root")
        assert response.status_code == 422
