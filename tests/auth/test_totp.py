"""Authenticator apps (TOTP): forced enrolment, the ±1-step window, replay refusal, and the
second factor after a password sign-in — over HTTP, with codes computed by pyotp at the
test clock's time."""

from __future__ import annotations

import base64
import re
import uuid
from datetime import datetime, timedelta
from urllib.parse import unquote

import httpx
import pyotp
import pytest
from pydantic import ValidationError
from sqlalchemy import select

from app.auth.factors import totp
from app.config import AuthSettings, Settings
from app.kit.clock import ManualClock
from app.models.audit import AuditEvent
from app.models.identity import AuthChallenge, TotpFactor
from app.models.outbox import OutboxMessage
from app.models.users import PlatformRole, User
from tests.auth.conftest import sign_in, signed_in_client
from tests.auth.factories import make_user
from tests.support.signed_out import signed_out

COOKIE = "__Host-accord_session"


def code_at(secret: str, when: datetime) -> str:
    return pyotp.TOTP(secret).at(when)


async def sign_in_as(client: httpx.AsyncClient, user: User) -> httpx.Response:
    response = await sign_in(client, user.email)
    assert response.status_code == 200, response.text
    client.headers["x-csrf-token"] = response.json()["csrf_token"]
    return response


async def enrol_totp(client: httpx.AsyncClient, clock: ManualClock) -> tuple[str, list[str]]:
    """Set up an authenticator app for the signed-in user; the secret and recovery codes."""
    started = await client.post("/api/auth/totp/enrolment")
    assert started.status_code == 200, started.text
    secret = started.json()["secret"]
    confirmed = await client.post(
        "/api/auth/totp/enrolment/confirm", json={"code": code_at(secret, clock.now())}
    )
    assert confirmed.status_code == 200, confirmed.text
    client.headers["x-csrf-token"] = confirmed.json()["csrf_token"]
    return secret, confirmed.json()["recovery_codes"]


async def user_with_totp(client, session, clock, **kwargs):  # type: ignore[no-untyped-def]
    """A user who has set up TOTP in ``client`` (a full session), and the secret."""
    user = await make_user(session, **kwargs)
    await sign_in_as(client, user)
    secret, codes = await enrol_totp(client, clock)
    return user, secret, codes


async def actions(session) -> list[str]:  # type: ignore[no-untyped-def]
    return list((await session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq))).all())


async def mail_to(session, address: str, kind: str = "credential_changed") -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    """Queued messages of ``kind`` to ``address``, oldest first."""
    query = select(OutboxMessage).where(OutboxMessage.kind == kind)
    rows = (await session.scalars(query.order_by(OutboxMessage.created_at))).all()
    return [m for m in rows if m.recipient == address]


