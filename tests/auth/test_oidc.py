"""Single sign-on, end to end: the app (over ASGI at https://localhost) against a real
OpenID provider (Authlib's server, over TCP on 127.0.0.1), with the browser's redirects
driven by hand."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import func, select

from app.auth.repository import count_users
from app.config import OidcSettings, Settings
from app.models.audit import AuditEvent
from app.models.identity import AuthSession, TotpFactor
from app.models.outbox import OutboxMessage
from app.models.users import PlatformRole, UserStatus
from tests.auth.factories import make_user
from tests.auth.oidc_provider import CLIENT_ID, CLIENT_SECRET, OpenIdProvider, running_provider
from tests.conftest import make_settings

CALLBACK = "https://localhost/api/auth/oidc/callback"
EMAIL = "someone@example.org"


@pytest.fixture(scope="session")
def provider_server() -> Iterator[OpenIdProvider]:
    with running_provider([CALLBACK]) as provider:
        yield provider


@pytest.fixture
def provider(provider_server: OpenIdProvider) -> OpenIdProvider:
    provider_server.reset()
    return provider_server


@pytest.fixture
def settings(database_url: str, tmp_path: Path, provider: OpenIdProvider) -> Settings:
    return make_settings(
        database_url,
        tmp_path,
        http={"public_url": "https://localhost"},
        oidc={
            "enabled": True,
            "issuer": provider.issuer,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "display_name": "Coalition ID",
        },
    )


@pytest.fixture
async def at_provider() -> AsyncIterator[httpx.AsyncClient]:
    """The browser's side of the conversation with the provider (real TCP)."""
    async with httpx.AsyncClient() as c:
        yield c


def _browser(app) -> httpx.AsyncClient:  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="https://localhost")


async def _to_callback(client: httpx.AsyncClient, at_provider: httpx.AsyncClient) -> str:
    """Start at Accord, go through the provider, return where it sends the browser back."""
    start = await client.get("/api/auth/oidc/start")
    assert start.status_code == 302, start.text
    back = await at_provider.get(start.headers["location"])
    assert back.status_code == 302, back.text
    location = back.headers["location"]
    assert location.startswith(CALLBACK + "?")
    return location


async def single_sign_on(
    client: httpx.AsyncClient, at_provider: httpx.AsyncClient
) -> httpx.Response:
    return await client.get(await _to_callback(client, at_provider))


def _refused_with(response: httpx.Response, code: str) -> None:
    assert response.status_code == 303
    assert response.headers["location"] == f"/sign-in?error={code}"
    assert "__Host-accord_session" not in response.headers.get("set-cookie", "")


async def _failures(session) -> list[dict]:  # type: ignore[no-untyped-def]
    events = (
        await session.scalars(select(AuditEvent).where(AuditEvent.action == "user.sign_in_failed"))
    ).all()
    return [json.loads(e.details_json) for e in events]


class TestConfig:
    async def test_anyone_learns_that_single_sign_on_is_offered(self, client) -> None:  # type: ignore[no-untyped-def]
        response = await client.get("/api/auth/oidc/config")
        assert response.status_code == 200
        assert response.json() == {"enabled": True, "display_name": "Coalition ID"}

    async def test_when_disabled_there_is_nothing_to_start(self, app, client, settings) -> None:  # type: ignore[no-untyped-def]
        app.state.settings = settings.model_copy(update={"oidc": OidcSettings()})
        assert (await client.get("/api/auth/oidc/config")).json()["enabled"] is False
        assert (await client.get("/api/auth/oidc/start")).status_code == 404
        assert (await client.get("/api/auth/oidc/callback?code=x&state=y")).status_code == 404


