"""Sessions die when they should, on the very next request."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.models.identity import AuthSession
from tests.auth.conftest import sign_in, signed_in_client
from tests.auth.factories import make_user
from tests.support.signed_out import signed_out


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

    async def test_nobody_is_an_answer_not_an_error(self, client) -> None:  # type: ignore[no-untyped-def]
        # A signed-out visitor's page load logs no failed request in the browser console.
        response = await client.get("/api/auth/session")
        assert response.status_code == 200
        assert response.json() == {"state": "anonymous", "ended": None}
        assert "set-cookie" not in response.headers

    async def test_the_browser_is_told_once_why_its_session_ended(  # type: ignore[no-untyped-def]
        self, client, session, clock, settings
    ) -> None:
        await _signed_in(client, session)
        clock.advance(timedelta(minutes=settings.session.idle_minutes, seconds=1))
        first = await client.get("/api/auth/session")
        assert first.json() == {"state": "anonymous", "ended": "expired"}
        # The dead cookie is dropped with the answer: the next load says nothing more.
        assert "max-age=0" in first.headers["set-cookie"].lower()
        assert (await client.get("/api/auth/session")).json() == {
            "state": "anonymous",
            "ended": None,
        }

    async def test_signing_out_everywhere_tells_the_other_browsers(  # type: ignore[no-untyped-def]
        self, app, client, session
    ) -> None:
        user = await _signed_in(client, session)
        laptop = await signed_in_client(app, user.email)
        try:
            assert (await laptop.post("/api/auth/sessions/revoke-all")).status_code == 200
            answer = (await client.get("/api/auth/session")).json()
            assert answer == {"state": "anonymous", "ended": "signed_out_elsewhere"}
        finally:
            await laptop.aclose()

    async def test_a_stolen_dead_cookie_learns_nothing_about_a_live_one(  # type: ignore[no-untyped-def]
        self, client
    ) -> None:
        client.cookies.set("__Host-accord_session", "forged-token-value", domain="localhost")
        assert (await client.get("/api/auth/session")).json()["ended"] is None

    async def test_a_forged_cookie_is_anonymous(self, client) -> None:  # type: ignore[no-untyped-def]
        client.cookies.set("__Host-accord_session", "forged-token-value", domain="localhost")
        assert await signed_out(client)

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
        assert await signed_out(client)

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
        assert await signed_out(client)

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
        assert await signed_out(client)

    async def test_sessions_are_listed_and_one_can_be_revoked(self, app, client, session) -> None:  # type: ignore[no-untyped-def]
        user = await _signed_in(client, session)
        laptop = await signed_in_client(app, user.email)
        try:
            listed = (await client.get("/api/auth/sessions")).json()["items"]
            assert len(listed) == 2
            other = next(s for s in listed if not s["current"])
            assert (await client.delete(f"/api/auth/sessions/{other['id']}")).status_code == 200
            assert await signed_out(laptop)
            assert (await client.get("/api/auth/session")).status_code == 200
        finally:
            await laptop.aclose()

    async def test_sign_out_everywhere(self, app, client, session) -> None:  # type: ignore[no-untyped-def]
        user = await _signed_in(client, session)
        laptop = await signed_in_client(app, user.email)
        try:
            response = await client.post("/api/auth/sessions/revoke-all")
            assert response.json()["revoked"] == 2
            assert await signed_out(laptop)
            assert await signed_out(client)
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
        assert await signed_out(client)
