"""Sessions die when they should, on the very next request."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.models.identity import AuthSession
from tests.auth.conftest import sign_in, signed_in_client
from tests.auth.factories import make_user


async def _signed_in(client, session):  # type: ignore[no-untyped-def]
    user = await make_user(session)
    response = await sign_in(client, user.email)
    client.headers["x-csrf-token"] = response.json()["csrf_token"]
    return user


class TestSessionInfo:
    async def test_the_session_says_who_is_signed_in(self, client, session) -> None:  # type: ignore[no-untyped-def]
        user = await _signed_in(client, session)
        info = (await client.get("/api/auth/session")).json()
        assert info["user"]["email"] == user.email
        assert info["state"] == "full"
        assert info["csrf_token"] == client.headers["x-csrf-token"]

    async def test_anonymous_gets_401(self, client) -> None:  # type: ignore[no-untyped-def]
        response = await client.get("/api/auth/session")
        assert response.status_code == 401
        assert response.json()["code"] == "sign_in_required"

    async def test_a_forged_cookie_is_anonymous(self, client) -> None:  # type: ignore[no-untyped-def]
        client.cookies.set("__Host-accord_session", "forged-token-value", domain="localhost")
        assert (await client.get("/api/auth/session")).status_code == 401

    async def test_only_a_mac_of_the_token_is_stored(self, client, session) -> None:  # type: ignore[no-untyped-def]
        await _signed_in(client, session)
        token = client.cookies.get("__Host-accord_session")
        stored = (await session.scalars(select(AuthSession.token_mac))).all()
        assert stored and all(token.encode() not in mac for mac in stored)


class TestCsrf:
    async def test_a_write_without_the_csrf_header_is_refused(self, client, session) -> None:  # type: ignore[no-untyped-def]
        await _signed_in(client, session)
        del client.headers["x-csrf-token"]
        response = await client.post("/api/auth/sign-out")
        assert response.status_code == 403
        assert response.json()["code"] == "csrf_failed"
        # Still signed in: the forged request changed nothing.
        assert (await client.get("/api/auth/session")).status_code == 200

    async def test_a_wrong_csrf_header_is_refused(self, client, session) -> None:  # type: ignore[no-untyped-def]
        await _signed_in(client, session)
        client.headers["x-csrf-token"] = "0" * 72
        assert (await client.post("/api/auth/sign-out")).status_code == 403


class TestExpiry:
    async def test_idle_sessions_end(self, client, session, clock, settings) -> None:  # type: ignore[no-untyped-def]
        await _signed_in(client, session)
        clock.advance(timedelta(minutes=settings.session.idle_minutes - 1))
        assert (await client.get("/api/auth/session")).status_code == 200
        clock.advance(timedelta(minutes=settings.session.idle_minutes - 1))
        assert (await client.get("/api/auth/session")).status_code == 200  # activity renewed it
        clock.advance(timedelta(minutes=settings.session.idle_minutes, seconds=1))
        assert (await client.get("/api/auth/session")).status_code == 401

    async def test_active_sessions_still_end_at_the_absolute_limit(
        self, client, session, clock, settings
    ) -> None:  # type: ignore[no-untyped-def]
        await _signed_in(client, session)
        step = timedelta(minutes=settings.session.idle_minutes // 2)
        elapsed = timedelta()
        while elapsed + step < timedelta(hours=settings.session.absolute_hours):
            clock.advance(step)
            elapsed += step
            assert (await client.get("/api/auth/session")).status_code == 200
        clock.advance(step)
        assert (await client.get("/api/auth/session")).status_code == 401

    async def test_sign_in_issues_a_new_token_each_time(self, client, session) -> None:  # type: ignore[no-untyped-def]
        user = await _signed_in(client, session)
        first = client.cookies.get("__Host-accord_session")
        await sign_in(client, user.email)
        assert client.cookies.get("__Host-accord_session") != first


class TestRevocation:
    async def test_sign_out_ends_the_session_for_every_copy_of_the_cookie(
        self, client, session
    ) -> None:  # type: ignore[no-untyped-def]
        await _signed_in(client, session)
        stolen = client.cookies.get("__Host-accord_session")
        assert (await client.post("/api/auth/sign-out")).status_code == 200
        client.cookies.set("__Host-accord_session", stolen, domain="localhost")
        assert (await client.get("/api/auth/session")).status_code == 401

    async def test_sessions_are_listed_and_one_can_be_revoked(self, app, client, session) -> None:  # type: ignore[no-untyped-def]
        user = await _signed_in(client, session)
        laptop = await signed_in_client(app, user.email)
        try:
            listed = (await client.get("/api/auth/sessions")).json()["items"]
            assert len(listed) == 2
            other = next(s for s in listed if not s["current"])
            assert (await client.delete(f"/api/auth/sessions/{other['id']}")).status_code == 200
            assert (await laptop.get("/api/auth/session")).status_code == 401
            assert (await client.get("/api/auth/session")).status_code == 200
        finally:
            await laptop.aclose()

    async def test_sign_out_everywhere(self, app, client, session) -> None:  # type: ignore[no-untyped-def]
        user = await _signed_in(client, session)
        laptop = await signed_in_client(app, user.email)
        try:
            response = await client.post("/api/auth/sessions/revoke-all")
            assert response.json()["revoked"] == 2
            assert (await laptop.get("/api/auth/session")).status_code == 401
            assert (await client.get("/api/auth/session")).status_code == 401
        finally:
            await laptop.aclose()

    async def test_another_users_session_cannot_be_revoked(self, app, client, session) -> None:  # type: ignore[no-untyped-def]
        await _signed_in(client, session)
        other = await make_user(session)
        victim = await signed_in_client(app, other.email)
        try:
            victim_sessions = (await victim.get("/api/auth/sessions")).json()["items"]
            response = await client.delete(f"/api/auth/sessions/{victim_sessions[0]['id']}")
            assert response.status_code == 404
            assert (await victim.get("/api/auth/session")).status_code == 200
        finally:
            await victim.aclose()

    async def test_a_suspended_users_live_session_gets_401_next(self, client, session) -> None:  # type: ignore[no-untyped-def]
        user = await _signed_in(client, session)
        assert (await client.get("/api/auth/session")).status_code == 200
        user.status = "suspended"
        await session.commit()
        assert (await client.get("/api/auth/session")).status_code == 401
