"""Step-up: sensitive changes need a second factor proven within the last few minutes, and
removing the app is refused where it is a privileged user's last factor."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models.identity import Passkey, RecoveryCode
from app.models.users import PlatformRole
from tests.auth.conftest import signed_in_client
from tests.auth.factories import PASSWORD, make_user
from tests.auth.test_totp import COOKIE, actions, code_at, mail_to, sign_in_as, user_with_totp

NEW_PASSWORD = "lantern orchard velvet 1984"

SENSITIVE = [
    ("post", "/api/auth/recovery-codes", None),
    ("delete", "/api/auth/totp", None),
    ("post", "/api/auth/totp/enrolment", None),
    ("post", "/api/auth/password", {"new_password": NEW_PASSWORD, "current_password": PASSWORD}),
    ("post", "/api/auth/email", {"new_email": "moved@example.org", "current_password": PASSWORD}),
]


async def _call(client, method: str, path: str, body):  # type: ignore[no-untyped-def]
    if body is None:
        return await client.request(method.upper(), path)
    return await client.request(method.upper(), path, json=body)


class TestFreshness:
    @pytest.mark.parametrize(("method", "path", "body"), SENSITIVE)
    async def test_a_stale_second_factor_is_not_enough(
        self, client, session, clock, settings, method, path, body
    ) -> None:  # type: ignore[no-untyped-def]
        await user_with_totp(client, session, clock)
        clock.advance(timedelta(minutes=settings.session.step_up_minutes, seconds=1))
        response = await _call(client, method, path, body)
        assert response.status_code == 403
        assert response.json()["code"] == "step_up_required"
        # The session itself is still fine for everything else.
        assert (await client.get("/api/auth/sessions")).status_code == 200

    @pytest.mark.parametrize(("method", "path", "body"), SENSITIVE)
    async def test_a_new_verification_opens_them_again(
        self, client, session, clock, settings, method, path, body
    ) -> None:  # type: ignore[no-untyped-def]
        _, secret, _ = await user_with_totp(client, session, clock)
        clock.advance(timedelta(minutes=settings.session.step_up_minutes, seconds=1))
        before = client.cookies.get(COOKIE)
        stepped = await client.post(
            "/api/auth/second-factor/totp", json={"code": code_at(secret, clock.now())}
        )
        assert stepped.status_code == 200
        assert client.cookies.get(COOKIE) != before
        client.headers["x-csrf-token"] = stepped.json()["csrf_token"]
        assert (await client.get("/api/auth/session")).json()["second_factor_fresh"] is True
        response = await _call(client, method, path, body)
        # 202 for the email: the change waits for the code sent to the new address.
        assert response.status_code in (200, 202), response.text

    async def test_step_up_with_a_recovery_code(self, client, session, clock, settings) -> None:  # type: ignore[no-untyped-def]
        _, _, codes = await user_with_totp(client, session, clock)
        clock.advance(timedelta(minutes=settings.session.step_up_minutes + 1))
        assert (await client.post("/api/auth/recovery-codes")).status_code == 403
        stepped = await client.post(
            "/api/auth/second-factor/recovery-code", json={"code": codes[3]}
        )
        assert stepped.status_code == 200
        client.headers["x-csrf-token"] = stepped.json()["csrf_token"]
        assert (await client.post("/api/auth/recovery-codes")).status_code == 200

    async def test_a_password_only_session_gets_no_sensitive_action(
        self, app, client, session, clock
    ) -> None:  # type: ignore[no-untyped-def]
        user, _, _ = await user_with_totp(client, session, clock)
        laptop = await signed_in_client(app, user.email)
        try:
            for method, path, body in SENSITIVE:
                response = await _call(laptop, method, path, body)
                assert response.status_code == 403, path
                assert response.json()["code"] in {"second_factor_required", "step_up_required"}
        finally:
            await laptop.aclose()


async def _add_passkey(session, user) -> None:  # type: ignore[no-untyped-def]
    # Only its existence matters here; nothing reads the credential.
    passkey = Passkey(
        user_id=user.id,
        credential_id_mac=b"\x00" * 36,
        credential_id_ct=b"opaque",
        public_key_ct=b"opaque",
        name_ct=b"opaque",
        sign_count=0,
    )
    session.add(passkey)
    await session.commit()


class TestRemovingTotp:
    async def test_a_member_may_remove_the_app(self, client, session, clock) -> None:  # type: ignore[no-untyped-def]
        user, _, _ = await user_with_totp(client, session, clock)
        response = await client.delete("/api/auth/totp")
        assert response.status_code == 200
        info = (await client.get("/api/auth/session")).json()
        assert info["totp_enabled"] is False
        # Without any factor, recovery codes would only be a way around enrolment.
        assert (await session.scalars(select(RecoveryCode.id))).all() == []
        assert "totp.removed" in await actions(session)
        assert (
            "the authenticator app (TOTP) was removed"
            in (await mail_to(session, user.email))[-1].body
        )

    @pytest.mark.parametrize("role", [PlatformRole.ADMIN, PlatformRole.COORDINATOR])
    async def test_a_privileged_users_last_factor_stays(self, client, session, clock, role) -> None:  # type: ignore[no-untyped-def]
        await user_with_totp(client, session, clock, roles=frozenset({role}))
        response = await client.delete("/api/auth/totp")
        assert response.status_code == 409
        assert response.json()["code"] == "last_second_factor"
        assert (await client.get("/api/auth/session")).json()["totp_enabled"] is True

    async def test_a_privileged_user_with_a_passkey_may_remove_the_app(
        self, client, session, clock
    ) -> None:  # type: ignore[no-untyped-def]
        admin, _, _ = await user_with_totp(
            client, session, clock, roles=frozenset({PlatformRole.ADMIN})
        )
        await _add_passkey(session, admin)
        assert (await client.delete("/api/auth/totp")).status_code == 200
        # The passkey remains a second factor, so its recovery codes stay.
        assert (await client.get("/api/auth/recovery-codes")).json() == {"remaining": 10}

    async def test_removing_what_is_not_there_is_404(self, client, session, clock) -> None:  # type: ignore[no-untyped-def]
        await user_with_totp(client, session, clock)
        assert (await client.delete("/api/auth/totp")).status_code == 200
        response = await client.delete("/api/auth/totp")
        assert response.status_code == 404
        assert response.json()["code"] == "totp_not_enabled"

    async def test_anonymous_gets_401(self, client) -> None:  # type: ignore[no-untyped-def]
        assert (await client.delete("/api/auth/totp")).status_code == 401

    async def test_a_user_without_any_factor_cannot_step_up(self, client, session) -> None:  # type: ignore[no-untyped-def]
        user = await make_user(session)
        await sign_in_as(client, user)
        response = await client.delete("/api/auth/totp")
        assert response.status_code == 403
        assert response.json()["code"] == "step_up_required"