class TestStart:
    async def test_the_provider_is_asked_for_a_code_with_pkce_nonce_and_state(self, client) -> None:  # type: ignore[no-untyped-def]
        response = await client.get("/api/auth/oidc/start")
        assert response.status_code == 302
        query = parse_qs(urlsplit(response.headers["location"]).query)
        assert query["response_type"] == ["code"]
        assert query["client_id"] == [CLIENT_ID]
        assert query["redirect_uri"] == [CALLBACK]
        assert query["code_challenge_method"] == ["S256"]
        assert query["code_challenge"] and query["nonce"] and query["state"]
        assert "openid" in query["scope"][0].split()
        assert CLIENT_SECRET not in response.headers["location"]
        # The flow is bound to this browser by a cookie that survives the provider's
        # cross-site redirect back (Lax) and nothing else.
        binding = response.headers["set-cookie"].lower()
        assert binding.startswith("__host-accord_oidc=")
        assert all(flag in binding for flag in ("httponly", "secure", "samesite=lax", "path=/"))
        # Two starts, two different states and nonces.
        again = parse_qs(
            urlsplit((await client.get("/api/auth/oidc/start")).headers["location"]).query
        )
        assert again["state"] != query["state"] and again["nonce"] != query["nonce"]

    async def test_an_unreachable_provider_sends_the_browser_back(
        self, app, client, settings
    ) -> None:  # type: ignore[no-untyped-def]
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            closed = s.getsockname()[1]
        oidc = settings.oidc.model_copy(update={"issuer": f"http://127.0.0.1:{closed}"})
        app.state.settings = settings.model_copy(update={"oidc": oidc})
        _refused_with(await client.get("/api/auth/oidc/start"), "sso_unavailable")


class TestSignIn:
    @pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
    async def test_an_invited_user_signs_in(
        self, client, session, provider, at_provider, method
    ) -> None:  # type: ignore[no-untyped-def]
        provider.behaviour.auth_methods = (method,)
        user = await make_user(session, email=EMAIL)
        response = await single_sign_on(client, at_provider)
        assert response.status_code == 303
        assert response.headers["location"] == "/"
        info = await client.get("/api/auth/session")
        assert info.status_code == 200
        assert info.json()["user"]["email"] == user.email
        assert info.json()["state"] == "full"
        method_used = await session.scalar(
            select(AuthSession.method).where(AuthSession.user_id == user.id)
        )
        assert method_used == "oidc"
        kinds = (await session.scalars(select(OutboxMessage.kind))).all()
        assert "new_sign_in" in kinds
        signed_in = await session.scalar(
            select(AuditEvent).where(AuditEvent.action == "user.signed_in")
        )
        assert json.loads(signed_in.details_json)["method"] == "oidc"

    async def test_the_email_matches_whatever_its_case(
        self, client, session, provider, at_provider
    ) -> None:  # type: ignore[no-untyped-def]
        await make_user(session, email=EMAIL)
        provider.behaviour.user["email"] = EMAIL.upper()
        assert (await single_sign_on(client, at_provider)).headers["location"] == "/"

    async def test_a_user_with_a_second_factor_must_still_prove_it(
        self, client, session, clock, at_provider
    ) -> None:  # type: ignore[no-untyped-def]
        user = await make_user(session, email=EMAIL)
        factor = TotpFactor(user_id=user.id, confirmed_at=clock.now())
        factor.secret = "JBSWY3DPEHPK3PXP"
        session.add(factor)
        await session.commit()
        await single_sign_on(client, at_provider)
        assert (await client.get("/api/auth/session")).json()["state"] == "second_factor_required"

    async def test_a_privileged_user_without_a_factor_must_enrol(
        self, client, session, at_provider
    ) -> None:  # type: ignore[no-untyped-def]
        await make_user(session, email=EMAIL, roles=frozenset({PlatformRole.COORDINATOR}))
        await single_sign_on(client, at_provider)
        assert (await client.get("/api/auth/session")).json()["state"] == "enrolment_required"
        # Only the first factor: anything else is still closed.
        assert (await client.get("/api/auth/sessions")).status_code == 403


