"""Invitations end to end over HTTP: the email, the link, lookup, acceptance, and every way
a link stops working."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models.memberships import Invitation
from tests.auth.factories import PASSWORD
from tests.support.admin_session import COORDINATOR
from tests.support.people import (
    COOKIE,
    actions,
    add_member,
    anonymous_browser,
    invitation_emails,
    make_organization,
    make_person,
    token_in,
)
from tests.support.signed_out import signed_out

NEW_PASSWORD = "copper lighthouse meadow 77"


def _invite(organization, email: str = "newcomer@example.org", **extra) -> dict:  # type: ignore[no-untyped-def]
    return {"email": email, "organization_id": str(organization.id), "role": "member", **extra}


async def _invited(session, admin_browser, organization, **extra):  # type: ignore[no-untyped-def]
    body = _invite(organization, **extra)
    response = await admin_browser.post("/api/invitations", json=body)
    assert response.status_code == 201, response.text
    messages = await invitation_emails(session, body["email"])
    return response.json(), token_in(messages[-1])


def _accept(token: str, **extra) -> dict:  # type: ignore[no-untyped-def]
    return {"token": token, "display_name": "New Comer", "password": NEW_PASSWORD, **extra}


class TestEndToEnd:
    async def test_invite_lookup_accept_and_use_the_account(
        self, app, session, settings, signed_in_admin, caplog
    ) -> None:  # type: ignore[no-untyped-def]
        caplog.set_level(logging.DEBUG)
        organization = await make_organization(session, name="Viasna Partners")
        created, token = await _invited(session, signed_in_admin, organization, language="be")
        assert created["status"] == "pending" and created["sent_count"] == 1

        (message,) = await invitation_emails(session, "newcomer@example.org")
        assert message.subject == "Запрашэнне ў Accord"
        assert f"{settings.http.public_url}/invitation#{token}" in message.body
        assert len(token) >= 43  # 256 bits, URL-safe base64
        # The email names neither the organization nor anything about it.
        assert "Viasna" not in message.body and "Viasna" not in message.subject
        # Only a MAC of the token is stored.
        stored = (await session.scalars(select(Invitation.token_mac))).all()
        assert all(token.encode() not in mac for mac in stored)

        async with anonymous_browser(app) as invitee:
            preview = await invitee.post("/api/invitations/lookup", json={"token": token})
            assert preview.status_code == 200
            assert preview.json() == {
                "organization_name": "Viasna Partners",
                "role": "member",
                "platform_role": None,
                "email": "newcomer@example.org",
                "expires_at": preview.json()["expires_at"],
                "account_exists": False,
            }

            accepted = await invitee.post("/api/invitations/accept", json=_accept(token))
            assert accepted.status_code == 200, accepted.text
            assert accepted.json()["state"] == "full"
            assert invitee.cookies.get(COOKIE)
            invitee.headers["x-csrf-token"] = accepted.json()["csrf_token"]

            info = (await invitee.get("/api/auth/session")).json()
            assert info["user"]["email"] == "newcomer@example.org"
            assert info["user"]["language"] == "be"
            assert info["memberships"] == [
                {"organization_id": str(organization.id), "role": "member"}
            ]
            assert (await invitee.get(f"/api/organizations/{organization.id}")).status_code == 200

        # The password chosen works for a later sign-in.
        async with anonymous_browser(app) as later:
            signed = await later.post(
                "/api/auth/sign-in",
                json={"email": "newcomer@example.org", "password": NEW_PASSWORD},
            )
            assert signed.status_code == 200

        listed = (await signed_in_admin.get("/api/invitations?status=accepted")).json()["items"]
        assert [i["id"] for i in listed] == [created["id"]]
        trail = await actions(session)
        for action in ("invitation.created", "user.created", "membership.created"):
            assert action in trail
        assert trail.index("invitation.accepted") > trail.index("invitation.created")
        assert token not in caplog.text

    async def test_an_invited_coordinator_must_enrol_a_second_factor_first(
        self, app, session, signed_in_admin
    ) -> None:  # type: ignore[no-untyped-def]
        organization = await make_organization(session)
        _, token = await _invited(
            session, signed_in_admin, organization, platform_role="coordinator"
        )
        async with anonymous_browser(app) as invitee:
            accepted = await invitee.post("/api/invitations/accept", json=_accept(token))
            assert accepted.json()["state"] == "enrolment_required"
            invitee.headers["x-csrf-token"] = accepted.json()["csrf_token"]
            blocked = await invitee.get("/api/organizations")
            assert blocked.status_code == 403
            assert blocked.json()["code"] == "enrolment_required"
            info = (await invitee.get("/api/auth/session")).json()
            assert info["user"]["platform_roles"] == ["coordinator"]


class TestDeadLinks:
    async def test_a_link_works_once(self, app, session, signed_in_admin) -> None:  # type: ignore[no-untyped-def]
        organization = await make_organization(session)
        _, token = await _invited(session, signed_in_admin, organization)
        async with anonymous_browser(app) as first:
            assert (await first.post("/api/invitations/accept", json=_accept(token))).is_success
        async with anonymous_browser(app) as second:
            again = await second.post(
                "/api/invitations/accept", json=_accept(token, display_name="Impostor")
            )
            assert again.status_code == 404
            assert again.json()["code"] == "invitation_invalid"
            lookup = await second.post("/api/invitations/lookup", json={"token": token})
            assert lookup.status_code == 404

    async def test_a_link_dies_after_seven_days(self, app, session, clock, signed_in_admin) -> None:  # type: ignore[no-untyped-def]
        organization = await make_organization(session)
        _, token = await _invited(session, signed_in_admin, organization)
        clock.advance(timedelta(days=7, seconds=1))
        async with anonymous_browser(app) as invitee:
            lookup = await invitee.post("/api/invitations/lookup", json={"token": token})
            assert lookup.status_code == 404
            assert lookup.json()["code"] == "invitation_invalid"
            accept = await invitee.post("/api/invitations/accept", json=_accept(token))
            assert accept.status_code == 404

    async def test_a_revoked_link_is_refused(self, app, session, signed_in_admin) -> None:  # type: ignore[no-untyped-def]
        organization = await make_organization(session)
        created, token = await _invited(session, signed_in_admin, organization)
        revoked = await signed_in_admin.delete(f"/api/invitations/{created['id']}")
        assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
        async with anonymous_browser(app) as invitee:
            accept = await invitee.post("/api/invitations/accept", json=_accept(token))
            assert accept.status_code == 404
            assert accept.json()["code"] == "invitation_invalid"
        assert "invitation.revoked" in await actions(session)
        twice = await signed_in_admin.delete(f"/api/invitations/{created['id']}")
        assert twice.status_code == 409 and twice.json()["code"] == "invitation_closed"

    async def test_unknown_and_malformed_tokens_get_the_same_answer(self, client) -> None:  # type: ignore[no-untyped-def]
        answers = []
        for token in ("A" * 43, "x", "-" * 128):
            response = await client.post("/api/invitations/lookup", json={"token": token})
            answers.append((response.status_code, response.json()["code"]))
        assert set(answers) == {(404, "invitation_invalid")}

    async def test_resend_kills_the_old_link(self, app, session, signed_in_admin) -> None:  # type: ignore[no-untyped-def]
        organization = await make_organization(session)
        created, old_token = await _invited(session, signed_in_admin, organization)
        resent = await signed_in_admin.post(f"/api/invitations/{created['id']}/resend")
        assert resent.status_code == 200, resent.text
        assert resent.json()["sent_count"] == 2
        messages = await invitation_emails(session, "newcomer@example.org")
        assert len(messages) == 2
        new_token = token_in(messages[-1])
        assert new_token != old_token
        async with anonymous_browser(app) as invitee:
            old = await invitee.post("/api/invitations/lookup", json={"token": old_token})
            assert old.status_code == 404
            accept = await invitee.post("/api/invitations/accept", json=_accept(new_token))
            assert accept.status_code == 200
        assert "invitation.resent" in await actions(session)

    async def test_resend_revives_an_expired_invitation_for_another_week(
        self, app, session, clock, admin, browse
    ) -> None:  # type: ignore[no-untyped-def]
        organization = await make_organization(session)
        created, _ = await _invited(session, await browse(admin), organization)
        clock.advance(timedelta(days=8))
        fresh_admin = await browse(admin)  # the old session timed out meanwhile
        listed = (await fresh_admin.get("/api/invitations?status=expired")).json()["items"]
        assert [i["id"] for i in listed] == [created["id"]]
        resent = await fresh_admin.post(f"/api/invitations/{created['id']}/resend")
        assert resent.json()["status"] == "pending"
        token = token_in((await invitation_emails(session, "newcomer@example.org"))[-1])
        async with anonymous_browser(app) as invitee:
            lookup = await invitee.post("/api/invitations/lookup", json={"token": token})
            assert lookup.status_code == 200


class TestAcceptance:
    async def test_a_weak_password_is_refused_and_the_link_still_works(
        self, app, session, signed_in_admin
    ) -> None:  # type: ignore[no-untyped-def]
        organization = await make_organization(session)
        _, token = await _invited(session, signed_in_admin, organization)
        async with anonymous_browser(app) as invitee:
            weak = await invitee.post(
                "/api/invitations/accept", json=_accept(token, password="password123")
            )
            assert weak.status_code == 422
            assert weak.json()["code"] == "password_rejected"
            assert "password123" not in weak.text
            missing = await invitee.post(
                "/api/invitations/accept", json={"token": token, "display_name": "No Password"}
            )
            assert missing.status_code == 422
            assert missing.json()["code"] == "account_details_required"
            lookup = await invitee.post("/api/invitations/lookup", json={"token": token})
            assert lookup.status_code == 200

    async def test_a_person_sees_their_own_pending_invitations_and_nobody_elses(
        self, session, browse, signed_in_admin
    ) -> None:  # type: ignore[no-untyped-def]
        home = await make_organization(session, name="Home Org")
        elsewhere = await make_organization(session, name="Forum of the Free")
        person = await make_person(session, email="known@example.org")
        other = await make_person(session, email="other@example.org")
        await add_member(session, person, home)
        invited, _ = await _invited(
            session, signed_in_admin, elsewhere, email="known@example.org", role="representative"
        )
        mine = (await (await browse(person)).get("/api/invitations/mine")).json()["items"]
        assert [(i["organization_name"], i["role"]) for i in mine] == [
            ("Forum of the Free", "representative")
        ]
        assert "token" not in mine[0] and "email" not in mine[0]
        theirs = (await (await browse(other)).get("/api/invitations/mine")).json()["items"]
        assert theirs == []
        revoked = await signed_in_admin.delete(f"/api/invitations/{invited['id']}")
        assert revoked.status_code == 200
        after = (await (await browse(person)).get("/api/invitations/mine")).json()["items"]
        assert after == []

    async def test_an_existing_account_accepts_only_when_signed_in_as_itself(
        self, app, session, browse, signed_in_admin
    ) -> None:  # type: ignore[no-untyped-def]
        home, elsewhere = await make_organization(session), await make_organization(session)
        person = await make_person(session, email="known@example.org")
        await add_member(session, person, home)
        _, token = await _invited(
            session, signed_in_admin, elsewhere, email="known@example.org", role="representative"
        )

        async with anonymous_browser(app) as anonymous:
            lookup = await anonymous.post("/api/invitations/lookup", json={"token": token})
            assert lookup.json()["account_exists"] is True
            refused = await anonymous.post("/api/invitations/accept", json={"token": token})
            assert refused.status_code == 401
            assert refused.json()["code"] == "invitation_sign_in_required"

        someone_else = await browse(await make_person(session))
        wrong = await someone_else.post("/api/invitations/accept", json={"token": token})
        assert wrong.status_code == 403
        assert wrong.json()["code"] == "invitation_for_other_account"

        browser = await browse(person)
        with_password = await browser.post(
            "/api/invitations/accept", json={"token": token, "password": PASSWORD}
        )
        assert with_password.status_code == 422
        assert with_password.json()["code"] == "password_not_expected"

        old_cookie = browser.cookies.get(COOKIE)
        accepted = await browser.post("/api/invitations/accept", json={"token": token})
        assert accepted.status_code == 200, accepted.text
        assert accepted.json()["state"] == "full"
        # Privileges grew: a new session token; the old one is dead.
        assert browser.cookies.get(COOKIE) != old_cookie
        browser.headers["x-csrf-token"] = accepted.json()["csrf_token"]
        roles = {
            m["organization_id"]: m["role"]
            for m in (await browser.get("/api/auth/session")).json()["memberships"]
        }
        assert roles == {str(home.id): "member", str(elsewhere.id): "representative"}
        async with anonymous_browser(app) as thief:
            thief.cookies.set(COOKIE, old_cookie, domain="localhost")
            assert await signed_out(thief)

    async def test_inviting_an_existing_member_again_is_a_conflict(
        self, session, signed_in_admin
    ) -> None:  # type: ignore[no-untyped-def]
        organization = await make_organization(session)
        person = await make_person(session, email="already@example.org")
        await add_member(session, person, organization)
        response = await signed_in_admin.post(
            "/api/invitations", json=_invite(organization, email="Already@Example.org")
        )
        assert response.status_code == 409
        assert response.json()["code"] == "already_member"

    async def test_a_second_pending_invitation_is_a_conflict(
        self, session, signed_in_admin
    ) -> None:  # type: ignore[no-untyped-def]
        organization = await make_organization(session)
        await _invited(session, signed_in_admin, organization)
        again = await signed_in_admin.post(
            "/api/invitations", json=_invite(organization, email=" NEWCOMER@example.org ")
        )
        assert again.status_code == 409
        assert again.json()["code"] == "invitation_pending"


class TestWhoMayInvite:
    async def test_an_admin_needs_a_fresh_second_factor(
        self, session, clock, settings, signed_in_admin
    ) -> None:  # type: ignore[no-untyped-def]
        organization = await make_organization(session)
        clock.advance(timedelta(minutes=settings.session.step_up_minutes, seconds=1))
        response = await signed_in_admin.post("/api/invitations", json=_invite(organization))
        assert response.status_code == 403
        assert response.json()["code"] == "step_up_required"
        assert await invitation_emails(session, "newcomer@example.org") == []

    @pytest.mark.parametrize("kind", ["coordinator", "representative"])
    async def test_others_cannot_invite_or_list(self, session, browse, kind) -> None:  # type: ignore[no-untyped-def]
        organization = await make_organization(session)
        if kind == "coordinator":
            user = await make_person(session, roles=COORDINATOR)
        else:
            user = await make_person(session)
            await add_member(session, user, organization, "representative")
        browser = await browse(user)
        invite = await browser.post("/api/invitations", json=_invite(organization))
        assert invite.status_code == 403
        assert (await browser.get("/api/invitations")).status_code == 403
        assert await invitation_emails(session, "newcomer@example.org") == []

    async def test_others_cannot_touch_an_invitation(
        self, session, browse, signed_in_admin
    ) -> None:  # type: ignore[no-untyped-def]
        organization = await make_organization(session)
        created, _ = await _invited(session, signed_in_admin, organization)
        representative = await make_person(session)
        await add_member(session, representative, organization, "representative")
        browser = await browse(representative)
        revoke = await browser.delete(f"/api/invitations/{created['id']}")
        assert revoke.status_code == 404
        assert revoke.json()["code"] == "invitation_not_found"

    async def test_bad_input_is_a_problem_document(self, session, signed_in_admin) -> None:  # type: ignore[no-untyped-def]
        organization = await make_organization(session)
        for body in (
            _invite(organization, email="not-an-email"),
            _invite(organization, role="admin"),
            _invite(organization, platform_role="admin"),
            _invite(organization, language="de"),
            {**_invite(organization), "token_mac": "00"},
        ):
            response = await signed_in_admin.post("/api/invitations", json=body)
            assert response.status_code == 422, body
            assert response.headers["content-type"].startswith("application/problem+json")

    @pytest.mark.parametrize(
        "email",
        [
            "a@example.org,evil@evil.org",
            "A Person <a@example.org>",
            '"a"@example.org',
            "a\u200d@example.org",
            "a\u202e@example.org",
            "a\x00@example.org",
            "a\x1b@example.org",
            "a@example.org\nBcc: evil@evil.org",
        ],
    )
    async def test_an_email_that_is_not_one_bare_address_is_refused(
        self, session, signed_in_admin, email
    ) -> None:  # type: ignore[no-untyped-def]
        organization = await make_organization(session)
        response = await signed_in_admin.post("/api/invitations", json=_invite(organization, email))
        assert response.status_code == 422
        assert [(e["loc"], e["type"]) for e in response.json()["errors"]] == [
            (["body", "email"], "email_invalid")
        ]
        assert (await session.scalar(select(Invitation))) is None

    async def test_the_invited_address_is_stored_and_mailed_canonical(
        self, session, signed_in_admin
    ) -> None:  # type: ignore[no-untyped-def]
        organization = await make_organization(session)
        body = _invite(organization, " Ales@Bücher.EXAMPLE ")
        response = await signed_in_admin.post("/api/invitations", json=body)
        assert response.status_code == 201, response.text
        assert response.json()["email"] == "Ales@xn--bcher-kva.example"
        assert await invitation_emails(session, "Ales@xn--bcher-kva.example")
        # The same person in another spelling is the same pending invitation.
        again = await signed_in_admin.post(
            "/api/invitations", json=_invite(organization, "ales@xn--BCHER-kva.example")
        )
        assert again.status_code == 409
        assert again.json()["code"] == "invitation_pending"

    async def test_an_older_invitation_to_a_malformed_address_makes_no_account(
        self, app, session, signed_in_admin
    ) -> None:  # type: ignore[no-untyped-def]
        organization = await make_organization(session)
        _, token = await _invited(session, signed_in_admin, organization)
        # As the lenient check before app.kit.email let through.
        invitation = await session.scalar(select(Invitation))
        invitation.email = "a@example.org,evil@evil.org"
        await session.commit()
        async with anonymous_browser(app) as invitee:
            accepted = await invitee.post("/api/invitations/accept", json=_accept(token))
        assert accepted.status_code == 404
        assert accepted.json()["code"] == "invitation_invalid"

    async def test_inviting_to_a_missing_organization_is_404(self, signed_in_admin) -> None:  # type: ignore[no-untyped-def]
        response = await signed_in_admin.post(
            "/api/invitations",
            json={
                "email": "x@example.org",
                "organization_id": "00000000-0000-7000-8000-000000000000",
                "role": "member",
            },
        )
        assert response.status_code == 404
