"""`accord` commands that change state record an audit event by the system actor (no user),
naming key versions and never key material; `accord audit verify` passes afterwards."""

from __future__ import annotations

import base64
import json
import uuid
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from app.db import create_engine
from app.kit.crypto import Keyring
from app.kit.crypto.aead import decrypt_text
from app.kit.crypto.keystore import load_keyring_file
from app.models.audit import AuditEvent
from tests.support.databases import using_postgres
from tests.test_cli_keys import Setup, described, two_versions

EVENTS = AuditEvent.__table__


async def recorded(database_url: str, keyring: Keyring) -> list[tuple[str, str, object, dict]]:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            rows = (await conn.execute(select(EVENTS).order_by(EVENTS.c.seq))).all()
    finally:
        await engine.dispose()
    return [
        (
            row.action,
            row.actor_type,
            row.actor_id,
            json.loads(
                decrypt_text(
                    keyring,
                    bytes(row.details_ct),
                    table="audit_events",
                    column="details_ct",
                    row_id=row.id,
                )
            ),
        )
        for row in rows
    ]


def key_material(keyring: Keyring, signing_file: Path) -> list[str]:
    """Every way a master or signing key could appear in text."""
    encoded = [v for v in json.loads(keyring.to_json())["keys"].values()]
    encoded.append(signing_file.read_text().strip())
    found = []
    for text in encoded:
        raw = base64.b64decode(text)
        found += [text, raw.hex(), base64.urlsafe_b64encode(raw).decode().rstrip("=")]
    return found


async def test_rotate_and_retire_are_audited_and_the_log_verifies(
    fresh_database_url: str, tmp_path: Path
) -> None:
    first, _ = two_versions()
    setup = Setup(tmp_path, fresh_database_url, first)
    await setup.add_users(first, 2)

    rotated = setup.cli("keys", "rotate")
    assert rotated.returncode == 0, described(rotated)
    both = load_keyring_file(setup.keyring_file)
    retired = setup.cli("keys", "retire", "1")
    assert retired.returncode == 0, described(retired)

    events = await recorded(fresh_database_url, both)
    assert [(action, actor, user) for action, actor, user, _ in events] == [
        ("key.rotated", "system", None),
        ("key.reencrypted", "system", None),
        ("key.retired", "system", None),
    ]
    assert events[0][3] == {"version": 2, "previous": 1}
    assert events[1][3] == {"version": 2, "rewritten": 2}
    assert events[2][3]["version"] == 1
    assert events[2][3]["versions_left"] == [2]
    stored = json.dumps([details for *_, details in events])
    assert not [k for k in key_material(both, setup.signing_file) if k in stored]

    verified = setup.cli("audit", "verify")
    assert verified.returncode == 0, described(verified)
    assert "audit log intact" in verified.stdout


async def test_create_admin_is_audited_by_the_system(
    fresh_database_url: str, tmp_path: Path
) -> None:
    keyring, _ = two_versions()
    setup = Setup(tmp_path, fresh_database_url, keyring)

    created = setup.cli("create-admin", "--email", "ops@example.org", "--name", "Ops")
    assert created.returncode == 0, described(created)

    ((action, actor, user, details),) = await recorded(fresh_database_url, keyring)
    assert (action, actor, user) == ("user.created", "system", None)
    assert details == {"platform_roles": ["admin"]}
    verified = setup.cli("audit", "verify")
    assert verified.returncode == 0, described(verified)


@pytest.mark.skipif(not using_postgres(), reason="needs PostgreSQL: roles and GRANTs")
async def test_grant_app_role_is_audited(fresh_database_url: str, tmp_path: Path) -> None:
    keyring, _ = two_versions()
    setup = Setup(tmp_path, fresh_database_url, keyring)
    role = f"accord_app_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(
        make_url(fresh_database_url)
        .set(drivername="postgresql")
        .render_as_string(hide_password=False)
    )
    try:
        await admin.execute(f'CREATE ROLE "{role}" LOGIN')
        granted = setup.cli("db", "grant-app-role", role)
        assert granted.returncode == 0, described(granted)

        ((action, actor, user, details),) = await recorded(fresh_database_url, keyring)
        assert (action, actor, user) == ("database_role.granted", "system", None)
        assert details == {"role": role}
        verified = setup.cli("audit", "verify")
        assert verified.returncode == 0, described(verified)
    finally:
        await admin.execute(f'DROP OWNED BY "{role}"')
        await admin.execute(f'DROP ROLE "{role}"')
        await admin.close()
