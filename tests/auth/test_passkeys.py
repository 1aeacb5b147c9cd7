"""Passkeys over HTTP, with a software authenticator standing in for the user's device."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from app.models.audit import AuditEvent
from app.models.identity import AuthSession, Passkey, RecoveryCode, TotpFactor
from app.models.outbox import OutboxMessage
from app.models.users import PlatformRole, User
from tests.auth.conftest import sign_in
from tests.auth.factories import PASSWORD, make_user
from tests.auth.softauthn import SoftAuthenticator, b64url, unb64url
from tests.support.signed_out import signed_out

COOKIE = "__Host-accord_session"
BASE = "/api/auth/passkeys"


@pytest.fixture
def device(settings) -> SoftAuthenticator:  # type: ignore[no-untyped-def]
    return SoftAuthenticator(origin=settings.origin, rp_id=settings.rp_id)


def another(device: SoftAuthenticator) -> SoftAuthenticator:
    """A second device: one authenticator holds one passkey per account (excludeCredentials)."""
    return SoftAuthenticator(origin=device.origin, rp_id=device.rp_id)


@pytest.fixture
def browser(app):  # type: ignore[no-untyped-def]
    """Another browser with its own cookie jar."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="https://localhost")


async def password_sign_in(client: httpx.AsyncClient, user: User) -> dict[str, Any]:
    response = await sign_in(client, user.email)
    assert response.status_code == 200, response.text
    client.headers["x-csrf-token"] = response.json()["csrf_token"]
    return dict(response.json())


async def registration_options(client: httpx.AsyncClient, name: str = "Laptop") -> httpx.Response:
    return await client.post(f"{BASE}/registration/options", json={"name": name})


async def register(
    client: httpx.AsyncClient, device: SoftAuthenticator, name: str = "Laptop", **create: Any
) -> httpx.Response:
    started = await registration_options(client, name)
    assert started.status_code == 200, started.text
    credential = device.create(started.json()["options"], **create)
    response = await client.post(
        f"{BASE}/registration/verify",
        json={"handle": started.json()["handle"], "name": name, "credential": credential},
    )
    if response.status_code == 200:
        client.headers["x-csrf-token"] = response.json()["csrf_token"]
    return response


async def authenticate(
    client: httpx.AsyncClient, device: SoftAuthenticator, purpose: str = "sign_in", **get: Any
) -> httpx.Response:
    started = await client.post(f"{BASE}/authentication/options", json={"purpose": purpose})
    assert started.status_code == 200, started.text
    credential = device.get(started.json()["options"], **get)
    response = await client.post(
        f"{BASE}/authentication/verify",
        json={"handle": started.json()["handle"], "credential": credential},
    )
    if response.status_code == 200:
        client.headers["x-csrf-token"] = response.json()["csrf_token"]
    return response


async def user_with_passkey(
    client: httpx.AsyncClient, session, device: SoftAuthenticator, **make: Any
) -> User:  # type: ignore[no-untyped-def]
    """A user who signed in with a password and registered one passkey, then signed out."""
    user = await make_user(session, **make)
    await password_sign_in(client, user)
    assert (await register(client, device)).status_code == 200
    assert (await client.post("/api/auth/sign-out")).status_code == 200
    client.cookies.clear()
    client.headers.pop("x-csrf-token", None)
    return user


async def actions(session) -> list[str]:  # type: ignore[no-untyped-def]
    return list((await session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq))).all())


async def last_event(session, action: str) -> AuditEvent:  # type: ignore[no-untyped-def]
    return (
        await session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq.desc())
        )
    ).first()


async def mail_kinds(session) -> list[str]:  # type: ignore[no-untyped-def]
    return list(
        (await session.scalars(select(OutboxMessage.kind).order_by(OutboxMessage.created_at))).all()
    )


