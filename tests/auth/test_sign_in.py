"""Password sign-in as a user and as an attacker meet it, over HTTP."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import select

from app.models.audit import AuditEvent
from app.models.users import PlatformRole
from tests.auth.conftest import sign_in
from tests.auth.factories import make_user


def _comparable(response: httpx.Response) -> tuple[int, dict[str, object], dict[str, str]]:
    body = response.json()
    body.pop("request_id", None)
    headers = {
        k: v
        for k, v in response.headers.items()
        if k not in {"x-request-id", "content-length", "date"}
    }
    return response.status_code, body, headers


class TestSignIn:
    async def test_right_password_sets_a_hardened_session_cookie(self, client, session) -> None:  # type: ignore[no-untyped-def]
        user = await make_user(session)
        response = await sign_in(client, user.email)
        assert response.status_code == 200
        assert response.json()["state"] == "full"
        assert len(response.json()["csrf_token"]) == 72
        cookie = response.headers["set-cookie"]
        assert cookie.startswith("__Host-accord_session=")
        for flag in ("HttpOnly", "Secure", "SameSite=strict", "Path=/"):
            assert flag.lower() in cookie.lower()
        assert "domain" not in cookie.lower()

    async def test_email_is_matched_whatever_its_case_and_spaces(self, client, session) -> None:  # type: ignore[no-untyped-def]
        await make_user(session, email="Maria.K@Example.org")
        response = await sign_in(client, "  maria.k@EXAMPLE.ORG ")
        assert response.status_code == 200

    async def test_unknown_account_and_wrong_password_get_identical_answers(
        self, client, session
    ) -> None:  # type: ignore[no-untyped-def]
        user = await make_user(session)
        wrong_password = await sign_in(client, user.email, "not the right password at all")
        unknown = await sign_in(client, "nobody-here@example.org", "not the right password at all")
        assert wrong_password.status_code == 401
        assert _comparable(wrong_password) == _comparable(unknown)
        assert wrong_password.json()["code"] == "invalid_credentials"
        assert "set-cookie" not in wrong_password.headers

    async def test_a_suspended_user_cannot_sign_in_and_learns_nothing(
        self, client, session
    ) -> None:  # type: ignore[no-untyped-def]
        user = await make_user(session)
        user.status = "suspended"
        await session.commit()
        response = await sign_in(client, user.email)
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_credentials"

    async def test_every_attempt_is_audited(self, client, session) -> None:  # type: ignore[no-untyped-def]
        user = await make_user(session)
        await sign_in(client, user.email, "wrong wrong wrong wrong")
        await sign_in(client, user.email)
        actions = (await session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq))).all()
        assert actions[-2:] == ["user.sign_in_failed", "user.signed_in"]

    async def test_a_privileged_user_without_a_second_factor_must_enrol_first(
        self, client, session
    ) -> None:  # type: ignore[no-untyped-def]
        admin = await make_user(session, roles=frozenset({PlatformRole.ADMIN}))
        response = await sign_in(client, admin.email)
        assert response.json()["state"] == "enrolment_required"
        client.headers["x-csrf-token"] = response.json()["csrf_token"]
        blocked = await client.get("/api/auth/sessions")
        assert blocked.status_code == 403
        assert blocked.json()["code"] == "enrolment_required"
        # What it may do: see its own state and sign out.
        assert (await client.get("/api/auth/session")).json()["state"] == "enrolment_required"
        assert (await client.post("/api/auth/sign-out")).status_code == 200

    async def test_malformed_input_is_a_422_problem(self, client) -> None:  # type: ignore[no-untyped-def]
        response = await client.post("/api/auth/sign-in", json={"email": "x", "password": ""})
        assert response.status_code == 422
        assert response.json()["code"] == "validation_failed"


class TestThrottles:
    async def test_an_account_is_blocked_after_repeated_failures_then_recovers(
        self, client, session, clock, settings
    ) -> None:  # type: ignore[no-untyped-def]
        user = await make_user(session)
        for _ in range(settings.throttle.account_failures):
            assert (await sign_in(client, user.email, "guess guess guess")).status_code == 401
        blocked = await sign_in(client, user.email)  # even the right password
        assert blocked.status_code == 429
        assert blocked.json()["code"] == "too_many_attempts"
        assert int(blocked.headers["retry-after"]) > 0
        clock.advance(timedelta(minutes=settings.throttle.block_minutes, seconds=1))
        assert (await sign_in(client, user.email)).status_code == 200

    async def test_an_address_is_blocked_across_accounts(self, client, session, settings) -> None:  # type: ignore[no-untyped-def]
        for i in range(settings.throttle.address_failures):
            await sign_in(client, f"spray-{i}@example.org", "Summer2026!!!!")
        user = await make_user(session)
        assert (await sign_in(client, user.email)).status_code == 429

    async def test_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored(
        self, client, settings
    ) -> None:  # type: ignore[no-untyped-def]
        for i in range(settings.throttle.address_failures):
            await client.post(
                "/api/auth/sign-in",
                json={"email": f"spray-{i}@example.org", "password": "Summer2026!!!!"},
                headers={"x-forwarded-for": f"198.51.100.{i}"},
            )
        response = await client.post(
            "/api/auth/sign-in",
            json={"email": "another@example.org", "password": "Summer2026!!!!"},
            headers={"x-forwarded-for": "198.51.100.250"},
        )
        assert response.status_code == 429

    async def test_a_trusted_proxy_forwards_the_client_address(self, app, client, settings) -> None:  # type: ignore[no-untyped-def]
        # The ASGI test client connects from 127.0.0.1: make that the proxy.
        app.state.settings = settings.model_copy(
            update={"http": settings.http.model_copy(update={"trusted_proxies": ["127.0.0.0/8"]})}
        )
        for i in range(settings.throttle.address_failures):
            await client.post(
                "/api/auth/sign-in",
                json={"email": f"spray-{i}@example.org", "password": "Summer2026!!!!"},
                headers={"x-forwarded-for": "198.51.100.7"},
            )
        other_client = await client.post(
            "/api/auth/sign-in",
            json={"email": "x@example.org", "password": "Summer2026!!!!"},
            headers={"x-forwarded-for": "198.51.100.8"},
        )
        assert other_client.status_code == 401  # a different client, not blocked


async def test_a_flood_of_sign_ins_gets_answers_not_a_stall(
    fresh_database_url, tmp_path, test_keys
) -> None:  # type: ignore[no-untyped-def]
    """100 concurrent sign-ins, each on its own connection: every one gets an answer.

    Attempts are counted before the password is checked, so right passwords beyond the
    account's budget in flight at once are refused too (429), never let through unchecked.
    """
    import asyncio

    from app.db import unit_of_work
    from app.main import create_app
    from tests.conftest import make_settings

    app = create_app(make_settings(fresh_database_url, tmp_path), keys=test_keys)
    async with unit_of_work(app.state.sessionmaker) as session:
        user = await make_user(session)
        email = user.email
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="https://localhost") as client:
        right = await asyncio.wait_for(
            asyncio.gather(*(sign_in(client, email) for _ in range(100))), timeout=120
        )
        wrong = await asyncio.wait_for(
            asyncio.gather(*(sign_in(client, email, "wrong wrong wrong") for _ in range(100))),
            timeout=120,
        )
    await app.state.engine.dispose()
    assert {r.status_code for r in right} <= {200, 429, 503}
    assert 200 in {r.status_code for r in right}
    assert {r.status_code for r in wrong} <= {401, 429, 503}
    assert all("retry-after" in r.headers for r in right + wrong if r.status_code in (429, 503))


async def test_a_sign_in_queues_a_notification_in_the_users_language(client, session) -> None:  # type: ignore[no-untyped-def]
    from app.models.outbox import OutboxMessage

    user = await make_user(session)
    user.language = "be"
    await session.commit()
    await sign_in(client, user.email)
    await sign_in(client, user.email, "wrong wrong wrong wrong")
    messages = (await session.scalars(select(OutboxMessage))).all()
    assert [m.kind for m in messages] == ["new_sign_in"]
    assert messages[0].recipient == user.email
    assert messages[0].subject == "Новы ўваход у Accord"
