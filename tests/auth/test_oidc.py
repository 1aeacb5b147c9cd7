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
from app.main import ConfigurationError, check_single_sign_on
from app.models.audit import AuditEvent
from app.models.identity import AuthSession, OidcIdentity, TotpFactor
from app.models.outbox import OutboxMessage
from app.models.users import PlatformRole, UserStatus
from tests.auth.factories import make_user
from tests.auth.oidc_provider import CLIENT_ID, CLIENT_SECRET, OpenIdProvider, running_provider
from tests.conftest import make_settings
from tests.support.signed_out import signed_out

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


def _use_oidc(app, settings: Settings, **changes: object) -> Settings:  # type: ignore[no-untyped-def]
    """The app's single sign-on settings, changed."""
    changed = settings.model_copy(update={"oidc": settings.oidc.model_copy(update=changes)})
    app.state.settings = changed
    return changed


async def _links(session) -> list[OidcIdentity]:  # type: ignore[no-untyped-def]
    return list((await session.scalars(select(OidcIdentity))).all())


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
        self, app, client, session, settings, provider, at_provider, method
    ) -> None:  # type: ignore[no-untyped-def]
        # The client was registered with `method`, and the provider allows only that one.
        provider.behaviour.auth_methods = (method,)
        _use_oidc(app, settings, token_endpoint_auth_method=method)
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
        assert await signed_out(client)
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
        assert await signed_out(client)
        assert [f["reason"] for f in await _failures(session)] == ["email_unverified"]

    async def test_a_suspended_user_is_refused_like_a_stranger(
        self, client, session, at_provider
    ) -> None:  # type: ignore[no-untyped-def]
        user = await make_user(session, email=EMAIL)
        user.status = UserStatus.SUSPENDED
        await session.commit()
        _refused_with(await single_sign_on(client, at_provider), "sso_no_account")
        assert await signed_out(client)
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
            assert await signed_out(victim)
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
        assert await signed_out(client)
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

    async def test_a_link_made_before_a_key_rotation_still_decides(
        self, app, session, provider, at_provider, test_keys
    ) -> None:  # type: ignore[no-untyped-def]
        """After `accord keys rotate` the subject's MAC is under an older version: it must
        still be found (not re-linked by email) and is moved to the current version."""
        from app.keys import install_keys

        # A token MAC carries its version the way a blind index does.
        from app.kit.crypto.blind_index import index_version_of as key_version_of_mac

        user = await make_user(session, email=EMAIL)
        async with _browser(app) as first:
            await single_sign_on(first, at_provider)
        old_version = test_keys.keyring.current_version
        install_keys(
            type(test_keys)(
                test_keys.keyring.with_new_version(),
                test_keys.audit_signing_key,
                test_keys.keyring_file,
            )
        )
        # The provider now reports another (verified) email for the same subject: only the
        # link can tell who this is.
        provider.behaviour.user["email"] = "someone-else@example.org"
        async with _browser(app) as again:
            response = await single_sign_on(again, at_provider)
            assert response.headers["location"] == "/"
            assert (await again.get("/api/auth/session")).json()["user"]["id"] == str(user.id)
        (link,) = await _links(session)
        await session.refresh(link)
        assert key_version_of_mac(link.subject_mac) == old_version + 1