class TestForcedEnrolment:
    async def test_an_admin_must_enrol_before_anything_else(self, client, session, clock) -> None:  # type: ignore[no-untyped-def]
        admin = await make_user(session, roles=frozenset({PlatformRole.ADMIN}))
        signed = await sign_in_as(client, admin)
        assert signed.json()["state"] == "enrolment_required"
        blocked = await client.get("/api/auth/sessions")
        assert blocked.status_code == 403
        assert blocked.json()["code"] == "enrolment_required"
        assert (await client.get("/api/auth/recovery-codes")).status_code == 403

        started = await client.post("/api/auth/totp/enrolment")
        assert started.status_code == 200
        body = started.json()
        assert body["otpauth_uri"].startswith("otpauth://totp/")
        assert f"secret={body['secret']}" in body["otpauth_uri"]
        assert body["qr_svg"].startswith("<svg") and "<path" in body["qr_svg"]
        before = client.cookies.get(COOKIE)

        confirmed = await client.post(
            "/api/auth/totp/enrolment/confirm", json={"code": code_at(body["secret"], clock.now())}
        )
        assert confirmed.status_code == 200, confirmed.text
        assert confirmed.json()["state"] == "full"
        assert len(confirmed.json()["recovery_codes"]) == 10
        assert client.cookies.get(COOKIE) != before
        client.headers["x-csrf-token"] = confirmed.json()["csrf_token"]

        assert (await client.get("/api/auth/sessions")).status_code == 200
        info = (await client.get("/api/auth/session")).json()
        assert info["state"] == "full"
        assert info["totp_enabled"] is True
        assert "totp.enrolled" in await actions(session)
        mail = await mail_to(session, admin.email)
        assert "authenticator app" in mail[-1].body

    async def test_the_old_cookie_dies_with_enrolment(self, client, session, clock) -> None:  # type: ignore[no-untyped-def]
        admin = await make_user(session, roles=frozenset({PlatformRole.COORDINATOR}))
        await sign_in_as(client, admin)
        password_only = client.cookies.get(COOKIE)
        await enrol_totp(client, clock)
        client.cookies.clear()
        client.cookies.set(COOKIE, password_only, domain="localhost")
        assert await signed_out(client)

    async def test_a_wrong_code_does_not_confirm(self, client, session, clock) -> None:  # type: ignore[no-untyped-def]
        admin = await make_user(session, roles=frozenset({PlatformRole.ADMIN}))
        await sign_in_as(client, admin)
        secret = (await client.post("/api/auth/totp/enrolment")).json()["secret"]
        wrong = str((int(code_at(secret, clock.now())) + 1) % 1_000_000).zfill(6)
        response = await client.post("/api/auth/totp/enrolment/confirm", json={"code": wrong})
        assert response.status_code == 400
        assert response.json()["code"] == "second_factor_invalid"
        assert (await client.get("/api/auth/session")).json()["state"] == "enrolment_required"
        # The set-up is still pending: the right code works after a typo.
        right = await client.post(
            "/api/auth/totp/enrolment/confirm", json={"code": code_at(secret, clock.now())}
        )
        assert right.status_code == 200

    async def test_a_set_up_is_confirmed_from_the_session_that_started_it(
        self, app, client, session, clock
    ) -> None:  # type: ignore[no-untyped-def]
        admin = await make_user(session, roles=frozenset({PlatformRole.ADMIN}))
        await sign_in_as(client, admin)
        secret = (await client.post("/api/auth/totp/enrolment")).json()["secret"]
        other = await signed_in_client(app, admin.email)
        try:
            response = await other.post(
                "/api/auth/totp/enrolment/confirm", json={"code": code_at(secret, clock.now())}
            )
            assert response.status_code == 400
            assert response.json()["code"] == "totp_enrolment_expired"
        finally:
            await other.aclose()

    async def test_an_abandoned_set_up_expires(self, client, session, clock) -> None:  # type: ignore[no-untyped-def]
        admin = await make_user(session, roles=frozenset({PlatformRole.ADMIN}))
        await sign_in_as(client, admin)
        secret = (await client.post("/api/auth/totp/enrolment")).json()["secret"]
        clock.advance(timedelta(minutes=16))
        response = await client.post(
            "/api/auth/totp/enrolment/confirm", json={"code": code_at(secret, clock.now())}
        )
        assert response.json()["code"] == "totp_enrolment_expired"

    async def test_only_the_newest_set_up_can_be_confirmed(self, client, session, clock) -> None:  # type: ignore[no-untyped-def]
        admin = await make_user(session, roles=frozenset({PlatformRole.ADMIN}))
        await sign_in_as(client, admin)
        first = (await client.post("/api/auth/totp/enrolment")).json()["secret"]
        second = (await client.post("/api/auth/totp/enrolment")).json()["secret"]
        assert first != second
        stale = await client.post(
            "/api/auth/totp/enrolment/confirm", json={"code": code_at(first, clock.now())}
        )
        assert stale.status_code == 400
        fresh = await client.post(
            "/api/auth/totp/enrolment/confirm", json={"code": code_at(second, clock.now())}
        )
        assert fresh.status_code == 200

    async def test_the_secret_is_stored_encrypted(self, client, session, clock) -> None:  # type: ignore[no-untyped-def]
        admin = await make_user(session, roles=frozenset({PlatformRole.ADMIN}))
        await sign_in_as(client, admin)
        secret, _ = await enrol_totp(client, clock)
        stored = (await session.scalars(select(TotpFactor.secret_ct))).all()
        pending = (await session.scalars(select(AuthChallenge.payload_ct))).all()
        assert stored
        for blob in [*stored, *pending]:
            assert secret.encode() not in blob and secret.lower().encode() not in blob

    async def test_anonymous_cannot_enrol(self, client) -> None:  # type: ignore[no-untyped-def]
        response = await client.post("/api/auth/totp/enrolment")
        assert response.status_code == 401