class TestNoAccountIsEverCreated:
    async def test_an_unknown_email_is_refused(self, client, session, at_provider) -> None:  # type: ignore[no-untyped-def]
        before = await count_users(session)
        _refused_with(await single_sign_on(client, at_provider), "sso_no_account")
        assert await count_users(session) == before
        assert (await client.get("/api/auth/session")).status_code == 401
        assert [f["reason"] for f in await _failures(session)] == ["no_account"]

    @pytest.mark.parametrize("verified", [False, "true", None])
    async def test_an_unverified_email_is_refused(
        self, client, session, provider, at_provider, verified
    ) -> None:  # type: ignore[no-untyped-def]
        await make_user(session, email=EMAIL)
        if verified is None:
            del provider.behaviour.user["email_verified"]
        else:
            provider.behaviour.user["email_verified"] = verified
        _refused_with(await single_sign_on(client, at_provider), "sso_failed")
        assert (await client.get("/api/auth/session")).status_code == 401
        assert [f["reason"] for f in await _failures(session)] == ["email_unverified"]

    async def test_a_suspended_user_is_refused_like_a_stranger(
        self, client, session, at_provider
    ) -> None:  # type: ignore[no-untyped-def]
        user = await make_user(session, email=EMAIL)
        user.status = UserStatus.SUSPENDED
        await session.commit()
        _refused_with(await single_sign_on(client, at_provider), "sso_no_account")
        assert (await client.get("/api/auth/session")).status_code == 401
        assert [f["reason"] for f in await _failures(session)] == ["account_suspended"]


class TestState:
    async def test_a_replayed_callback_is_refused(
        self, client, session, provider, at_provider
    ) -> None:  # type: ignore[no-untyped-def]
        user = await make_user(session, email=EMAIL)
        callback = await _to_callback(client, at_provider)
        assert (await client.get(callback)).headers["location"] == "/"
        exchanges = provider.token_requests
        _refused_with(await client.get(callback), "sso_failed")
        # Refused on the state, before the code went anywhere.
        assert provider.token_requests == exchanges
        sessions = await session.scalar(
            select(func.count()).select_from(AuthSession).where(AuthSession.user_id == user.id)
        )
        assert sessions == 1
        assert [f["reason"] for f in await _failures(session)] == ["state_invalid"]

    async def test_a_made_up_state_is_refused(self, client, session) -> None:  # type: ignore[no-untyped-def]
        _refused_with(
            await client.get("/api/auth/oidc/callback?code=abc&state=made-up"), "sso_failed"
        )
        assert [f["reason"] for f in await _failures(session)] == ["state_invalid"]

    async def test_a_callback_opened_in_another_browser_is_refused(
        self, app, client, session, at_provider
    ) -> None:  # type: ignore[no-untyped-def]
        # Login CSRF: an attacker's own callback URL must not sign a victim into the
        # attacker's account.
        await make_user(session, email=EMAIL)
        callback = await _to_callback(client, at_provider)
        async with _browser(app) as victim:
            _refused_with(await victim.get(callback), "sso_failed")
            assert (await victim.get("/api/auth/session")).status_code == 401
        assert [f["reason"] for f in await _failures(session)] == ["browser_mismatch"]

    async def test_an_expired_state_is_refused(self, client, session, clock, at_provider) -> None:  # type: ignore[no-untyped-def]
        await make_user(session, email=EMAIL)
        callback = await _to_callback(client, at_provider)
        clock.advance(timedelta(minutes=10, seconds=1))
        _refused_with(await client.get(callback), "sso_failed")


class TestProviderKeys:
    async def test_a_rotated_signing_key_is_fetched_and_trusted(
        self, app, client, session, clock, provider, at_provider
    ) -> None:  # type: ignore[no-untyped-def]
        await make_user(session, email=EMAIL)
        assert (await single_sign_on(client, at_provider)).headers["location"] == "/"
        provider.rotate_key()
        clock.advance(timedelta(minutes=2))
        async with _browser(app) as laptop:
            assert (await single_sign_on(laptop, at_provider)).headers["location"] == "/"
            assert (await laptop.get("/api/auth/session")).status_code == 200


