"""Changing one's password and email: re-authentication, policy, sessions, notices."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models.audit import AuditEvent
from app.models.users import PlatformRole, User
from tests.auth.conftest import sign_in, signed_in_client
from tests.auth.factories import PASSWORD, make_user
from tests.auth.test_totp import COOKIE, actions, code_at, mail_to, sign_in_as, user_with_totp

NEW_PASSWORD = "lantern orchard velvet 1984"


async def _member(client, session, **kwargs):  # type: ignore[no-untyped-def]
    user = await make_user(session, **kwargs)
    await sign_in_as(client, user)
    return user


class TestPasswordWithoutSecondFactor:
    async def test_the_current_password_is_required(self, client, session) -> None:  # type: ignore[no-untyped-def]
        await _member(client, session)
        response = await client.post("/api/auth/password", json={"new_password": NEW_PASSWORD})
        assert response.status_code == 403
        assert response.json()["code"] == "current_password_required"

    async def test_a_wrong_current_password_is_refused_and_audited(self, client, session) -> None:  # type: ignore[no-untyped-def]
        user = await _member(client, session)
        response = await client.post(
            "/api/auth/password",
            json={"current_password": "not my password at all", "new_password": NEW_PASSWORD},
        )
        assert response.status_code == 403
        assert response.json()["code"] == "current_password_wrong"
        assert "user.reauthentication_failed" in await actions(session)
        assert (await sign_in(client, user.email, NEW_PASSWORD)).status_code == 401

    async def test_wrong_guesses_share_the_accounts_sign_in_budget(
        self, client, session, settings
    ) -> None:  # type: ignore[no-untyped-def]
        user = await _member(client, session)
        guess = {"current_password": "guess guess guess", "new_password": NEW_PASSWORD}
        for _ in range(settings.throttle.account_failures):
            assert (await client.post("/api/auth/password", json=guess)).status_code == 403
        right = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
        blocked = await client.post("/api/auth/password", json=right)
        assert blocked.status_code == 429
        assert (await sign_in(client, user.email)).status_code == 429

    async def test_a_change_ends_every_other_session_and_rotates_this_one(
        self, app, client, session
    ) -> None:  # type: ignore[no-untyped-def]
        user = await _member(client, session)
        laptop = await signed_in_client(app, user.email)
        before = client.cookies.get(COOKIE)
        try:
            response = await client.post(
                "/api/auth/password",
                json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
            )
            assert response.status_code == 200, response.text
            assert response.json()["other_sessions_revoked"] == 1
            assert response.json()["state"] == "full"
            assert (await laptop.get("/api/auth/session")).status_code == 401
        finally:
            await laptop.aclose()
        assert client.cookies.get(COOKIE) != before
        client.headers["x-csrf-token"] = response.json()["csrf_token"]
        assert (await client.get("/api/auth/sessions")).status_code == 200
        client.cookies.clear()
        client.cookies.set(COOKIE, before, domain="localhost")
        assert (await client.get("/api/auth/session")).status_code == 401

        assert (await sign_in(client, user.email, PASSWORD)).status_code == 401
        assert (await sign_in(client, user.email, NEW_PASSWORD)).status_code == 200
        assert "user.password_changed" in await actions(session)
        assert "the password was changed" in (await mail_to(session, user.email))[-1].body

    @pytest.mark.parametrize(
        ("password", "reason"),
        [
            ("br1ef pw", "too_short"),
            ("a" * 300, "too_long"),
            ("password1234", "too_common"),
            ("qwertyuiopasdf", "too_guessable"),
        ],
    )
    async def test_the_policy_rejects_weak_passwords(
        self, client, session, password, reason
    ) -> None:  # type: ignore[no-untyped-def]
        user = await _member(client, session)
        response = await client.post(
            "/api/auth/password", json={"current_password": PASSWORD, "new_password": password}
        )
        assert response.status_code == 422
        assert response.json()["code"] == "password_rejected"
        assert response.json()["reason"] == reason
        assert password not in response.text
        assert (await sign_in(client, user.email, PASSWORD)).status_code == 200

    async def test_a_password_built_from_the_users_own_email_is_guessable(
        self, client, session
    ) -> None:  # type: ignore[no-untyped-def]
        await _member(client, session, email="maryna.kavalenka@example.org")
        response = await client.post(
            "/api/auth/password",
            json={"current_password": PASSWORD, "new_password": "maryna.kavalenka"},
        )
        assert response.status_code == 422
        assert response.json()["reason"] == "too_guessable"

    async def test_anonymous_gets_401(self, client) -> None:  # type: ignore[no-untyped-def]
        response = await client.post("/api/auth/password", json={"new_password": NEW_PASSWORD})
        assert response.status_code == 401


class TestPasswordWithSecondFactor:
    async def test_step_up_replaces_the_current_password(self, app, client, session, clock) -> None:  # type: ignore[no-untyped-def]
        user, secret, _ = await user_with_totp(client, session, clock)
        clock.advance(timedelta(minutes=6))
        stale = await client.post(
            "/api/auth/password",
            json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        )
        assert stale.status_code == 403
        assert stale.json()["code"] == "step_up_required"

        stepped = await client.post(
            "/api/auth/second-factor/totp", json={"code": code_at(secret, clock.now())}
        )
        client.headers["x-csrf-token"] = stepped.json()["csrf_token"]
        changed = await client.post("/api/auth/password", json={"new_password": NEW_PASSWORD})
        assert changed.status_code == 200
        client.headers["x-csrf-token"] = changed.json()["csrf_token"]
        # Rotation keeps what the session had proven: still full, still fresh.
        info = (await client.get("/api/auth/session")).json()
        assert info["state"] == "full" and info["second_factor_fresh"] is True
        assert (await sign_in(client, user.email, NEW_PASSWORD)).json()["state"] == (
            "second_factor_required"
        )

    async def test_a_password_only_session_cannot_change_it(
        self, app, client, session, clock
    ) -> None:  # type: ignore[no-untyped-def]
        user, _, _ = await user_with_totp(client, session, clock)
        laptop = await signed_in_client(app, user.email)
        try:
            response = await laptop.post(
                "/api/auth/password",
                json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
            )
            assert response.status_code == 403
            assert response.json()["code"] == "second_factor_required"
        finally:
            await laptop.aclose()


class TestFirstSignIn:
    async def test_a_required_change_is_allowed_before_enrolment(self, client, session) -> None:  # type: ignore[no-untyped-def]
        admin = await make_user(session, roles=frozenset({PlatformRole.ADMIN}))
        admin.password_change_required = True
        await session.commit()
        assert (await sign_in_as(client, admin)).json()["state"] == "enrolment_required"
        response = await client.post(
            "/api/auth/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
        )
        assert response.status_code == 200, response.text
        # A new password is not a second factor: enrolment is still due.
        assert response.json()["state"] == "enrolment_required"
        client.headers["x-csrf-token"] = response.json()["csrf_token"]
        info = (await client.get("/api/auth/session")).json()
        assert info["state"] == "enrolment_required"
        assert info["user"]["password_change_required"] is False
        assert (await client.get("/api/auth/sessions")).status_code == 403

    async def test_otherwise_enrolment_comes_first(self, client, session) -> None:  # type: ignore[no-untyped-def]
        admin = await make_user(session, roles=frozenset({PlatformRole.ADMIN}))
        await sign_in_as(client, admin)
        response = await client.post(
            "/api/auth/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
        )
        assert response.status_code == 403
        assert response.json()["code"] == "enrolment_required"


class TestEmail:
    async def test_the_new_address_signs_in_and_both_addresses_are_told(
        self, client, session
    ) -> None:  # type: ignore[no-untyped-def]
        user = await _member(client, session)
        old = user.email
        response = await client.post(
            "/api/auth/email",
            json={"new_email": "  New.Address@Example.ORG ", "current_password": PASSWORD},
        )
        assert response.status_code == 200, response.text
        assert response.json() == {"email": "new.address@example.org"}
        assert (await client.get("/api/auth/session")).json()["user"]["email"] == (
            "new.address@example.org"
        )
        assert (await sign_in(client, "new.address@example.org")).status_code == 200
        assert (await sign_in(client, old)).status_code == 401

        to_old = await mail_to(session, old)
        to_new = await mail_to(session, "new.address@example.org")
        assert to_old and to_new
        # The old mailbox may not be the user's alone any more: it learns of the change,
        # not the new address.
        assert "new.address" not in to_old[-1].body
        event = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == "user.email_changed")
            )
        ).one()
        assert event.target_id == str(user.id)
        assert "new.address" not in (event.details_json or "")

    async def test_an_address_in_use_is_refused(self, client, session) -> None:  # type: ignore[no-untyped-def]
        other = await make_user(session, email="taken@example.org")
        user = await _member(client, session)
        response = await client.post(
            "/api/auth/email",
            json={"new_email": "TAKEN@example.org", "current_password": PASSWORD},
        )
        assert response.status_code == 409
        assert response.json()["code"] == "email_taken"
        await session.refresh(user)
        assert user.email != other.email
        assert (await sign_in(client, user.email)).status_code == 200

    @pytest.mark.parametrize("address", ["no-at-sign.example.org", "@example.org", "a b@c.org"])
    async def test_a_malformed_address_is_refused(self, client, session, address) -> None:  # type: ignore[no-untyped-def]
        await _member(client, session)
        response = await client.post(
            "/api/auth/email", json={"new_email": address, "current_password": PASSWORD}
        )
        assert response.status_code == 422
        assert response.json()["code"] == "email_invalid"

    async def test_the_same_address_is_not_a_change(self, client, session) -> None:  # type: ignore[no-untyped-def]
        user = await _member(client, session)
        response = await client.post(
            "/api/auth/email", json={"new_email": user.email.upper(), "current_password": PASSWORD}
        )
        assert response.status_code == 422
        assert response.json()["code"] == "email_unchanged"

    async def test_a_wrong_current_password_is_refused(self, client, session) -> None:  # type: ignore[no-untyped-def]
        user = await _member(client, session)
        response = await client.post(
            "/api/auth/email",
            json={"new_email": "elsewhere@example.org", "current_password": "wrong wrong wrong"},
        )
        assert response.status_code == 403
        assert response.json()["code"] == "current_password_wrong"
        refreshed = await session.get(User, user.id, populate_existing=True)
        assert refreshed is not None and refreshed.email == user.email

    async def test_with_a_second_factor_a_fresh_step_up_is_required(
        self, client, session, clock
    ) -> None:  # type: ignore[no-untyped-def]
        await user_with_totp(client, session, clock)
        clock.advance(timedelta(minutes=6))
        response = await client.post(
            "/api/auth/email",
            json={"new_email": "elsewhere@example.org", "current_password": PASSWORD},
        )
        assert response.status_code == 403
        assert response.json()["code"] == "step_up_required"

    async def test_extra_fields_are_refused(self, client, session) -> None:  # type: ignore[no-untyped-def]
        await _member(client, session)
        response = await client.post(
            "/api/auth/email",
            json={"new_email": "x@example.org", "current_password": PASSWORD, "status": "admin"},
        )
        assert response.status_code == 422
        assert response.json()["code"] == "validation_failed"


async def test_a_required_password_change_blocks_everything_else_until_done(
    client, session
) -> None:  # type: ignore[no-untyped-def]
    from tests.auth.conftest import sign_in
    from tests.auth.factories import PASSWORD, make_user

    user = await make_user(session)
    user.password_change_required = True
    await session.commit()
    response = await sign_in(client, user.email)
    client.headers["x-csrf-token"] = response.json()["csrf_token"]
    blocked = await client.get("/api/auth/sessions")
    assert blocked.status_code == 403
    assert blocked.json()["code"] == "password_change_required"
    changed = await client.post(
        "/api/auth/password",
        json={"current_password": PASSWORD, "new_password": "amber lantern mosaic 77"},
    )
    assert changed.status_code == 200, changed.text
    client.headers["x-csrf-token"] = changed.json()["csrf_token"]
    assert (await client.get("/api/auth/sessions")).status_code == 200
