"""Retiring a key version on a database that is in use: sessions, a challenge, throttles, an
invitation, passkeys and recovery codes made under version 1 (app/key_lifecycle.py).

``keys rotate`` re-keys what it can (encrypted fields, blind indexes, passkey credential-id
MACs, recovery-code digests); ``keys status`` and ``keys retire`` then say exactly what
still needs version 1 and until when; once time has passed (the app's clock and the
retirement's ``now`` moved together), or with ``--force``, or once users replaced their
legacy codes, version 1 goes — and signing in, TOTP, recovery codes and passkey lookups
all still work without it.

The CLI runs as the operator runs it, in a process of its own, on real time; the app runs
in this process on a ManualClock that starts at real time.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.challenges import ChallengeInvalid, consume_challenge
from app.auth.factors.recovery_codes import PURPOSE as RECOVERY_PURPOSE
from app.auth.factors.recovery_codes import generate_code, normalize_code
from app.auth.passkeys.repository import (
    CREDENTIAL_ID_PURPOSE,
    credential_id_mac,
    find_by_credential_id,
)
from app.config import Settings
from app.invitations.repository import INVITATION_TOKEN_PURPOSE, find_invitation_by_token
from app.key_lifecycle import (
    HOLDERS,
    StillNeeded,
    retire_version,
    unclassified_token_macs,
    version_reports,
)
from app.keys import KeyMaterial, install_keys
from app.kit.clock import ManualClock
from app.kit.crypto import Keyring
from app.kit.crypto.blind_index import blind_index
from app.kit.crypto.keyring import generate_master_key
from app.kit.crypto.keystore import load_keyring_file, save_keyring_file, write_secret_file
from app.kit.crypto.signing import generate_signing_key
from app.kit.crypto.tokens import new_token, token_mac
from app.main import create_app
from app.models.audit import AuditEvent
from app.models.identity import AuthChallenge, AuthSession, Passkey, RecoveryCode
from app.models.memberships import INVITATION_EMAIL_DOMAIN, Invitation, Organization
from app.models.outbox import OutboxMessage
from app.models.users import User
from app.rotation import keyed_columns
from tests.auth.factories import PASSWORD, make_user
from tests.auth.test_totp import code_at, enrol_totp
from tests.conftest import make_settings

ROOT = Path(__file__).resolve().parents[1]
OLD, NEW = 1, 2
# User id -> email: a User loaded before a retirement cannot decrypt its own email after.
EMAILS: dict[uuid.UUID, str] = {}


def described(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"


class World:
    """A migrated database of the test's own, key files, the CLI's environment, and an app
    on that database with a manual clock."""

    def __init__(self, tmp_path: Path, database_url: str) -> None:
        self.tmp_path = tmp_path
        self.data_dir = tmp_path / "data"
        self.data_dir.mkdir()
        self.keyring_file = tmp_path / "keys" / "keyring.json"
        signing_file = tmp_path / "keys" / "audit-signing.key"
        save_keyring_file(self.keyring_file, Keyring({OLD: generate_master_key()}, OLD))
        self.signing_key = generate_signing_key()
        write_secret_file(signing_file, base64.b64encode(self.signing_key).decode())
        env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
        env.update(
            ACCORD_DATA_DIR=str(self.data_dir),
            ACCORD_DATABASE__URL=database_url,
            ACCORD_KEYS__KEYRING_FILE=str(self.keyring_file),
            ACCORD_KEYS__AUDIT_SIGNING_KEY_FILE=str(signing_file),
        )
        self.env = env
        self.settings: Settings = make_settings(database_url, self.data_dir)
        self.app = create_app(self.settings, keys=self.material())
        self.clock = ManualClock()
        self.app.state.clock = self.clock

    def material(self) -> KeyMaterial:
        return KeyMaterial(
            load_keyring_file(self.keyring_file), self.signing_key, self.keyring_file
        )

    def reload_keys(self) -> Keyring:
        """What every server does within seconds of the keyring file changing."""
        material = self.material()
        install_keys(material)
        return material.keyring

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "app.cli", *args],
            env=self.env,
            cwd=self.tmp_path,  # no stray .env is read
            capture_output=True,
            text=True,
            timeout=120,
        )

    def session(self) -> AsyncSession:
        maker: object = self.app.state.sessionmaker
        return maker()  # type: ignore[operator,no-any-return]

    def browser(self) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=self.app, raise_app_exceptions=False)
        return httpx.AsyncClient(transport=transport, base_url="https://localhost")

    async def retire(self, version: int, *, force: bool = False) -> dict[str, int]:
        """`keys retire` in this process, at the app's (moved) time."""
        _, ended = await retire_version(
            self.app.state.engine,
            self.keyring_file,
            load_keyring_file(self.keyring_file),
            version,
            now=self.clock.now(),
            settings=self.settings,
            force=force,
        )
        return ended