class TestReEnrolment:
    async def test_replacing_the_app_needs_a_fresh_step_up(self, client, session, clock) -> None:  # type: ignore[no-untyped-def]
        await user_with_totp(client, session, clock)
        clock.advance(timedelta(minutes=6))
        response = await client.post("/api/auth/totp/enrolment")
        assert response.status_code == 403
        assert response.json()["code"] == "step_up_required"

    async def test_the_old_app_works_until_the_new_one_is_confirmed(
        self, app, client, session, clock
    ) -> None:  # type: ignore[no-untyped-def]
        user, old_secret, _ = await user_with_totp(client, session, clock)
        # Stepped up a moment ago: a new set-up may start, and is then abandoned.
        assert (await client.post("/api/auth/totp/enrolment")).status_code == 200
        clock.advance(timedelta(minutes=1))
        laptop = await signed_in_client(app, user.email)
        try:
            response = await laptop.post(
                "/api/auth/second-factor/totp", json={"code": code_at(old_secret, clock.now())}
            )
            assert response.status_code == 200
        finally:
            await laptop.aclose()

    async def test_a_confirmed_replacement_retires_the_old_app(
        self, app, client, session, clock
    ) -> None:  # type: ignore[no-untyped-def]
        user, old_secret, _ = await user_with_totp(client, session, clock)
        clock.advance(timedelta(minutes=1))
        new_secret, _ = await enrol_totp(client, clock)
        clock.advance(timedelta(minutes=1))
        laptop = await signed_in_client(app, user.email)
        try:
            old = await laptop.post(
                "/api/auth/second-factor/totp", json={"code": code_at(old_secret, clock.now())}
            )
            assert old.status_code == 400
            new = await laptop.post(
                "/api/auth/second-factor/totp", json={"code": code_at(new_secret, clock.now())}
            )
            assert new.status_code == 200
        finally:
            await laptop.aclose()


class TestEntryInTheApp:
    """What the authenticator app lists: on a seized phone, the entry must not tie the
    person to the coalition — no "Accord", no email — yet entries can be told apart."""

    async def start(self, client, session, **user) -> tuple[User, str, str]:  # type: ignore[no-untyped-def]
        person = await make_user(session, **user)
        await sign_in_as(client, person)
        started = await client.post("/api/auth/totp/enrolment")
        assert started.status_code == 200, started.text
        return person, started.json()["otpauth_uri"], started.json()["secret"]

    async def test_by_default_it_names_neither_the_coalition_nor_the_person(
        self, client, session, clock
    ) -> None:  # type: ignore[no-untyped-def]
        person, uri, secret = await self.start(
            client, session, email=f"hanna.{uuid.uuid4().hex[:6]}@vyasna.example.by"
        )

        # The secret is random base32: leave it out so that it cannot spell a word by chance.
        shown = unquote(uri.replace(secret, ""))
        assert "accord" not in shown.lower()
        assert person.email.lower() not in shown.lower()
        assert person.display_name.lower() not in shown.lower()
        for word in re.split(r"[@.]", person.email.lower()):
            assert word not in shown.lower(), word
        entry = pyotp.parse_uri(uri)
        assert (entry.issuer, entry.name) == ("Sign-in", totp.entry_tag(secret))
        assert re.fullmatch(r"[A-Z2-7]{4}", entry.name)
        # It is a working entry: a code from it confirms the set-up.
        confirmed = await client.post(
            "/api/auth/totp/enrolment/confirm", json={"code": entry.at(clock.now())}
        )
        assert confirmed.status_code == 200, confirmed.text

    async def test_each_set_up_gets_its_own_tag(self, client, session, clock) -> None:  # type: ignore[no-untyped-def]
        _, first, _ = await self.start(client, session)
        second = (await client.post("/api/auth/totp/enrolment")).json()["otpauth_uri"]

        assert pyotp.parse_uri(first).name != pyotp.parse_uri(second).name

    async def test_the_issuer_and_label_come_from_the_settings(
        self, app, client, session, clock
    ) -> None:  # type: ignore[no-untyped-def]
        auth = app.state.settings.auth.model_copy(
            update={"totp_issuer": "Work mail", "totp_account_label": "Phone {email} {tag}"}
        )
        app.state.settings = app.state.settings.model_copy(update={"auth": auth})

        _, uri, secret = await self.start(client, session)

        entry = pyotp.parse_uri(uri)
        # Only {tag} is replaced: a label cannot pull the email (or anything else) in.
        assert entry.issuer == "Work mail"
        assert entry.name == f"Phone {{email}} {totp.entry_tag(secret)}"

    async def test_an_empty_issuer_is_left_out(self, app, client, session, clock) -> None:  # type: ignore[no-untyped-def]
        auth = app.state.settings.auth.model_copy(
            update={"totp_issuer": "", "totp_account_label": "Code"}
        )
        app.state.settings = app.state.settings.model_copy(update={"auth": auth})

        _, uri, secret = await self.start(client, session)

        assert uri == f"otpauth://totp/Code?secret={secret}"

    @pytest.mark.parametrize(
        "values",
        [
            {"totp_issuer": "Accord:x"},
            {"totp_account_label": "a:b"},
            {"totp_account_label": ""},
            {"totp_issuer": "line\nbreak"},
            {"totp_account_label": "x" * 65},
        ],
    )
    def test_settings_refuse_what_would_break_the_uri(self, values: dict[str, str]) -> None:
        with pytest.raises(ValidationError):
            AuthSettings(**values)  # type: ignore[arg-type]

    def test_the_settings_are_read_from_the_environment(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("ACCORD_AUTH__TOTP_ISSUER", "Mail")
        monkeypatch.setenv("ACCORD_AUTH__TOTP_ACCOUNT_LABEL", "Laptop {tag}")

        auth = Settings(_env_file=None).auth  # type: ignore[call-arg]

        assert (auth.totp_issuer, auth.totp_account_label) == ("Mail", "Laptop {tag}")


class TestSecondFactorAfterSignIn:
    async def test_the_password_alone_opens_nothing_until_the_code_is_given(
        self, app, client, session, clock
    ) -> None:  # type: ignore[no-untyped-def]
        user, secret, _ = await user_with_totp(client, session, clock)
        clock.advance(timedelta(minutes=1))
        browser = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
            base_url="https://localhost",
        )
        try:
            signed = await sign_in_as(browser, user)
            assert signed.json()["state"] == "second_factor_required"
            blocked = await browser.get("/api/auth/sessions")
            assert blocked.status_code == 403
            assert blocked.json()["code"] == "second_factor_required"
            password_only = browser.cookies.get(COOKIE)

            verified = await browser.post(
                "/api/auth/second-factor/totp", json={"code": code_at(secret, clock.now())}
            )
            assert verified.status_code == 200, verified.text
            assert verified.json()["state"] == "full"
            assert verified.json()["method"] == "totp"
            assert verified.json()["recovery_codes_remaining"] == 10
            assert verified.json()["csrf_token"] != signed.json()["csrf_token"]
            assert browser.cookies.get(COOKIE) != password_only
            browser.headers["x-csrf-token"] = verified.json()["csrf_token"]
            assert (await browser.get("/api/auth/sessions")).status_code == 200

            # The password-only cookie died with the elevation.
            browser.cookies.clear()
            browser.cookies.set(COOKIE, password_only, domain="localhost")
            assert await signed_out(browser)
        finally:
            await browser.aclose()
        assert "user.second_factor_verified" in await actions(session)

    async def test_a_user_without_totp_has_nothing_to_verify(self, client, session, clock) -> None:  # type: ignore[no-untyped-def]
        user = await make_user(session)
        await sign_in_as(client, user)
        response = await client.post("/api/auth/second-factor/totp", json={"code": "123456"})
        assert response.status_code == 409
        assert response.json()["code"] == "no_second_factor"

    async def test_anonymous_gets_401(self, client) -> None:  # type: ignore[no-untyped-def]
        response = await client.post("/api/auth/second-factor/totp", json={"code": "123456"})
        assert response.status_code == 401


