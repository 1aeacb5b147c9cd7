"""Changing one's password and email: re-authentication, policy, sessions, notices, and the
email change's confirmation from the new address."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models.audit import AuditEvent
from app.models.outbox import OutboxMessage
from app.models.users import EmailChange, PlatformRole, User
from tests.auth.conftest import sign_in, signed_in_client
from tests.auth.factories import PASSWORD, make_user
from tests.auth.test_totp import COOKIE, actions, code_at, mail_to, sign_in_as, user_with_totp
from tests.support.signed_out import signed_out

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
            assert await signed_out(laptop)
        finally:
            await laptop.aclose()
        assert client.cookies.get(COOKIE) != before
        client.headers["x-csrf-token"] = response.json()["csrf_token"]
        assert (await client.get("/api/auth/sessions")).status_code == 200
        client.cookies.clear()
        client.cookies.set(COOKIE, before, domain="localhost")
        assert await signed_out(client)

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

    async def test_the_one_time_password_just_typed_is_not_asked_again(  # type: ignore[no-untyped-def]
        self, client, session, clock, settings
    ) -> None:
        user = await make_user(session)
        user.password_change_required = True
        await session.commit()
        client.headers["x-csrf-token"] = (await sign_in_as(client, user)).json()["csrf_token"]
        response = await client.post("/api/auth/password", json={"new_password": NEW_PASSWORD})
        assert response.status_code == 200, response.text

    async def test_a_forced_change_long_after_sign_in_asks_for_the_password(  # type: ignore[no-untyped-def]
        self, client, session, clock, settings
    ) -> None:
        user = await make_user(session)
        user.password_change_required = True
        await session.commit()
        client.headers["x-csrf-token"] = (await sign_in_as(client, user)).json()["csrf_token"]
        clock.advance(timedelta(minutes=settings.session.step_up_minutes, seconds=1))
        response = await client.post("/api/auth/password", json={"new_password": NEW_PASSWORD})
        assert response.status_code == 403
        assert response.json()["code"] == "current_password_required"

    async def test_otherwise_enrolment_comes_first(self, client, session) -> None:  # type: ignore[no-untyped-def]
        admin = await make_user(session, roles=frozenset({PlatformRole.ADMIN}))
        await sign_in_as(client, admin)
        response = await client.post(
            "/api/auth/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
        )
        assert response.status_code == 403
        assert response.json()["code"] == "enrolment_required"


NEW_ADDRESS = "New.Address@example.org"


async def _request(client, new_email: str = NEW_ADDRESS, **extra):  # type: ignore[no-untyped-def]
    return await client.post(
        "/api/auth/email", json={"new_email": new_email, "current_password": PASSWORD, **extra}
    )


async def _code_sent_to(session, address: str) -> str:  # type: ignore[no-untyped-def]
    messages = await mail_to(session, address, kind="email_change_code")
    assert messages, f"no code was sent to {address}"
    found = re.search(r"\b(\d{4}) (\d{4})\b", messages[-1].body)
    assert found, messages[-1].body
    return found.group(1) + found.group(2)


async def _confirm(client, code: str):  # type: ignore[no-untyped-def]
    return await client.post("/api/auth/email/confirm", json={"code": code})


async def _pending(client):  # type: ignore[no-untyped-def]
    response = await client.get("/api/auth/email/pending")
    assert response.status_code == 200, response.text
    return response.json()["pending"]


class TestEmailChange:
    async def test_nothing_changes_until_the_code_sent_to_the_new_address_is_entered(
        self, client, session
    ) -> None:  # type: ignore[no-untyped-def]
        user = await _member(client, session, display_name="Ales Bialiatski")
        old = user.email
        requested = await _request(client, "  New.Address@Example.ORG ")
        assert requested.status_code == 202, requested.text
        # Canonical: the domain lower-cased, the part before @ as typed.
        assert requested.json()["email"] == NEW_ADDRESS
        assert (await _pending(client))["email"] == NEW_ADDRESS

        # Not yet: the account still signs in with, and is told things at, the old address.
        assert (await client.get("/api/auth/session")).json()["user"]["email"] == old
        assert (await sign_in(client, NEW_ADDRESS)).status_code == 401
        assert (await sign_in(client, old)).status_code == 200

        code_mail = (await mail_to(session, NEW_ADDRESS, kind="email_change_code"))[-1]
        # The new mailbox may be a typo: it learns neither who asked nor for what coalition.
        assert "Ales" not in code_mail.body and "Bialiatski" not in code_mail.body
        requested_notice = (await mail_to(session, old))[-1]
        assert "asked for" in requested_notice.body
        assert "new.address" not in requested_notice.body.lower()

        await sign_in_as(client, user)
        code = await _code_sent_to(session, NEW_ADDRESS)
        confirmed = await _confirm(client, f"{code[:4]} {code[4:]}")
        assert confirmed.status_code == 200, confirmed.text
        assert confirmed.json() == {"email": NEW_ADDRESS}
        assert (await client.get("/api/auth/session")).json()["user"]["email"] == NEW_ADDRESS
        assert await _pending(client) is None
        # The code worked once.
        again = await _confirm(client, code)
        assert again.status_code == 400
        assert again.json()["code"] == "email_change_invalid"

        assert (await sign_in(client, NEW_ADDRESS)).status_code == 200
        assert (await sign_in(client, "new.address@EXAMPLE.org")).status_code == 200
        assert (await sign_in(client, old)).status_code == 401

        # Both addresses are told; the old one does not learn the new address.
        to_old = await mail_to(session, old)
        to_new = await mail_to(session, NEW_ADDRESS)
        assert "the email address was changed" in to_old[-1].body
        assert "the email address was changed" in to_new[-1].body
        assert "new.address" not in to_old[-1].body.lower()
        events = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action.like("user.email_change%"))
            )
        ).all()
        assert {e.action for e in events} == {"user.email_change_requested", "user.email_changed"}
        assert all(e.target_id == str(user.id) for e in events)
        assert all("new.address" not in (e.details_json or "").lower() for e in events)

    async def test_wrong_codes_are_counted_and_the_fifth_ends_the_change(
        self, client, session
    ) -> None:  # type: ignore[no-untyped-def]
        user = await _member(client, session)
        assert (await _request(client)).status_code == 202
        code = await _code_sent_to(session, NEW_ADDRESS)
        wrong = f"{(int(code) + 1) % 10**8:08d}"
        for _ in range(4):
            refused = await _confirm(client, wrong)
            assert refused.status_code == 400
            assert refused.json()["code"] == "email_change_invalid"
        assert await _pending(client) is not None
        assert (await _confirm(client, wrong)).status_code == 400
        assert await _pending(client) is None
        # Now even the right code is too late.
        assert (await _confirm(client, code)).status_code == 400
        refreshed = await session.get(User, user.id, populate_existing=True)
        assert refreshed is not None and refreshed.email == user.email
        assert "user.email_change_cancelled" in await actions(session)
        assert (await session.scalar(select(EmailChange))) is None

    async def test_a_code_expires_after_an_hour(self, client, session, clock) -> None:  # type: ignore[no-untyped-def]
        await _member(client, session)
        assert (await _request(client)).status_code == 202
        code = await _code_sent_to(session, NEW_ADDRESS)
        for _ in range(3):  # the session stays in use (idle timeout), the code does not
            clock.advance(timedelta(minutes=19))
            assert (await _pending(client)) is not None
        clock.advance(timedelta(minutes=3))
        assert await _pending(client) is None
        assert (await _confirm(client, code)).json()["code"] == "email_change_invalid"

    async def test_a_new_request_replaces_the_pending_one(self, client, session, clock) -> None:  # type: ignore[no-untyped-def]
        await _member(client, session)
        assert (await _request(client, "first@example.org")).status_code == 202
        first = await _code_sent_to(session, "first@example.org")
        # Not straight away: each request mails an address of the requester's choosing.
        too_soon = await _request(client, "second@example.org")
        assert too_soon.status_code == 429
        assert too_soon.json()["code"] == "email_change_too_soon"
        assert int(too_soon.headers["retry-after"]) >= 1
        clock.advance(timedelta(minutes=1))
        assert (await _request(client, "second@example.org")).status_code == 202
        second = await _code_sent_to(session, "second@example.org")
        assert (await _pending(client))["email"] == "second@example.org"
        if first != second:
            assert (await _confirm(client, first)).status_code == 400
        confirmed = await _confirm(client, second)
        assert confirmed.json() == {"email": "second@example.org"}

    async def test_a_pending_change_can_be_withdrawn(self, client, session) -> None:  # type: ignore[no-untyped-def]
        await _member(client, session)
        assert (await _request(client)).status_code == 202
        code = await _code_sent_to(session, NEW_ADDRESS)
        cancelled = await client.delete("/api/auth/email/pending")
        assert cancelled.status_code == 200
        assert cancelled.json() == {"pending": None}
        assert (await _confirm(client, code)).status_code == 400
        assert "user.email_change_cancelled" in await actions(session)

    async def test_only_the_account_that_asked_can_confirm(self, app, client, session) -> None:  # type: ignore[no-untyped-def]
        await _member(client, session)
        assert (await _request(client)).status_code == 202
        code = await _code_sent_to(session, NEW_ADDRESS)
        other = await make_user(session)
        browser = await signed_in_client(app, other.email)
        try:
            refused = await browser.post("/api/auth/email/confirm", json={"code": code})
            assert refused.status_code == 400
            assert refused.json()["code"] == "email_change_invalid"
        finally:
            await browser.aclose()
        assert (await _confirm(client, code)).status_code == 200

    async def test_an_address_in_use_is_refused(self, client, session) -> None:  # type: ignore[no-untyped-def]
        other = await make_user(session, email="taken@example.org")
        user = await _member(client, session)
        response = await _request(client, "TAKEN@example.org")
        assert response.status_code == 409
        assert response.json()["code"] == "email_taken"
        await session.refresh(user)
        assert user.email != other.email
        assert await mail_to(session, "TAKEN@example.org", kind="email_change_code") == []

    async def test_an_address_taken_while_the_code_travelled_is_refused(
        self, client, session
    ) -> None:  # type: ignore[no-untyped-def]
        user = await _member(client, session)
        assert (await _request(client)).status_code == 202
        code = await _code_sent_to(session, NEW_ADDRESS)
        await make_user(session, email="new.address@example.org")
        refused = await _confirm(client, code)
        assert refused.status_code == 409
        assert refused.json()["code"] == "email_taken"
        assert (await sign_in(client, user.email)).status_code == 200

    @pytest.mark.parametrize(
        "address",
        [
            "no-at-sign.example.org",
            "@example.org",
            "a b@c.org",
            "a@x.org,evil@evil.org",
            "Someone <a@x.org>",
            '"a"@x.org',
            "a@b@x.org",
            "a\u200d@x.org",
            "a\u202e@x.org",
            "a\x00@x.org",
            "a\x1b@x.org",
            "a@x.org\r\nBcc: evil@evil.org",
        ],
    )
    async def test_a_malformed_address_is_refused(self, client, session, address) -> None:  # type: ignore[no-untyped-def]
        await _member(client, session)
        response = await _request(client, address)
        assert response.status_code == 422
        problem = response.json()
        assert problem["code"] == "validation_failed"
        assert [(e["loc"], e["type"]) for e in problem["errors"]] == [
            (["body", "new_email"], "email_invalid")
        ]
        assert "evil" not in response.text
        assert (await session.scalar(select(EmailChange))) is None
        outbox = (await session.scalars(select(OutboxMessage.kind))).all()
        assert "email_change_code" not in outbox

    async def test_an_internationalized_domain_is_kept_in_ascii(self, client, session) -> None:  # type: ignore[no-untyped-def]
        await _member(client, session)
        response = await _request(client, "Ales@Bücher.example")
        assert response.status_code == 202, response.text
        assert response.json()["email"] == "Ales@xn--bcher-kva.example"
        code = await _code_sent_to(session, "Ales@xn--bcher-kva.example")
        assert (await _confirm(client, code)).json() == {"email": "Ales@xn--bcher-kva.example"}
        # Either spelling signs in.
        assert (await sign_in(client, "ales@bücher.example")).status_code == 200
        assert (await sign_in(client, "ales@xn--bcher-kva.example")).status_code == 200

    async def test_the_same_address_is_not_a_change(self, client, session) -> None:  # type: ignore[no-untyped-def]
        user = await _member(client, session)
        response = await _request(client, user.email.upper())
        assert response.status_code == 422
        assert response.json()["code"] == "email_unchanged"

    async def test_a_wrong_current_password_is_refused(self, client, session) -> None:  # type: ignore[no-untyped-def]
        user = await _member(client, session)
        response = await _request(client, "elsewhere@example.org", current_password="wrong wrong")
        assert response.status_code == 403
        assert response.json()["code"] == "current_password_wrong"
        refreshed = await session.get(User, user.id, populate_existing=True)
        assert refreshed is not None and refreshed.email == user.email
        assert await mail_to(session, "elsewhere@example.org", kind="email_change_code") == []

    async def test_with_a_second_factor_a_fresh_step_up_is_required(
        self, client, session, clock
    ) -> None:  # type: ignore[no-untyped-def]
        await user_with_totp(client, session, clock)
        clock.advance(timedelta(minutes=6))
        response = await _request(client, "elsewhere@example.org")
        assert response.status_code == 403
        assert response.json()["code"] == "step_up_required"

    async def test_extra_fields_are_refused(self, client, session) -> None:  # type: ignore[no-untyped-def]
        await _member(client, session)
        response = await _request(client, "x@example.org", status="admin")
        assert response.status_code == 422
        assert response.json()["code"] == "validation_failed"

    @pytest.mark.parametrize("code", ["", "1234", "abcdefgh", "1234567890", "１２３４５６７８"])
    async def test_a_code_that_cannot_be_one_is_a_validation_error(
        self, client, session, code
    ) -> None:  # type: ignore[no-untyped-def]
        await _member(client, session)
        response = await _confirm(client, code)
        assert response.status_code == 422
        assert response.json()["code"] == "validation_failed"

    async def test_signed_out_nobody_can_ask_or_confirm(self, client) -> None:  # type: ignore[no-untyped-def]
        assert (await _request(client)).status_code == 401
        assert (await _confirm(client, "12345678")).status_code == 401
        assert (await client.get("/api/auth/email/pending")).status_code == 401


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
