"""Members of an organization: who may list them, and role changes that bite at once."""

from __future__ import annotations

from datetime import timedelta

from tests.support.admin_session import COORDINATOR
from tests.support.people import (
    actions,
    add_member,
    anonymous_browser,
    make_organization,
    make_person,
)


async def _org_with_people(session):  # type: ignore[no-untyped-def]
    organization = await make_organization(session)
    representative = await make_person(session, display_name="Rep Resentative")
    member = await make_person(session, display_name="Mem Ber")
    rep_membership = await add_member(session, representative, organization, "representative")
    member_membership = await add_member(session, member, organization, "member")
    return organization, representative, member, rep_membership, member_membership


class TestListMembers:
    async def test_an_admin_sees_names_emails_and_roles(self, session, signed_in_admin) -> None:  # type: ignore[no-untyped-def]
        organization, representative, member, *_ = await _org_with_people(session)
        response = await signed_in_admin.get(f"/api/organizations/{organization.id}/members")
        assert response.status_code == 200
        seen = {(m["email"], m["display_name"], m["role"]) for m in response.json()["items"]}
        assert seen == {
            (representative.email, "Rep Resentative", "representative"),
            (member.email, "Mem Ber", "member"),
        }

    async def test_a_representative_sees_their_own_organization_only(self, session, browse) -> None:  # type: ignore[no-untyped-def]
        organization, representative, *_ = await _org_with_people(session)
        other = await make_organization(session)
        browser = await browse(representative)
        own = await browser.get(f"/api/organizations/{organization.id}/members")
        assert own.status_code == 200 and len(own.json()["items"]) == 2
        assert (await browser.get(f"/api/organizations/{other.id}/members")).status_code == 404

    async def test_a_member_sees_the_organization_but_not_its_roster(self, session, browse) -> None:  # type: ignore[no-untyped-def]
        organization, _, member, *_ = await _org_with_people(session)
        response = await (await browse(member)).get(f"/api/organizations/{organization.id}/members")
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"

    async def test_a_coordinator_cannot_list_members(self, session, browse) -> None:  # type: ignore[no-untyped-def]
        organization, *_ = await _org_with_people(session)
        coordinator = await make_person(session, roles=COORDINATOR)
        response = await (await browse(coordinator)).get(
            f"/api/organizations/{organization.id}/members"
        )
        assert response.status_code == 403


class TestColleagues:
    async def test_a_member_sees_fellow_members_names_and_roles_and_nothing_more(
        self, session, browse
    ) -> None:  # type: ignore[no-untyped-def]
        organization, representative, member, *_ = await _org_with_people(session)
        away = await make_person(session, display_name="Sus Pended")
        await add_member(session, away, organization)
        away.status = "suspended"
        await session.commit()
        other = await make_organization(session)
        browser = await browse(member)
        response = await browser.get(f"/api/organizations/{organization.id}/colleagues")
        assert response.status_code == 200, response.text
        items = response.json()["items"]
        assert sorted((i["display_name"], i["role"]) for i in items) == [
            ("Mem Ber", "member"),
            ("Rep Resentative", "representative"),
        ]
        # Names and roles only: no address, no account or membership id.
        assert all(set(item) == {"display_name", "role"} for item in items)
        assert representative.email not in response.text
        # Another organization's people are not theirs to see.
        refused = await browser.get(f"/api/organizations/{other.id}/colleagues")
        assert refused.status_code == 404

    async def test_a_coordinator_sees_the_organization_but_not_its_people(
        self, session, browse
    ) -> None:  # type: ignore[no-untyped-def]
        organization, *_ = await _org_with_people(session)
        coordinator = await make_person(session, roles=COORDINATOR)
        response = await (await browse(coordinator)).get(
            f"/api/organizations/{organization.id}/colleagues"
        )
        assert response.status_code == 403