class TestRegistration:
    async def test_an_admin_enrols_by_registering_a_passkey(
        self, client, session, device, clock
    ) -> None:  # type: ignore[no-untyped-def]
        admin = await make_user(session, roles=frozenset({PlatformRole.ADMIN}))
        assert (await password_sign_in(client, admin))["state"] == "enrolment_required"
        assert (await client.get("/api/auth/sessions")).json()["code"] == "enrolment_required"
        before = client.cookies.get(COOKIE)

        response = await register(client, device, "YubiKey 5")

        assert response.status_code == 200, response.text
        body = response.json()
        assert body["state"] == "full"
        assert body["passkey"]["name"] == "YubiKey 5"
        assert client.cookies.get(COOKIE) != before  # elevated: a new token
        assert (await client.get("/api/auth/sessions")).status_code == 200
        info = (await client.get("/api/auth/session")).json()
        assert info["state"] == "full" and info["passkeys"] == 1 and info["second_factor_fresh"]
        # The pre-enrolment cookie is dead.
        client.cookies.clear()
        client.cookies.set(COOKIE, before, domain="localhost")
        assert await signed_out(client)
        assert "passkey.registered" in await actions(session)
        assert "credential_changed" in await mail_kinds(session)

    async def test_options_ask_for_a_discoverable_user_verified_passkey_and_no_attestation(
        self, client, session, settings, device, clock
    ) -> None:  # type: ignore[no-untyped-def]
        user = await make_user(session, email="olena@example.org")
        await password_sign_in(client, user)
        options = (await registration_options(client)).json()["options"]
        assert options["rp"] == {"id": settings.rp_id, "name": "Accord"}
        assert options["attestation"] == "none"
        assert options["authenticatorSelection"]["residentKey"] == "required"
        assert options["authenticatorSelection"]["userVerification"] == "required"
        assert [p["alg"] for p in options["pubKeyCredParams"]] == [-7, -8, -257]
        # The user handle is the opaque row id, not the email.
        assert unb64url(options["user"]["id"]) == user.id.bytes
        assert options["excludeCredentials"] == []

        assert (await register(client, device)).status_code == 200
        again = (await registration_options(client)).json()["options"]
        credential_id = b64url(device.credentials[0].id)
        assert [c["id"] for c in again["excludeCredentials"]] == [credential_id]

    async def test_a_user_who_has_a_factor_must_step_up_to_add_another(
        self, client, session, settings, device, clock
    ) -> None:  # type: ignore[no-untyped-def]
        user = await make_user(session)
        await password_sign_in(client, user)
        assert (await register(client, device, "Phone")).status_code == 200
        assert (await register(client, another(device), "Laptop")).status_code == 200  # fresh

        clock.advance(timedelta(minutes=settings.session.step_up_minutes, seconds=1))
        refused = await registration_options(client, "Tablet")
        assert refused.status_code == 403
        assert refused.json()["code"] == "step_up_required"

        assert (await authenticate(client, device, "second_factor")).status_code == 200
        assert (await register(client, another(device), "Tablet")).status_code == 200
        names = [p["name"] for p in (await client.get(BASE)).json()["items"]]
        assert names == ["Phone", "Laptop", "Tablet"]

    async def test_a_password_only_session_cannot_plant_a_passkey_on_an_enrolled_account(
        self, client, browser, session, device, clock
    ) -> None:  # type: ignore[no-untyped-def]
        user = await user_with_passkey(client, session, device)
        async with browser:
            # A thief with the password: the session waits for the second factor.
            assert (await password_sign_in(browser, user))["state"] == "second_factor_required"
            refused = await registration_options(browser)
            assert refused.status_code == 403
            assert refused.json()["code"] == "step_up_required"
        assert len((await session.scalars(select(Passkey.id))).all()) == 1

    @pytest.mark.parametrize(
        ("misbehaviour", "value"),
        [("uv", False), ("origin", "https://accord.evil.example"), ("rp_id", "evil.example")],
    )
    async def test_a_credential_that_fails_verification_is_refused_and_audited(
        self, client, session, device, clock, misbehaviour, value
    ) -> None:  # type: ignore[no-untyped-def]
        user = await make_user(session)
        await password_sign_in(client, user)
        response = await register(client, device, **{misbehaviour: value})
        assert response.status_code == 400
        assert response.json()["code"] == "passkey_registration_rejected"
        assert "set-cookie" not in response.headers
        assert (await client.get(BASE)).json()["items"] == []
        assert (await actions(session))[-1] == "passkey.registration_failed"

    async def test_a_registration_challenge_is_single_use(
        self, client, session, device, clock
    ) -> None:  # type: ignore[no-untyped-def]
        user = await make_user(session)
        await password_sign_in(client, user)
        started = (await registration_options(client)).json()
        body = {
            "handle": started["handle"],
            "name": "Laptop",
            "credential": device.create(started["options"]),
        }
        first = await client.post(f"{BASE}/registration/verify", json=body)
        assert first.status_code == 200
        client.headers["x-csrf-token"] = first.json()["csrf_token"]
        replay = await client.post(f"{BASE}/registration/verify", json=body)
        assert replay.status_code == 400
        assert replay.json()["code"] == "challenge_invalid"
        assert len((await client.get(BASE)).json()["items"]) == 1

    async def test_a_handle_from_another_session_is_refused(
        self, client, browser, session, device, clock
    ) -> None:  # type: ignore[no-untyped-def]
        victim = await make_user(session)
        attacker = await make_user(session)
        await password_sign_in(client, victim)
        started = (await registration_options(client)).json()
        async with browser:
            await password_sign_in(browser, attacker)
            response = await browser.post(
                f"{BASE}/registration/verify",
                json={
                    "handle": started["handle"],
                    "name": "Mine",
                    "credential": device.create(started["options"]),
                },
            )
        assert response.status_code == 400
        assert response.json()["code"] == "challenge_invalid"
        assert (await session.scalars(select(Passkey.id))).all() == []

    async def test_a_credential_id_registered_by_someone_else_is_refused(
        self, client, browser, session, device, clock
    ) -> None:  # type: ignore[no-untyped-def]
        await password_sign_in(client, await make_user(session))
        await register(client, device)
        taken = device.credentials[0].id
        async with browser:
            await password_sign_in(browser, await make_user(session))
            response = await register(browser, another(device), credential_id=taken)
            assert response.status_code == 409
            assert response.json()["code"] == "passkey_already_registered"
            assert (await browser.get(BASE)).json()["items"] == []

    async def test_a_malformed_credential_is_a_clean_refusal(
        self, client, session, device, clock
    ) -> None:  # type: ignore[no-untyped-def]
        user = await make_user(session)
        await password_sign_in(client, user)
        started = (await registration_options(client)).json()
        credential = device.create(started["options"])
        credential["response"]["attestationObject"] = b64url(b"\xff\x00 not cbor")
        response = await client.post(
            f"{BASE}/registration/verify",
            json={"handle": started["handle"], "credential": credential},
        )
        assert response.status_code == 400
        assert response.json()["code"] == "passkey_registration_rejected"

    async def test_anonymous_gets_401(self, client) -> None:  # type: ignore[no-untyped-def]
        response = await registration_options(client)
        assert response.status_code == 401
        assert response.json()["code"] == "sign_in_required"