@pytest.fixture
async def world(fresh_database_url: str, tmp_path: Path) -> AsyncIterator[World]:
    w = World(tmp_path, fresh_database_url)
    yield w
    await w.app.state.engine.dispose()


# --- actions through the app --------------------------------------------------------------


async def signed_in(world: World, email: str) -> httpx.AsyncClient:
    """A browser signed in with the password only."""
    browser = world.browser()
    response = await browser.post("/api/auth/sign-in", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    browser.headers["x-csrf-token"] = response.json()["csrf_token"]
    return browser


async def with_totp(world: World, email: str) -> tuple[User, str, list[str], httpx.AsyncClient]:
    """A user who enrolled TOTP (and got recovery codes) in a browser that stays signed in."""
    async with world.session() as session:
        user = await make_user(session, email=email)
    EMAILS[user.id] = email
    browser = await signed_in(world, email)
    secret, codes = await enrol_totp(browser, world.clock)
    return user, secret, codes, browser


async def signs_in_with(world: World, user: User, method: str, code: str) -> httpx.Response:
    """Password, then ``method`` (totp or recovery-code); ``user`` as loaded before any
    rotation: only its id is used, and its email is not decrypted from it."""
    browser = world.browser()
    try:
        first = await browser.post(
            "/api/auth/sign-in", json={"email": EMAILS[user.id], "password": PASSWORD}
        )
        assert first.status_code == 200, first.text
        assert first.json()["state"] == "second_factor_required"
        browser.headers["x-csrf-token"] = first.json()["csrf_token"]
        return await browser.post(f"/api/auth/second-factor/{method}", json={"code": code})
    finally:
        await browser.aclose()


async def session_state(browser: httpx.AsyncClient) -> str:
    """What the server says of the browser's session: "full", …, or "anonymous"."""
    response = await browser.get("/api/auth/session")
    assert response.status_code == 200, response.text
    return str(response.json()["state"])


async def open_challenge(world: World) -> str:
    """An anonymous passkey sign-in started and not finished: a challenge and a throttle."""
    browser = world.browser()
    try:
        response = await browser.post(
            "/api/auth/passkeys/authentication/options", json={"purpose": "sign_in"}
        )
        assert response.status_code == 200, response.text
        handle: str = response.json()["handle"]
        return handle
    finally:
        await browser.aclose()


async def pending_invitation(world: World) -> str:
    """An invitation as create_invitation stores it; its token."""
    token = new_token()
    async with world.session() as session:
        organization = Organization()
        organization.name = "Civic Watch"
        organization.short_name = "CW"
        session.add(organization)
        await session.flush()
        invitation = Invitation(
            organization_id=organization.id,
            role="member",
            language="en",
            created_at=world.clock.now(),
            expires_at=world.clock.now() + timedelta(days=7),
            sent_count=1,
            token_mac=token_mac(world.material().keyring, token, purpose=INVITATION_TOKEN_PURPOSE),
        )
        invitation.email = "invitee@example.org"
        invitation.email_index = blind_index(
            world.material().keyring, invitation.email, domain=INVITATION_EMAIL_DOMAIN
        )
        session.add(invitation)
        await session.commit()
    return token


async def add_passkey(world: World, user: User) -> str:
    credential_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
    async with world.session() as session:
        passkey = Passkey(user_id=user.id, credential_id_mac=credential_id_mac(credential_id))
        passkey.credential_id = credential_id
        passkey.public_key = "pQECAyYgASFYIA"
        passkey.name = "Laptop"
        session.add(passkey)
        await session.commit()
    return credential_id


async def make_codes_legacy(world: World, user: User) -> list[str]:
    """Replace the user's codes with ten stored as codes were before 2026-11-29: a MAC."""
    codes = [generate_code() for _ in range(10)]
    keyring = world.material().keyring
    async with world.session() as session:
        await session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
        for code in codes:
            message = f"{user.id}:{normalize_code(code)}"
            session.add(
                RecoveryCode(
                    user_id=user.id,
                    code_mac=token_mac(keyring, message, purpose=RECOVERY_PURPOSE),
                )
            )
        await session.commit()
    return codes


async def audit_events(world: World, prefix: str = "key.") -> list[AuditEvent]:
    async with world.session() as session:
        events = (await session.scalars(select(AuditEvent).order_by(AuditEvent.seq))).all()
        return [event for event in events if event.action.startswith(prefix)]


async def details_of(world: World, event: AuditEvent) -> dict[str, object]:
    async with world.session() as session:
        stored = await session.get(AuditEvent, event.id)
        assert stored is not None
        details: dict[str, object] = json.loads(stored.details_json)
        return details


def rotate(world: World) -> Keyring:
    rotated = world.cli("keys", "rotate")
    assert rotated.returncode == 0, described(rotated)
    assert f"key version {NEW} is now current" in rotated.stdout
    keyring = world.reload_keys()
    assert (keyring.versions, keyring.current_version) == ((OLD, NEW), NEW)
    return keyring


def versions_of(blobs: list[bytes], offset: int = 0) -> set[int]:
    return {int.from_bytes(bytes(b)[offset : offset + 4], "big") for b in blobs}


# --- the lifecycle --------------------------------------------------------------------------


async def test_old_version_retires_once_its_tokens_have_expired(world: World) -> None:
    alice, secret, codes, alice_browser = await with_totp(world, "alice@example.org")
    async with world.session() as session:
        await make_user(session, email="bob@example.org")
    bob_browser = await signed_in(world, "bob@example.org")
    handle = await open_challenge(world)
    invitation_token = await pending_invitation(world)
    credential_id = await add_passkey(world, alice)

    # 1. Rotate: everything re-keyable moves to version 2, token MACs cannot.
    rotate(world)
    async with world.session() as session:
        digests = (await session.scalars(select(RecoveryCode.code_digest_ct))).all()
        assert len(digests) == 10 and versions_of(list(digests), offset=1) == {NEW}
        passkey_macs = (await session.scalars(select(Passkey.credential_id_mac))).all()
        assert versions_of(list(passkey_macs)) == {NEW}
        session_macs = (await session.scalars(select(AuthSession.token_mac))).all()
        assert versions_of(list(session_macs)) == {OLD}
    assert [e.action for e in await audit_events(world)] == ["key.rotated", "key.reencrypted"]

    # Sessions made under version 1 keep working while it is in the keyring.
    assert await session_state(alice_browser) == "full"
    assert await session_state(bob_browser) == "full"

    # 2. Status and retire say what still needs version 1, and until when.
    status = world.cli("keys", "status")
    assert status.returncode == 0, described(status)
    lines = status.stdout.splitlines()
    assert "version 1:" in lines
    assert "  recovery_codes.code_digest_ct: v2: 10" in lines
    assert "  passkeys.credential_id_mac: v2: 1" in lines
    session_line = next(line for line in lines if "live sessions" in line)
    # Alice's elevated session and Bob's; both end 12 hours after sign-in at the latest.
    assert session_line.startswith("  2 live sessions, the last ending by ")
    assert "1 open sign-in challenge, ending by " in status.stdout
    assert "1 pending invitation, ending by " in status.stdout
    assert "resending one moves it to the current version" in status.stdout
    assert "attempt throttle" in status.stdout
    assert "`accord keys retire 1` works after " in status.stdout
    assert "or now with --force" in status.stdout
    assert "stored values still use version 1" not in status.stdout

    keyring_before = world.keyring_file.read_bytes()
    refused = world.cli("keys", "retire", "1")
    assert refused.returncode == 1, described(refused)
    assert refused.stderr.startswith("error: version 1 is still needed:\n")
    assert "2 live sessions, the last ending by " in refused.stderr
    assert "1 pending invitation" in refused.stderr
    # Rotating cannot help here, and the message does not pretend it can.
    assert "keys rotate" not in refused.stderr
    assert world.keyring_file.read_bytes() == keyring_before

    # 3. Before the last of them has ended, retiring is still refused...
    world.clock.advance(timedelta(hours=13))
    with pytest.raises(StillNeeded) as still:
        await world.retire(OLD)
    assert [use.holder.short for use in still.value.report.uses] == ["invitations"]
    assert world.keyring_file.read_bytes() == keyring_before

    # ...and once it has, it succeeds.
    world.clock.advance(timedelta(days=7))
    assert await world.retire(OLD) == {}
    keyring = world.reload_keys()
    assert (keyring.versions, keyring.current_version) == ((NEW,), NEW)
    retired = (await audit_events(world))[-1]
    assert retired.action == "key.retired"
    assert await details_of(world, retired) == {
        "version": OLD,
        "versions_left": [NEW],
        "forced": False,
        "ended": {},
    }

    # 4. Everything works without version 1.
    assert await session_state(alice_browser) == "anonymous"  # expired long ago, as it should
    await alice_browser.aclose()
    await bob_browser.aclose()
    recovered = await signs_in_with(world, alice, "recovery-code", codes[0])
    assert recovered.status_code == 200, recovered.text
    assert recovered.json()["state"] == "full"
    assert recovered.json()["recovery_codes_remaining"] == 9
    world.clock.advance(timedelta(minutes=1))
    with_totp_code = await signs_in_with(world, alice, "totp", code_at(secret, world.clock.now()))
    assert with_totp_code.status_code == 200, with_totp_code.text
    again = await signed_in(world, "bob@example.org")
    assert await session_state(again) == "full"
    await again.aclose()
    async with world.session() as session:
        found = await find_by_credential_id(session, credential_id)
        assert found is not None and found.user_id == alice.id
        # A token made under the retired version matches nothing any more.
        assert await find_invitation_by_token(session, invitation_token) is None
        with pytest.raises(ChallengeInvalid):
            await consume_challenge(
                session, purpose="passkey", handle=handle, now=world.clock.now()
            )

    status = world.cli("keys", "status")
    assert status.returncode == 0, described(status)
    assert "versions in keyring: 2" in status.stdout
    assert "version 1:" not in status.stdout


async def test_force_ends_what_still_needs_the_version_now(world: World) -> None:
    alice, _, codes, alice_browser = await with_totp(world, "alice@example.org")
    handle = await open_challenge(world)
    invitation_token = await pending_invitation(world)
    rotate(world)
    assert await session_state(alice_browser) == "full"

    forced = world.cli("keys", "retire", "1", "--force")

    assert forced.returncode == 0, described(forced)
    assert "  auth_sessions: 1 ended" in forced.stdout
    assert "  auth_challenges: 1 ended" in forced.stdout
    assert "  invitations: 1 ended" in forced.stdout
    # The ceremony's throttle, and the sign-in's account and address budgets (given back
    # to zero, not deleted: throttle.give_back).
    throttles = [line for line in forced.stdout.splitlines() if "auth_throttles" in line]
    assert throttles == ["  auth_throttles: 3 ended"]
    assert "version 1 retired; versions left: 2" in forced.stdout
    keyring = world.reload_keys()
    assert keyring.versions == (NEW,)

    # Revoked, not merely unmatched: the rows say why.
    assert await session_state(alice_browser) == "anonymous"
    await alice_browser.aclose()
    async with world.session() as session:
        reasons = (await session.scalars(select(AuthSession.revoked_reason))).all()
        assert "key_retired" in reasons
        # The open one is gone; the TOTP enrolment's, used long ago, is left to housekeeping.
        left = (await session.scalars(select(AuthChallenge))).all()
        assert [challenge.used_at is not None for challenge in left] == [True]
        invitation = (await session.scalars(select(Invitation))).one()
        assert invitation.revoked_at is not None
        assert await find_invitation_by_token(session, invitation_token) is None
        with pytest.raises(ChallengeInvalid):
            await consume_challenge(
                session, purpose="passkey", handle=handle, now=world.clock.now()
            )

    retired = (await audit_events(world))[-1]
    assert retired.action == "key.retired"
    assert await details_of(world, retired) == {
        "version": OLD,
        "versions_left": [NEW],
        "forced": True,
        "ended": {"auth_sessions": 1, "auth_challenges": 1, "invitations": 1, "auth_throttles": 3},
    }

    # The user signs in again, with a recovery code made under version 1.
    recovered = await signs_in_with(world, alice, "recovery-code", codes[3])
    assert recovered.status_code == 200, recovered.text
    assert recovered.json()["state"] == "full"


async def test_force_cannot_stand_in_for_rotation(world: World) -> None:
    _, _, _, browser = await with_totp(world, "alice@example.org")
    # A new version added by hand, nothing re-encrypted yet.
    save_keyring_file(world.keyring_file, load_keyring_file(world.keyring_file).with_new_version())
    keyring_before = world.keyring_file.read_bytes()

    refused = world.cli("keys", "retire", "1", "--force")

    assert refused.returncode == 1, described(refused)
    first = refused.stderr.splitlines()[0]
    assert first.startswith("error: ") and "stored values still use version 1" in first
    assert "run `accord keys rotate`" in first
    assert "1 live session" in refused.stderr
    assert world.keyring_file.read_bytes() == keyring_before
    async with world.session() as session:
        reasons = (await session.scalars(select(AuthSession.revoked_reason))).all()
        assert "key_retired" not in reasons
    assert await session_state(browser) == "full"
    await browser.aclose()


async def test_legacy_recovery_codes_hold_their_version_until_replaced_or_withdrawn(
    world: World,
) -> None:
    carol, _, _, carol_browser = await with_totp(world, "carol@example.org")
    dave, dave_secret, _, dave_browser = await with_totp(world, "dave@example.org")
    carol_codes = await make_codes_legacy(world, carol)
    dave_codes = await make_codes_legacy(world, dave)
    # Legacy codes verify, under the version that made them.
    used = await signs_in_with(world, dave, "recovery-code", dave_codes[0])
    assert used.status_code == 200, used.text
    assert used.json()["recovery_codes_remaining"] == 9

    rotate(world)
    used = await signs_in_with(world, dave, "recovery-code", dave_codes[1])
    assert used.status_code == 200, used.text  # still, with version 1 in the keyring

    status = world.cli("keys", "status")
    assert status.returncode == 0, described(status)
    assert "  18 legacy recovery codes of 2 users: they never expire" in status.stdout
    assert "`accord keys retire 1 --force` retires it now" in status.stdout
    assert "legacy recovery codes withdrawn (their users are emailed" in status.stdout

    # Carol makes new codes (the account page; a fresh step-up from enrolment): hers go.
    regenerated = await carol_browser.post("/api/auth/recovery-codes")
    assert regenerated.status_code == 200, regenerated.text
    new_codes = regenerated.json()["recovery_codes"]
    await carol_browser.aclose()
    await dave_browser.aclose()

    # Sessions are long gone by now; only Dave's legacy codes hold version 1.
    world.clock.advance(timedelta(days=8))
    with pytest.raises(StillNeeded) as still:
        await world.retire(OLD)
    (use,) = still.value.report.uses
    assert (use.holder.short, use.count, use.users, use.ends_by) == (
        "legacy recovery codes",
        8,
        1,
        None,
    )
    assert still.value.report.free_by is None

    ended = await world.retire(OLD, force=True)
    assert ended == {"recovery_codes": 8}
    assert world.reload_keys().versions == (NEW,)

    # Dave was told; Carol, whose codes were already new, was not.
    async with world.session() as session:
        mail = (
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == "recovery_codes_withdrawn")
            )
        ).all()
        assert [m.recipient for m in mail] == ["dave@example.org"]
        assert "your recovery codes no longer work" in mail[0].body
        assert (
            await session.scalar(
                select(RecoveryCode.id).where(
                    RecoveryCode.user_id == dave.id, RecoveryCode.used_at.is_(None)
                )
            )
            is None
        )
    refused = await signs_in_with(world, dave, "recovery-code", dave_codes[2])
    assert refused.status_code == 400
    totp = await signs_in_with(world, dave, "totp", code_at(dave_secret, world.clock.now()))
    assert totp.status_code == 200, totp.text
    assert (await signs_in_with(world, carol, "recovery-code", carol_codes[0])).status_code == 400
    fresh = await signs_in_with(world, carol, "recovery-code", new_codes[0])
    assert fresh.status_code == 200, fresh.text