class TestChangeRole:
    async def test_a_demoted_representative_is_signed_out_and_loses_the_roster(
        self, session, browse, signed_in_admin
    ) -> None:  # type: ignore[no-untyped-def]
        organization, representative, _, rep_membership, _ = await _org_with_people(session)
        rep_browser = await browse(representative)
        roster = f"/api/organizations/{organization.id}/members"
        assert (await rep_browser.get(roster)).status_code == 200

        response = await signed_in_admin.patch(
            f"/api/memberships/{rep_membership.id}", json={"role": "member"}
        )
        assert response.status_code == 200, response.text
        assert response.json()["role"] == "member"

        # The very next request with the old session fails: a new sign-in is needed.
        assert (await rep_browser.get(roster)).status_code == 401
        again = await browse(representative)
        assert (await again.get(roster)).status_code == 403
        session_info = (await again.get("/api/auth/session")).json()
        assert session_info["memberships"] == [
            {"organization_id": str(organization.id), "role": "member"}
        ]
        assert "membership.role_changed" in await actions(session)

    async def test_a_promoted_member_gets_the_roster(
        self, session, browse, signed_in_admin
    ) -> None:  # type: ignore[no-untyped-def]
        organization, _, member, _, member_membership = await _org_with_people(session)
        await signed_in_admin.patch(
            f"/api/memberships/{member_membership.id}", json={"role": "representative"}
        )
        browser = await browse(member)
        roster = await browser.get(f"/api/organizations/{organization.id}/members")
        assert roster.status_code == 200

    async def test_a_representative_cannot_change_roles(self, session, browse) -> None:  # type: ignore[no-untyped-def]
        _, representative, _, _, member_membership = await _org_with_people(session)
        # Even with a second factor fresh, the role does not allow it.
        response = await (await browse(representative)).patch(
            f"/api/memberships/{member_membership.id}", json={"role": "representative"}
        )
        assert response.status_code == 403

    async def test_a_stale_second_factor_is_not_enough(
        self, session, clock, settings, signed_in_admin
    ) -> None:  # type: ignore[no-untyped-def]
        *_, member_membership = await _org_with_people(session)
        clock.advance(timedelta(minutes=settings.session.step_up_minutes, seconds=1))
        response = await signed_in_admin.patch(
            f"/api/memberships/{member_membership.id}", json={"role": "representative"}
        )
        assert response.status_code == 403
        assert response.json()["code"] == "step_up_required"

    async def test_an_unknown_role_is_refused(self, session, signed_in_admin) -> None:  # type: ignore[no-untyped-def]
        *_, member_membership = await _org_with_people(session)
        response = await signed_in_admin.patch(
            f"/api/memberships/{member_membership.id}", json={"role": "admin"}
        )
        assert response.status_code == 422


class TestRemove:
    async def test_a_removed_member_loses_the_organization_on_the_next_request(
        self, session, browse, signed_in_admin
    ) -> None:  # type: ignore[no-untyped-def]
        organization, _, member, _, member_membership = await _org_with_people(session)
        member_browser = await browse(member)
        url = f"/api/organizations/{organization.id}"
        assert (await member_browser.get(url)).status_code == 200

        response = await signed_in_admin.delete(f"/api/memberships/{member_membership.id}")
        assert response.status_code == 200

        assert (await member_browser.get(url)).status_code == 401
        again = await browse(member)
        assert (await again.get(url)).status_code == 404
        assert (await again.get("/api/organizations")).json()["items"] == []
        assert "membership.removed" in await actions(session)
        # Gone for the admin too.
        roster = (await signed_in_admin.get(f"{url}/members")).json()["items"]
        assert member.email not in {m["email"] for m in roster}

    async def test_a_member_of_another_organization_gets_404(self, session, browse) -> None:  # type: ignore[no-untyped-def]
        *_, member_membership = await _org_with_people(session)
        outsider = await make_person(session)
        await add_member(session, outsider, await make_organization(session), "representative")
        response = await (await browse(outsider)).delete(f"/api/memberships/{member_membership.id}")
        assert response.status_code == 404
        assert response.json()["code"] == "membership_not_found"

    async def test_anonymous_gets_401_and_nothing_changes(
        self, session, app, signed_in_admin
    ) -> None:  # type: ignore[no-untyped-def]
        organization, *_, member_membership = await _org_with_people(session)
        async with anonymous_browser(app) as anonymous:
            response = await anonymous.delete(f"/api/memberships/{member_membership.id}")
        assert response.status_code == 401
        roster = await signed_in_admin.get(f"/api/organizations/{organization.id}/members")
        assert len(roster.json()["items"]) == 2