class TestManagement:
    async def test_passkeys_are_listed_renamed_and_removed(
        self, client, session, device, clock
    ) -> None:  # type: ignore[no-untyped-def]
        user = await make_user(session)
        await password_sign_in(client, user)
        await register(client, device, "Phone")
        await register(client, another(device), "Laptop")
        items = (await client.get(BASE)).json()["items"]
        assert [(p["name"], p["last_used_at"]) for p in items] == [
            ("Phone", None),
            ("Laptop", None),
        ]
        assert set(items[0]) == {"id", "name", "created_at", "last_used_at"}

        renamed = await client.patch(f"{BASE}/{items[0]['id']}", json={"name": "  Work phone "})
        assert renamed.status_code == 200
        assert renamed.json()["name"] == "Work phone"

        removed = await client.delete(f"{BASE}/{items[1]['id']}")
        assert removed.status_code == 200
        assert [p["name"] for p in (await client.get(BASE)).json()["items"]] == ["Work phone"]
        assert (await actions(session))[-1] == "passkey.removed"
        assert (await mail_kinds(session)).count("credential_changed") == 3

    async def test_the_name_is_stored_encrypted(self, client, session, device, clock) -> None:  # type: ignore[no-untyped-def]
        user = await make_user(session)
        await password_sign_in(client, user)
        await register(client, device, "Canary-Name-7731")
        row = (await session.scalars(select(Passkey))).one()
        credential_id = device.credentials[0].id
        assert b"Canary-Name-7731" not in row.name_ct
        assert credential_id not in row.credential_id_ct
        assert b64url(credential_id).encode() not in row.credential_id_ct

    async def test_someone_elses_passkey_is_404_to_rename_and_remove(
        self, client, browser, session, device, clock
    ) -> None:  # type: ignore[no-untyped-def]
        owner = await make_user(session)
        await password_sign_in(client, owner)
        await register(client, device, "Mine")
        mine = (await client.get(BASE)).json()["items"][0]["id"]
        async with browser:
            await password_sign_in(browser, await make_user(session))
            await register(browser, another(device))  # fresh second factor for the delete
            assert (await browser.get(BASE)).json()["items"][0]["id"] != mine
            rename = await browser.patch(f"{BASE}/{mine}", json={"name": "Stolen"})
            remove = await browser.delete(f"{BASE}/{mine}")
            missing = await browser.delete(f"{BASE}/0190c0de-0000-7000-8000-000000000000")
        assert rename.status_code == remove.status_code == 404
        assert rename.json()["code"] == remove.json()["code"] == "passkey_not_found"
        assert remove.json() | {"request_id": None} == missing.json() | {"request_id": None}
        assert [p["name"] for p in (await client.get(BASE)).json()["items"]] == ["Mine"]

    async def test_removing_needs_a_fresh_step_up(
        self, client, session, settings, device, clock
    ) -> None:  # type: ignore[no-untyped-def]
        user = await make_user(session)
        await password_sign_in(client, user)
        await register(client, device)
        passkey_id = (await client.get(BASE)).json()["items"][0]["id"]
        clock.advance(timedelta(minutes=settings.session.step_up_minutes, seconds=1))
        refused = await client.delete(f"{BASE}/{passkey_id}")
        assert refused.status_code == 403
        assert refused.json()["code"] == "step_up_required"
        assert (await authenticate(client, device, "second_factor")).status_code == 200
        assert (await client.delete(f"{BASE}/{passkey_id}")).status_code == 200

    async def test_an_admin_cannot_remove_their_last_second_factor(
        self, client, session, device, clock
    ) -> None:  # type: ignore[no-untyped-def]
        admin = await make_user(session, roles=frozenset({PlatformRole.ADMIN}))
        await password_sign_in(client, admin)
        await register(client, device, "Phone")
        await register(client, another(device), "Key")
        first, second = (p["id"] for p in (await client.get(BASE)).json()["items"])
        assert (await client.delete(f"{BASE}/{first}")).status_code == 200

        refused = await client.delete(f"{BASE}/{second}")
        assert refused.status_code == 409
        assert refused.json()["code"] == "last_second_factor"
        assert len((await client.get(BASE)).json()["items"]) == 1

        # An authenticator app counts as a factor too.
        factor = TotpFactor(user_id=admin.id, confirmed_at=datetime.now(UTC))
        factor.secret = "JBSWY3DPEHPK3PXP"
        session.add(factor)
        await session.commit()
        assert (await client.delete(f"{BASE}/{second}")).status_code == 200

    async def test_a_member_may_remove_their_last_passkey_and_its_recovery_codes_go(
        self, client, session, device, clock
    ) -> None:  # type: ignore[no-untyped-def]
        user = await make_user(session)
        await password_sign_in(client, user)
        await register(client, device)
        session.add(RecoveryCode(user_id=user.id, code_mac=b"\x00" * 36))
        await session.commit()
        passkey_id = (await client.get(BASE)).json()["items"][0]["id"]
        assert (await client.delete(f"{BASE}/{passkey_id}")).status_code == 200
        assert (await client.get(BASE)).json()["items"] == []
        assert (await session.scalars(select(RecoveryCode.id))).all() == []

    async def test_a_first_passkey_comes_with_recovery_codes_and_a_second_keeps_them(
        self, client, session, device, clock
    ) -> None:  # type: ignore[no-untyped-def]
        # A member (no second factor required) adds a passkey from the account page: losing
        # it must not lock them out, so the codes come with it, once.
        user = await make_user(session)
        await password_sign_in(client, user)
        first = (await register(client, device, "Phone")).json()
        codes = first["recovery_codes"]
        assert codes is not None and len(codes) == 10 and len(set(codes)) == 10
        remaining = await client.get("/api/auth/recovery-codes")
        assert remaining.json()["remaining"] == 10
        second = (await register(client, another(device), "Laptop")).json()
        assert second["recovery_codes"] is None  # the saved ones still stand
        stored = (await session.scalars(select(RecoveryCode.id))).all()
        assert len(stored) == 10

    async def test_a_blank_name_is_refused(self, client, session, device, clock) -> None:  # type: ignore[no-untyped-def]
        user = await make_user(session)
        await password_sign_in(client, user)
        assert (await registration_options(client, "   ")).status_code == 422
        await register(client, device)
        passkey_id = (await client.get(BASE)).json()["items"][0]["id"]
        response = await client.patch(f"{BASE}/{passkey_id}", json={"name": "a\nb"})
        assert response.status_code == 422