class TestForgedTokens:
    @pytest.mark.parametrize(
        "misbehaviour",
        [
            {"audience": "another-client"},
            {"nonce": "not-the-nonce-we-sent"},
            {"issuer": "https://impostor.example"},
            {"foreign_key": True},
            {"expired": True},
        ],
        ids=["wrong-audience", "wrong-nonce", "wrong-issuer", "foreign-key", "expired"],
    )
    async def test_a_bad_id_token_is_refused(
        self, client, session, provider, at_provider, misbehaviour
    ) -> None:  # type: ignore[no-untyped-def]
        await make_user(session, email=EMAIL)
        for name, value in misbehaviour.items():
            setattr(provider.behaviour, name, value)
        _refused_with(await single_sign_on(client, at_provider), "sso_failed")
        assert (await client.get("/api/auth/session")).status_code == 401
        assert [f["reason"] for f in await _failures(session)] == ["id_token_invalid"]

    async def test_a_denial_at_the_provider_is_not_echoed(
        self, client, session, provider, at_provider
    ) -> None:  # type: ignore[no-untyped-def]
        await make_user(session, email=EMAIL)
        provider.behaviour.deny = True
        callback = await _to_callback(client, at_provider)
        assert "error_description" in callback
        response = await client.get(callback)
        _refused_with(response, "sso_failed")
        assert "denied" not in response.text and "denied" not in response.headers["location"]
        assert [f["reason"] for f in await _failures(session)] == ["provider_error"]


def _browser_line(message: str) -> bool:
    return message.startswith("HTTP Request:") and (
        "/authorize?" in message or "https://localhost" in message
    )


class TestLogs:
    async def test_no_code_state_or_email_reaches_the_logs(
        self, client, session, at_provider, caplog
    ) -> None:  # type: ignore[no-untyped-def]
        await make_user(session, email=EMAIL)
        caplog.set_level(logging.DEBUG)
        callback = await _to_callback(client, at_provider)
        assert (await client.get(callback)).headers["location"] == "/"
        query = parse_qs(urlsplit(callback).query)
        secrets = [query["code"][0], query["state"][0], EMAIL]
        # Left out: the test's own two browsers logging the URLs they visit, and httpcore's
        # transport traces (DEBUG, headers only, the browsers' included).
        logged = [
            r.getMessage()
            for r in caplog.records
            if not r.name.startswith("httpcore") and not _browser_line(r.getMessage())
        ]
        assert logged
        leaks = [line for line in logged if any(s in line for s in secrets)]
        assert not leaks, leaks[:3]


class TestSubjectPinning:
    async def test_the_first_sign_in_links_the_provider_subject(
        self, client, session, at_provider
    ) -> None:  # type: ignore[no-untyped-def]
        from app.models.identity import OidcIdentity

        user = await make_user(session, email=EMAIL)
        assert (await single_sign_on(client, at_provider)).headers["location"] == "/"
        links = (await session.scalars(select(OidcIdentity))).all()
        assert [link.user_id for link in links] == [user.id]
        # Neither the issuer nor the subject is stored readable.
        assert b"provider-subject-1" not in links[0].subject_mac

    async def test_another_provider_account_claiming_the_same_email_is_refused(
        self, app, client, session, provider, at_provider
    ) -> None:  # type: ignore[no-untyped-def]
        await make_user(session, email=EMAIL)
        await single_sign_on(client, at_provider)
        provider.behaviour.user = {"sub": "someone-else", "email": EMAIL, "email_verified": True}
        async with _browser(app) as attacker:
            response = await single_sign_on(attacker, at_provider)
            _refused_with(response, "sso_no_account")
        assert (await _failures(session))[-1]["reason"] == "subject_mismatch"

    async def test_a_linked_subject_still_signs_in_after_its_email_changes(
        self, app, session, provider, at_provider
    ) -> None:  # type: ignore[no-untyped-def]
        user = await make_user(session, email=EMAIL)
        async with _browser(app) as first:
            await single_sign_on(first, at_provider)
        provider.behaviour.user["email"] = "renamed@example.org"
        async with _browser(app) as again:
            response = await single_sign_on(again, at_provider)
            assert response.headers["location"] == "/"
            assert (await again.get("/api/auth/session")).json()["user"]["id"] == str(user.id)