class TestClaimsFromUserinfo:
    """Providers that keep the email claims out of the ID token (node-oidc-provider's
    defaults): userinfo supplies them, for the ID token's subject only."""

    async def test_the_email_comes_from_userinfo_when_the_id_token_lacks_it(
        self, app, client, session, provider, at_provider
    ) -> None:  # type: ignore[no-untyped-def]
        provider.behaviour.email_in_id_token = False
        user = await make_user(session, email=EMAIL)
        assert (await single_sign_on(client, at_provider)).headers["location"] == "/"
        assert provider.userinfo_requests == 1
        assert [link.user_id for link in await _links(session)] == [user.id]
        # Once linked, the subject decides: no more userinfo requests.
        async with _browser(app) as again:
            assert (await single_sign_on(again, at_provider)).headers["location"] == "/"
        assert provider.userinfo_requests == 1

    async def test_userinfo_about_another_subject_is_refused(
        self, client, session, provider, at_provider
    ) -> None:  # type: ignore[no-untyped-def]
        provider.behaviour.email_in_id_token = False
        provider.behaviour.userinfo_subject = "someone-else"
        await make_user(session, email=EMAIL)
        _refused_with(await single_sign_on(client, at_provider), "sso_failed")
        assert await signed_out(client)
        assert await _links(session) == []
        assert [f["reason"] for f in await _failures(session)] == ["userinfo_subject_mismatch"]

    async def test_an_email_unverified_in_userinfo_is_refused(
        self, client, session, provider, at_provider
    ) -> None:  # type: ignore[no-untyped-def]
        provider.behaviour.email_in_id_token = False
        provider.behaviour.user["email_verified"] = False
        await make_user(session, email=EMAIL)
        _refused_with(await single_sign_on(client, at_provider), "sso_failed")
        assert [f["reason"] for f in await _failures(session)] == ["email_unverified"]

    async def test_without_a_userinfo_endpoint_the_email_is_missing(
        self, client, session, provider, at_provider
    ) -> None:  # type: ignore[no-untyped-def]
        provider.behaviour.email_in_id_token = False
        provider.behaviour.userinfo = False
        await make_user(session, email=EMAIL)
        _refused_with(await single_sign_on(client, at_provider), "sso_failed")
        assert provider.userinfo_requests == 0
        assert [f["reason"] for f in await _failures(session)] == ["email_missing"]

    async def test_the_claims_parameter_asks_for_the_email_in_the_id_token(
        self, client, session, provider, at_provider
    ) -> None:  # type: ignore[no-untyped-def]
        provider.behaviour.email_in_id_token = False
        provider.behaviour.claims_parameter = True
        await make_user(session, email=EMAIL)
        assert (await single_sign_on(client, at_provider)).headers["location"] == "/"
        assert provider.userinfo_requests == 0
        asked = json.loads(provider.authorization_requests[-1]["claims"])
        assert asked == {
            "id_token": {"email": {"essential": True}, "email_verified": {"essential": True}}
        }

    async def test_the_claims_parameter_is_not_sent_to_a_provider_without_it(
        self, client, provider
    ) -> None:  # type: ignore[no-untyped-def]
        response = await client.get("/api/auth/oidc/start")
        assert "claims" not in parse_qs(urlsplit(response.headers["location"]).query)


class TestTokenEndpointAuthMethod:
    async def test_client_secret_basic_is_the_default(
        self, client, session, settings, provider, at_provider
    ) -> None:  # type: ignore[no-untyped-def]
        assert settings.oidc.token_endpoint_auth_method == "client_secret_basic"
        # Discovery lists both; the client still uses the one it was registered with.
        provider.behaviour.auth_methods = ("client_secret_post", "client_secret_basic")
        await make_user(session, email=EMAIL)
        callback = await _to_callback(client, at_provider)
        provider.behaviour.auth_methods = ("client_secret_basic",)  # now enforced: basic only
        assert (await client.get(callback)).headers["location"] == "/"

    async def test_a_method_the_provider_does_not_list_is_refused_and_logged(
        self, app, client, settings, provider, caplog
    ) -> None:  # type: ignore[no-untyped-def]
        provider.behaviour.auth_methods = ("client_secret_basic",)
        _use_oidc(app, settings, token_endpoint_auth_method="client_secret_post")
        caplog.set_level(logging.WARNING, logger="accord.auth.oidc")
        _refused_with(await client.get("/api/auth/oidc/start"), "sso_unavailable")
        logged = " ".join(r.getMessage() for r in caplog.records)
        assert "ACCORD_OIDC__TOKEN_ENDPOINT_AUTH_METHOD is 'client_secret_post'" in logged
        assert "client_secret_basic" in logged

    async def test_the_server_refuses_to_start_with_a_method_the_provider_does_not_list(
        self, app, settings, provider
    ) -> None:  # type: ignore[no-untyped-def]
        provider.behaviour.auth_methods = ("client_secret_basic",)
        broken = _use_oidc(app, settings, token_endpoint_auth_method="client_secret_post")
        with pytest.raises(ConfigurationError) as refused:
            await check_single_sign_on(app, broken)
        message = str(refused.value)
        assert "ACCORD_OIDC__TOKEN_ENDPOINT_AUTH_METHOD is 'client_secret_post'" in message
        assert "token_endpoint_auth_methods_supported" in message
        assert CLIENT_SECRET not in message

    async def test_the_server_starts_with_a_usable_or_unreachable_provider(
        self, app, settings
    ) -> None:  # type: ignore[no-untyped-def]
        await check_single_sign_on(app, settings)
        # Discovery is kept for the first sign-in.
        assert app.state.oidc_client.settings is settings.oidc
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            closed = s.getsockname()[1]
        unreachable = settings.oidc.model_copy(update={"issuer": f"http://127.0.0.1:{closed}"})
        await check_single_sign_on(app, settings.model_copy(update={"oidc": unreachable}))

    async def test_the_lifespan_runs_the_check(self, app, settings, provider) -> None:  # type: ignore[no-untyped-def]
        provider.behaviour.auth_methods = ("client_secret_post",)
        with pytest.raises(ConfigurationError):
            async with app.router.lifespan_context(app):
                pass  # pragma: no cover - refused before