async def test_status_and_reports_agree_on_a_database_needing_nothing(world: World) -> None:
    rotate(world)
    reports = await version_reports(
        world.app.state.engine, [OLD], now=world.clock.now(), settings=world.settings
    )
    assert [(r.version, r.retirable, r.uses, r.rekeyable) for r in reports] == [(OLD, True, (), 0)]
    status = world.cli("keys", "status")
    assert "  nothing needs it: `accord keys retire 1` retires it now" in status.stdout


# --- every keyed column has a lifecycle -----------------------------------------------------


def test_every_token_mac_is_rekeyed_or_has_a_lifecycle() -> None:
    assert unclassified_token_macs() == []
    covered = [label for holder in HOLDERS for label in holder.labels]
    assert len(covered) == len(set(covered))
    rekeyed = {kc.label for kc in keyed_columns() if kc.rekeyable}
    assert not rekeyed & set(covered)


def test_recomputed_macs_name_an_encrypted_source_and_their_purpose() -> None:
    derived = [kc for kc in keyed_columns() if kc.protection == "token_mac" and kc.derived]
    assert [kc.label for kc in derived] == ["passkeys.credential_id_mac"]
    for kc in derived:
        assert kc.table.columns[kc.column.info["source"]].info["protection"] == "aead"
    assert derived[0].column.info["mac_purpose"] == CREDENTIAL_ID_PURPOSE


def test_recovery_codes_are_rekeyed_by_rotation() -> None:
    labels = {kc.label for kc in keyed_columns() if kc.rekeyable}
    assert "recovery_codes.code_digest_ct" in labels
    assert "recovery_codes.code_mac" not in labels