class TestPasswordlessSignIn:
    async def test_a_discoverable_passkey_signs_in_without_an_email(
        self, client, session, device, clock
    ) -> None:  # type: ignore[no-untyped-def]
        user = await user_with_passkey(client, session, device)
        started = await client.post(f"{BASE}/authentication/options", json={"purpose": "sign_in"})
        options = started.json()["options"]
        assert options["allowCredentials"] == []
        assert options["userVerification"] == "required"

        response = await authenticate(client, device)

        assert response.status_code == 200, response.text
        assert response.json()["state"] == "full"
        info = (await client.get("/api/auth/session")).json()
        assert info["user"]["id"] == str(user.id)
        assert info["second_factor_fresh"] is True
        sessions = (await client.get("/api/auth/sessions")).json()["items"]
        assert [s["method"] for s in sessions if s["current"]] == ["passkey"]
        assert (await client.get(BASE)).json()["items"][0]["last_used_at"] is not None
        event = await last_event(session, "user.signed_in")
        assert event.actor_id == user.id
        assert json.loads(event.details_json)["method"] == "passkey"
        mail = (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "new_sign_in"))
        ).all()
        assert any("(passkey)" in m.body for m in mail)

    async def test_the_sign_count_is_kept(self, client, session, device, clock) -> None:  # type: ignore[no-untyped-def]
        await user_with_passkey(client, session, device)
        for _ in range(3):
            assert (await authenticate(client, device)).status_code == 200
        row = (
            await session.scalars(select(Passkey).execution_options(populate_existing=True))
        ).one()
        assert row.sign_count == 3

    async def test_an_authenticator_without_a_counter_is_fine(
        self, client, session, settings, clock
    ) -> None:  # type: ignore[no-untyped-def]
        synced = SoftAuthenticator(
            origin=settings.origin,
            rp_id=settings.rp_id,
            counts=False,
            backup_eligible=True,
            backed_up=True,
        )
        await user_with_passkey(client, session, synced)
        assert (await authenticate(client, synced)).status_code == 200
        assert (await authenticate(client, synced)).status_code == 200

    async def test_without_user_verification_it_is_refused_and_audited(
        self, client, session, device, clock
    ) -> None:  # type: ignore[no-untyped-def]
        await user_with_passkey(client, session, device)
        response = await authenticate(client, device, uv=False)
        assert response.status_code == 401
        assert response.json()["code"] == "passkey_rejected"
        assert "set-cookie" not in response.headers
        assert await signed_out(client)
        event = await last_event(session, "passkey.authentication_failed")
        assert json.loads(event.details_json) == {"reason": "passkey_rejected"}

    async def test_a_sign_count_that_goes_back_is_refused_and_raises_an_alarm(
        self, client, session, device, clock
    ) -> None:  # type: ignore[no-untyped-def]
        await user_with_passkey(client, session, device)
        assert (await authenticate(client, device, sign_count=7)).status_code == 200
        # A clone of the key, made earlier, still counts from where it was copied.
        client.cookies.clear()
        response = await authenticate(client, device, sign_count=5)
        assert response.status_code == 401
        assert response.json()["code"] == "passkey_sign_count_regressed"
        event = await last_event(session, "passkey.sign_count_regressed")
        assert json.loads(event.details_json) == {"stored": 7, "presented": 5}
        assert await signed_out(client)

    async def test_a_forged_assertion_with_a_low_count_is_no_clone_alarm(
        self, client, session, device, clock
    ) -> None:  # type: ignore[no-untyped-def]
        await user_with_passkey(client, session, device)
        assert (await authenticate(client, device, sign_count=7)).status_code == 200
        started = await client.post(f"{BASE}/authentication/options", json={"purpose": "sign_in"})
        credential = device.get(started.json()["options"], sign_count=2)
        credential["response"]["signature"] = b64url(b"\x30\x06\x02\x01\x01\x02\x01\x01")
        response = await client.post(
            f"{BASE}/authentication/verify",
            json={"handle": started.json()["handle"], "credential": credential},
        )
        assert response.json()["code"] == "passkey_rejected"
        assert "passkey.sign_count_regressed" not in await actions(session)

    @pytest.mark.parametrize(
        ("misbehaviour", "value"),
        [("origin", "https://accord-login.example"), ("rp_id", "accord-login.example")],
    )
    async def test_an_assertion_for_another_site_is_refused(
        self, client, session, device, clock, misbehaviour, value
    ) -> None:  # type: ignore[no-untyped-def]
        await user_with_passkey(client, session, device)
        response = await authenticate(client, device, **{misbehaviour: value})
        assert response.status_code == 401
        assert response.json()["code"] == "passkey_rejected"

    async def test_a_challenge_cannot_be_used_twice(self, client, session, device, clock) -> None:  # type: ignore[no-untyped-def]
        await user_with_passkey(client, session, device)
        started = (
            await client.post(f"{BASE}/authentication/options", json={"purpose": "sign_in"})
        ).json()
        body = {"handle": started["handle"], "credential": device.get(started["options"])}
        assert (await client.post(f"{BASE}/authentication/verify", json=body)).status_code == 200
        client.cookies.clear()
        replay = await client.post(f"{BASE}/authentication/verify", json=body)
        assert replay.status_code == 400
        assert replay.json()["code"] == "challenge_invalid"
        assert "set-cookie" not in replay.headers

    async def test_an_expired_challenge_is_refused(self, client, session, device, clock) -> None:  # type: ignore[no-untyped-def]
        await user_with_passkey(client, session, device)
        started = (
            await client.post(f"{BASE}/authentication/options", json={"purpose": "sign_in"})
        ).json()
        clock.advance(timedelta(minutes=5, seconds=1))
        response = await client.post(
            f"{BASE}/authentication/verify",
            json={"handle": started["handle"], "credential": device.get(started["options"])},
        )
        assert response.status_code == 400
        assert response.json()["code"] == "challenge_invalid"
        assert (await actions(session))[-1] == "passkey.authentication_failed"

    async def test_a_registration_handle_is_no_sign_in_handle(
        self, client, session, device, clock
    ) -> None:  # type: ignore[no-untyped-def]
        user = await make_user(session)
        await password_sign_in(client, user)
        await register(client, device)
        started = (await registration_options(client)).json()
        assertion = device.get({"challenge": started["options"]["challenge"]})
        response = await client.post(
            f"{BASE}/authentication/verify",
            json={"handle": started["handle"], "credential": assertion},
        )
        assert response.json()["code"] == "challenge_invalid"

    async def test_a_removed_passkey_no_longer_signs_in(
        self, client, session, device, clock
    ) -> None:  # type: ignore[no-untyped-def]
        await user_with_passkey(client, session, device)
        await session.execute(Passkey.__table__.delete())
        await session.commit()
        response = await authenticate(client, device)
        assert response.status_code == 401
        assert response.json()["code"] == "passkey_unknown"

    async def test_a_suspended_user_cannot_sign_in_with_a_passkey(
        self, client, session, device, clock
    ) -> None:  # type: ignore[no-untyped-def]
        user = await user_with_passkey(client, session, device)
        user.status = "suspended"
        await session.commit()
        response = await authenticate(client, device)
        assert response.status_code == 401
        assert response.json()["code"] == "passkey_rejected"

    async def test_password_throttles_do_not_lock_out_passkey_sign_in(
        self, client, session, settings, device, clock
    ) -> None:  # type: ignore[no-untyped-def]
        user = await user_with_passkey(client, session, device)
        for _ in range(settings.throttle.account_failures):
            await sign_in(client, user.email, "a guess from a botnet")
        blocked = await sign_in(client, user.email, PASSWORD)
        assert blocked.status_code == 429  # the password way in is shut for now

        response = await authenticate(client, device)
        assert response.status_code == 200
        assert (await client.get("/api/auth/session")).json()["user"]["id"] == str(user.id)

    async def test_signing_in_again_ends_the_browsers_previous_session(
        self, client, session, device, clock
    ) -> None:  # type: ignore[no-untyped-def]
        user = await user_with_passkey(client, session, device)
        await password_sign_in(client, user)
        previous = client.cookies.get(COOKIE)
        assert (await authenticate(client, device)).status_code == 200
        client.cookies.clear()
        client.cookies.set(COOKIE, previous, domain="localhost")
        assert await signed_out(client)


