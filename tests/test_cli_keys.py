"""``accord keys``: generate, retire and rotate refuse what would lose or leak key material.

Run as the operator runs them, ``python -m app.cli keys ...`` in a process of its own.
tests/reliability/test_key_rotation.py covers a rotation killed mid-way and resumed.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from app.db import create_engine
from app.kit.crypto import Keyring
from app.kit.crypto.aead import decrypt_text, encrypt_text
from app.kit.crypto.blind_index import blind_index, normalize_email
from app.kit.crypto.keyring import generate_master_key
from app.kit.crypto.keystore import load_keyring_file, save_keyring_file, write_secret_file
from app.kit.crypto.signing import generate_signing_key, public_key_of
from app.models.base import new_id
from app.models.users import EMAIL_INDEX_DOMAIN, User

ROOT = Path(__file__).resolve().parents[1]
USERS = User.__table__


def base_env(data_dir: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env.update(ACCORD_DATA_DIR=str(data_dir), ACCORD_DATABASE__URL=database_url)
    return env


def run_cli(
    env: dict[str, str], cwd: Path, *args: str, umask: int = -1
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env=env,
        cwd=cwd,  # a temporary directory: no stray .env is read
        capture_output=True,
        text=True,
        timeout=120,
        umask=umask,
    )


def described(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"


def mode_of(path: Path) -> int:
    return path.stat().st_mode & 0o777


class Setup:
    """A migrated database of the test's own, key files, and the CLI's environment."""

    def __init__(self, tmp_path: Path, database_url: str, keyring: Keyring) -> None:
        self.tmp_path = tmp_path
        self.database_url = database_url
        self.data_dir = tmp_path / "data"
        self.data_dir.mkdir()
        self.keyring_file = tmp_path / "keys" / "keyring.json"
        self.signing_file = tmp_path / "keys" / "audit-signing.key"
        save_keyring_file(self.keyring_file, keyring)
        write_secret_file(self.signing_file, base64.b64encode(generate_signing_key()).decode())
        self.env = base_env(self.data_dir, database_url)
        self.env.update(
            ACCORD_KEYS__KEYRING_FILE=str(self.keyring_file),
            ACCORD_KEYS__AUDIT_SIGNING_KEY_FILE=str(self.signing_file),
        )

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run_cli(self.env, self.tmp_path, *args)

    async def add_users(self, keyring: Keyring, count: int) -> dict[uuid.UUID, str]:
        """Rows as create_account writes them; returns id -> stored (normalized) email."""
        rows, emails = [], {}
        for _ in range(count):
            row_id = new_id()
            raw = f"Member.{row_id.hex[-12:]}@Example.ORG"
            emails[row_id] = normalize_email(raw)
            rows.append(
                {
                    "id": row_id,
                    "email_ct": encrypt_text(
                        keyring, emails[row_id], table="users", column="email_ct", row_id=row_id
                    ),
                    "email_index": blind_index(keyring, raw, domain=EMAIL_INDEX_DOMAIN),
                    "display_name_ct": encrypt_text(
                        keyring, "Ірына", table="users", column="display_name_ct", row_id=row_id
                    ),
                    "password_change_required": False,
                    "status": "active",
                    "created_at": datetime.now(UTC),
                }
            )
        engine = create_engine(self.database_url)
        try:
            async with engine.begin() as conn:
                await conn.execute(insert(USERS), rows)
        finally:
            await engine.dispose()
        return emails

    async def email_versions(self, keyring: Keyring, emails: dict[uuid.UUID, str]) -> set[int]:
        """Key versions of the stored emails, after checking each decrypts to its value."""
        engine = create_engine(self.database_url)
        try:
            async with engine.connect() as conn:
                rows = (await conn.execute(select(USERS.c.id, USERS.c.email_ct))).all()
        finally:
            await engine.dispose()
        assert {row.id for row in rows} == set(emails)
        for row in rows:
            plain = decrypt_text(
                keyring, bytes(row.email_ct), table="users", column="email_ct", row_id=row.id
            )
            assert plain == emails[row.id]
        return {int.from_bytes(bytes(row.email_ct)[1:5], "big") for row in rows}


def two_versions() -> tuple[Keyring, Keyring]:
    """(a keyring at version 1, the same keyring after a rotation added version 2)."""
    first = Keyring({1: generate_master_key()}, 1)
    return first, first.with_new_version()


# --- generate ------------------------------------------------------------------------------


def test_generate_writes_private_production_key_files(tmp_path: Path) -> None:
    env = base_env(tmp_path / "data", "")
    keyring_file = tmp_path / "secrets" / "keyring.json"
    signing_file = tmp_path / "secrets" / "audit-signing.key"

    # umask 0: the modes must come from the code, not from a careful shell.
    result = run_cli(
        env,
        tmp_path,
        "keys",
        "generate",
        "--keyring-file",
        str(keyring_file),
        "--signing-key-file",
        str(signing_file),
        umask=0,
    )

    assert result.returncode == 0, described(result)
    assert mode_of(keyring_file) == 0o600
    assert mode_of(signing_file) == 0o600
    assert mode_of(keyring_file.parent) == 0o700
    keyring = load_keyring_file(keyring_file)
    assert keyring.development is False
    assert (keyring.versions, keyring.current_version) == ((1,), 1)
    signing_key = base64.b64decode(signing_file.read_text(), validate=True)
    assert len(signing_key) == 32
    assert len(public_key_of(signing_key)) == 32
    # Nothing secret on the terminal.
    assert signing_file.read_text().strip() not in result.stdout + result.stderr
    assert not (tmp_path / "data").exists()  # no development keys made on the side


@pytest.mark.parametrize("existing", ["both", "keyring", "signing"])
def test_generate_never_overwrites_key_files(tmp_path: Path, existing: str) -> None:
    env = base_env(tmp_path / "data", "")
    keyring_file, signing_file = tmp_path / "keyring.json", tmp_path / "audit-signing.key"
    first = run_cli(
        env,
        tmp_path,
        "keys",
        "generate",
        "--keyring-file",
        str(keyring_file),
        "--signing-key-file",
        str(signing_file),
    )
    assert first.returncode == 0, described(first)
    before = {path: path.read_bytes() for path in (keyring_file, signing_file)}
    missing = {"both": None, "keyring": signing_file, "signing": keyring_file}[existing]
    if missing is not None:
        missing.unlink()

    again = run_cli(
        env,
        tmp_path,
        "keys",
        "generate",
        "--keyring-file",
        str(keyring_file),
        "--signing-key-file",
        str(signing_file),
    )

    assert again.returncode == 1, described(again)
    assert "refusing to overwrite" in again.stderr
    for path, content in before.items():
        if path == missing:
            # Not half a new key pair either: the missing file is not created.
            assert not path.exists(), path
        else:
            assert path.read_bytes() == content, path


# --- retire --------------------------------------------------------------------------------


async def test_retire_refuses_a_version_that_stored_values_still_use(
    fresh_database_url: str, tmp_path: Path
) -> None:
    first, second = two_versions()
    setup = Setup(tmp_path, fresh_database_url, second)
    emails = await setup.add_users(first, 3)
    emails |= await setup.add_users(second, 2)
    keyring_before = setup.keyring_file.read_bytes()

    refused = setup.cli("keys", "retire", "1")

    assert refused.returncode == 1, described(refused)
    assert "error: 9 stored values still use version 1" in refused.stderr
    assert "keys rotate" in refused.stderr
    assert setup.keyring_file.read_bytes() == keyring_before
    assert await setup.email_versions(second, emails) == {1, 2}

    # Once re-encryption has finished, the same command succeeds.
    finished = setup.cli("keys", "rotate", "--resume")
    assert finished.returncode == 0, described(finished)
    assert await setup.email_versions(second, emails) == {2}
    retired = setup.cli("keys", "retire", "1")
    assert retired.returncode == 0, described(retired)
    assert load_keyring_file(setup.keyring_file).versions == (2,)
    assert mode_of(setup.keyring_file) == 0o600
    assert await setup.email_versions(load_keyring_file(setup.keyring_file), emails) == {2}


@pytest.mark.parametrize("with_rows", [False, True])
async def test_retire_refuses_the_current_version(
    fresh_database_url: str, tmp_path: Path, with_rows: bool
) -> None:
    _, second = two_versions()
    setup = Setup(tmp_path, fresh_database_url, second)
    emails = await setup.add_users(second, 2) if with_rows else {}
    keyring_before = setup.keyring_file.read_bytes()

    refused = setup.cli("keys", "retire", "2")

    assert refused.returncode == 1, described(refused)
    assert refused.stderr.startswith("error: ")
    # The reason is the version being current, whether or not values use it.
    assert "the current key version cannot be retired" in refused.stderr
    assert setup.keyring_file.read_bytes() == keyring_before
    assert await setup.email_versions(second, emails) == ({2} if with_rows else set())


async def test_retire_refuses_an_unknown_version(fresh_database_url: str, tmp_path: Path) -> None:
    _, second = two_versions()
    setup = Setup(tmp_path, fresh_database_url, second)
    keyring_before = setup.keyring_file.read_bytes()

    refused = setup.cli("keys", "retire", "7")

    assert refused.returncode == 1, described(refused)
    assert "key version 7 is not in the keyring" in refused.stderr
    assert setup.keyring_file.read_bytes() == keyring_before


# --- a keyring from the environment ----------------------------------------------------------


def env_keyring_setup(setup: Setup, keyring: Keyring) -> dict[str, str]:
    env = dict(setup.env)
    del env["ACCORD_KEYS__KEYRING_FILE"], env["ACCORD_KEYS__AUDIT_SIGNING_KEY_FILE"]
    env["ACCORD_KEYS__KEYRING"] = keyring.to_json()
    env["ACCORD_KEYS__AUDIT_SIGNING_KEY"] = base64.b64encode(generate_signing_key()).decode()
    return env


async def test_rotate_refuses_to_add_a_version_to_a_keyring_from_the_environment(
    fresh_database_url: str, tmp_path: Path
) -> None:
    master_key = generate_master_key()
    keyring = Keyring({1: master_key}, 1)
    setup = Setup(tmp_path, fresh_database_url, keyring)
    setup.keyring_file.unlink()
    emails = await setup.add_users(keyring, 3)
    env = env_keyring_setup(setup, keyring)

    refused = run_cli(env, tmp_path, "keys", "rotate")

    assert refused.returncode == 1, described(refused)
    # It says why, and what to do instead.
    assert "the keyring comes from ACCORD_KEYS__KEYRING" in refused.stderr
    assert "use ACCORD_KEYS__KEYRING_FILE" in refused.stderr
    assert "now current" not in refused.stdout
    # A new key it could not have saved would have made every rotated value unreadable.
    assert await setup.email_versions(keyring, emails) == {1}
    assert not setup.keyring_file.exists()
    assert not (setup.data_dir / "keys").exists()
    assert base64.b64encode(master_key).decode() not in refused.stdout + refused.stderr


async def test_rotate_with_a_keyring_from_the_environment_still_finishes_pending_work(
    fresh_database_url: str, tmp_path: Path
) -> None:
    # The operator put the rotated keyring (from a file made elsewhere) into the environment.
    first, second = two_versions()
    setup = Setup(tmp_path, fresh_database_url, second)
    emails = await setup.add_users(first, 3)
    env = env_keyring_setup(setup, second)

    finished = run_cli(env, tmp_path, "keys", "rotate")

    assert finished.returncode == 0, described(finished)
    assert "finishing that rotation" in finished.stdout
    assert "re-encrypted 3 rows to version 2" in finished.stdout
    assert await setup.email_versions(second, emails) == {2}


async def test_retire_refuses_a_keyring_from_the_environment(
    fresh_database_url: str, tmp_path: Path
) -> None:
    _, second = two_versions()
    setup = Setup(tmp_path, fresh_database_url, second)
    env = env_keyring_setup(setup, second)

    refused = run_cli(env, tmp_path, "keys", "retire", "1")

    assert refused.returncode == 1, described(refused)
    assert "the keyring comes from the environment" in refused.stderr