class TestWindow:
    @pytest.mark.parametrize("offset", [-30, 0, 30])
    async def test_codes_one_step_either_side_are_accepted(
        self, app, client, session, clock, offset
    ) -> None:  # type: ignore[no-untyped-def]
        user, secret, _ = await user_with_totp(client, session, clock)
        clock.advance(timedelta(minutes=5))
        laptop = await signed_in_client(app, user.email)
        try:
            code = code_at(secret, clock.now() + timedelta(seconds=offset))
            response = await laptop.post("/api/auth/second-factor/totp", json={"code": code})
            assert response.status_code == 200, response.text
        finally:
            await laptop.aclose()

    @pytest.mark.parametrize("offset", [-60, 60, -90, 90])
    async def test_codes_two_steps_away_are_refused(
        self, app, client, session, clock, offset
    ) -> None:  # type: ignore[no-untyped-def]
        user, secret, _ = await user_with_totp(client, session, clock)
        clock.advance(timedelta(minutes=5))
        laptop = await signed_in_client(app, user.email)
        try:
            code = code_at(secret, clock.now() + timedelta(seconds=offset))
            if code in {code_at(secret, clock.now() + timedelta(seconds=s)) for s in (-30, 0, 30)}:
                pytest.skip("the far code happens to equal a near one (1 in ~300,000)")
            response = await laptop.post("/api/auth/second-factor/totp", json={"code": code})
            assert response.status_code == 400
            assert response.json()["code"] == "second_factor_invalid"
        finally:
            await laptop.aclose()

    @pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "１２３４５６"])
    def test_malformed_codes_never_match(self, code: str) -> None:
        assert totp.matching_step(pyotp.random_base32(), code, now=datetime.now()) is None

    def test_a_secret_below_the_nist_minimum_matches_nothing(self) -> None:
        short, now = "JBSWY3DPEHPK3PXP", datetime.now()  # 80 bits
        assert totp.matching_step(short, "123456", now=now) is None

    def test_new_secrets_have_160_bits(self) -> None:
        assert len(base64.b32decode(totp.new_secret())) * 8 == 160

    def test_spaces_inside_a_code_are_ignored(self) -> None:
        secret, now = pyotp.random_base32(), datetime.now()
        code = pyotp.TOTP(secret).at(now)
        assert totp.matching_step(secret, f" {code[:3]} {code[3:]} ", now=now) is not None