class TestIssuer:
    async def test_a_trailing_slash_is_explained_in_the_log_not_to_the_user(
        self, app, client, settings, provider, caplog
    ) -> None:  # type: ignore[no-untyped-def]
        # OIDC Discovery §4.3 and Core §3.1.3.7: the issuer is compared exactly (ID tokens'
        # iss too), so this stays refused; the operator is told why.
        _use_oidc(app, settings, issuer=provider.issuer + "/")
        caplog.set_level(logging.WARNING, logger="accord.auth.oidc")
        response = await client.get("/api/auth/oidc/start")
        _refused_with(response, "sso_unavailable")
        assert provider.issuer not in response.text
        logged = " ".join(r.getMessage() for r in caplog.records)
        assert f"ACCORD_OIDC__ISSUER is '{provider.issuer}/'" in logged
        assert f"says '{provider.issuer}'" in logged
        assert "trailing slash" in logged


class TestUnlinking:
    """An admin resets a pinned subject: the person's provider account was replaced."""

    async def _admin(self, app, session, clock):  # type: ignore[no-untyped-def]
        from tests.support.people import browser_for, make_person

        admin = await make_person(
            session, roles=frozenset({PlatformRole.ADMIN}), display_name="Admin"
        )
        return await browser_for(app, session, clock, admin)

    async def test_after_unlinking_the_new_provider_account_signs_in(
        self, app, client, session, clock, provider, at_provider
    ) -> None:  # type: ignore[no-untyped-def]
        user = await make_user(session, email=EMAIL)
        await single_sign_on(client, at_provider)
        provider.behaviour.user = {"sub": "replacement", "email": EMAIL, "email_verified": True}
        async with _browser(app) as laptop:
            _refused_with(await single_sign_on(laptop, at_provider), "sso_no_account")

        admin = await self._admin(app, session, clock)
        listed = {u["id"]: u for u in (await admin.get("/api/users")).json()["items"]}
        assert listed[str(user.id)]["sso_linked"] is True
        response = await admin.delete(f"/api/users/{user.id}/sso-identity")
        assert response.status_code == 200, response.text
        assert response.json()["sso_linked"] is False
        event = await session.scalar(
            select(AuditEvent).where(AuditEvent.action == "sso_identity.unlinked")
        )
        assert event is not None and event.target_id == str(user.id)
        assert json.loads(event.details_json) == {"count": 1}
        # Idempotent: nothing left to unlink, nothing more recorded.
        assert (await admin.delete(f"/api/users/{user.id}/sso-identity")).status_code == 200
        unlinked = select(func.count()).where(AuditEvent.action == "sso_identity.unlinked")
        assert await session.scalar(unlinked) == 1
        await admin.aclose()

        async with _browser(app) as laptop:
            assert (await single_sign_on(laptop, at_provider)).headers["location"] == "/"
            assert (await laptop.get("/api/auth/session")).json()["user"]["id"] == str(user.id)

    async def test_an_unknown_user_is_not_found(self, app, session, clock) -> None:  # type: ignore[no-untyped-def]
        admin = await self._admin(app, session, clock)
        response = await admin.delete(
            "/api/users/00000000-0000-7000-8000-000000000000/sso-identity"
        )
        assert response.status_code == 404
        await admin.aclose()

    async def test_unlinking_needs_a_fresh_second_factor(
        self, app, session, clock, settings
    ) -> None:  # type: ignore[no-untyped-def]
        user = await make_user(session, email=EMAIL)
        admin = await self._admin(app, session, clock)
        clock.advance(timedelta(minutes=settings.session.step_up_minutes, seconds=1))
        response = await admin.delete(f"/api/users/{user.id}/sso-identity")
        assert response.status_code == 403
        assert response.json()["code"] == "step_up_required"
        await admin.aclose()