class TestSecondFactor:
    async def test_a_passkey_completes_a_password_sign_in(
        self, client, session, device, clock
    ) -> None:  # type: ignore[no-untyped-def]
        user = await user_with_passkey(client, session, device)
        assert (await password_sign_in(client, user))["state"] == "second_factor_required"
        assert (await client.get("/api/auth/sessions")).json()["code"] == "second_factor_required"
        before = client.cookies.get(COOKIE)
        started = await client.post(
            f"{BASE}/authentication/options", json={"purpose": "second_factor"}
        )
        allowed = [c["id"] for c in started.json()["options"]["allowCredentials"]]
        assert allowed == [b64url(device.credentials[0].id)]

        response = await authenticate(client, device, "second_factor")

        assert response.status_code == 200, response.text
        assert response.json()["state"] == "full"
        assert client.cookies.get(COOKIE) != before
        assert (await client.get("/api/auth/sessions")).status_code == 200
        assert (await actions(session))[-1] == "user.second_factor_verified"
        sessions = (await session.scalars(select(AuthSession))).all()
        assert {s.method for s in sessions if s.revoked_at is None} == {"password"}

    async def test_someone_elses_passkey_does_not_count(
        self, client, browser, session, settings, device, clock
    ) -> None:  # type: ignore[no-untyped-def]
        victim = await user_with_passkey(client, session, device)
        attacker_device = another(device)
        async with browser:
            await user_with_passkey(browser, session, attacker_device)
        await password_sign_in(client, victim)
        response = await authenticate(
            client, device, "second_factor", credential=attacker_device.credentials[0]
        )
        assert response.status_code == 401
        assert response.json()["code"] == "passkey_rejected"
        assert (await client.get("/api/auth/session")).json()["state"] == "second_factor_required"

    async def test_the_handle_is_bound_to_its_session(
        self, client, browser, session, device, clock
    ) -> None:  # type: ignore[no-untyped-def]
        user = await user_with_passkey(client, session, device)
        await password_sign_in(client, user)
        started = (
            await client.post(f"{BASE}/authentication/options", json={"purpose": "second_factor"})
        ).json()
        async with browser:
            await password_sign_in(browser, user)
            response = await browser.post(
                f"{BASE}/authentication/verify",
                json={"handle": started["handle"], "credential": device.get(started["options"])},
            )
            assert response.json()["code"] == "challenge_invalid"
            assert (await browser.get("/api/auth/session")).json()["state"] == (
                "second_factor_required"
            )

    async def test_second_factor_options_need_a_session(self, client) -> None:  # type: ignore[no-untyped-def]
        response = await client.post(
            f"{BASE}/authentication/options", json={"purpose": "second_factor"}
        )
        assert response.status_code == 401
        assert response.json()["code"] == "sign_in_required"

    async def test_a_user_without_passkeys_gets_no_open_request(
        self, client, session, clock
    ) -> None:  # type: ignore[no-untyped-def]
        await password_sign_in(client, await make_user(session))
        response = await client.post(
            f"{BASE}/authentication/options", json={"purpose": "second_factor"}
        )
        assert response.status_code == 409
        assert response.json()["code"] == "no_passkeys"


async def test_anonymous_passkey_ceremonies_are_limited_per_address(client, settings) -> None:  # type: ignore[no-untyped-def]
    for _ in range(settings.throttle.ceremonies_per_address):
        response = await client.post(
            "/api/auth/passkeys/authentication/options", json={"purpose": "sign_in"}
        )
        assert response.status_code == 200
    refused = await client.post(
        "/api/auth/passkeys/authentication/options", json={"purpose": "sign_in"}
    )
    assert refused.status_code == 429
    assert "retry-after" in refused.headers