class TestReplay:
    async def test_a_code_is_accepted_once(self, app, client, session, clock) -> None:  # type: ignore[no-untyped-def]
        user, secret, _ = await user_with_totp(client, session, clock)
        clock.advance(timedelta(minutes=1))
        code = code_at(secret, clock.now())
        first = await signed_in_client(app, user.email)
        second = await signed_in_client(app, user.email)
        try:
            ok = await first.post("/api/auth/second-factor/totp", json={"code": code})
            assert ok.status_code == 200
            # Same code, still inside its 30 seconds: an eavesdropper's copy is worthless.
            replayed = await second.post("/api/auth/second-factor/totp", json={"code": code})
            assert replayed.status_code == 400
            # Refused, and said so plainly (the person may have typed the code just used).
            assert replayed.json()["code"] == "second_factor_reused"
            assert (await second.get("/api/auth/session")).json()["state"] == (
                "second_factor_required"
            )
            wrong = await second.post("/api/auth/second-factor/totp", json={"code": "000000"})
            assert wrong.json()["code"] == "second_factor_invalid"
        finally:
            await first.aclose()
            await second.aclose()

    async def test_the_code_that_confirmed_enrolment_is_used_up(
        self, app, client, session, clock
    ) -> None:  # type: ignore[no-untyped-def]
        user, secret, _ = await user_with_totp(client, session, clock)
        laptop = await signed_in_client(app, user.email)
        try:
            response = await laptop.post(
                "/api/auth/second-factor/totp", json={"code": code_at(secret, clock.now())}
            )
            assert response.status_code == 400
        finally:
            await laptop.aclose()

    async def test_an_older_code_after_a_newer_one_is_refused(
        self, app, client, session, clock
    ) -> None:  # type: ignore[no-untyped-def]
        user, secret, _ = await user_with_totp(client, session, clock)
        clock.advance(timedelta(minutes=5))
        first = await signed_in_client(app, user.email)
        second = await signed_in_client(app, user.email)
        try:
            newer = code_at(secret, clock.now() + timedelta(seconds=30))
            older = code_at(secret, clock.now())
            assert (
                await first.post("/api/auth/second-factor/totp", json={"code": newer})
            ).status_code == 200
            response = await second.post("/api/auth/second-factor/totp", json={"code": older})
            assert response.status_code == 400
        finally:
            await first.aclose()
            await second.aclose()


class TestThrottle:
    async def test_repeated_wrong_codes_block_even_the_right_one(
        self, app, client, session, clock, settings
    ) -> None:  # type: ignore[no-untyped-def]
        user, secret, _ = await user_with_totp(client, session, clock)
        clock.advance(timedelta(minutes=1))
        laptop = await signed_in_client(app, user.email)
        try:
            right = code_at(secret, clock.now())
            wrong = str((int(right) + 1) % 1_000_000).zfill(6)
            for _ in range(settings.throttle.account_failures):
                response = await laptop.post("/api/auth/second-factor/totp", json={"code": wrong})
                assert response.status_code == 400
            blocked = await laptop.post("/api/auth/second-factor/totp", json={"code": right})
            assert blocked.status_code == 429
            assert blocked.json()["code"] == "too_many_attempts"
            assert int(blocked.headers["retry-after"]) > 0
            # Recovery codes share the budget: switching method does not reset it.
            assert (
                await laptop.post(
                    "/api/auth/second-factor/recovery-code", json={"code": "aaaa-bbbb-cccc"}
                )
            ).status_code == 429

            clock.advance(timedelta(minutes=settings.throttle.block_minutes, seconds=1))
            later = await laptop.post(
                "/api/auth/second-factor/totp", json={"code": code_at(secret, clock.now())}
            )
            assert later.status_code == 200
        finally:
            await laptop.aclose()
        recorded = await actions(session)
        assert recorded.count("user.second_factor_failed") == settings.throttle.account_failures
        assert "user.second_factor_throttled" in recorded
