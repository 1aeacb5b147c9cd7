"""Key rotation loses nothing: not when killed mid-way, not when resumed, not after retiring.

The rotation runs as the operator runs it, ``python -m app.cli keys rotate``, in a process of
its own that is SIGKILLed while it is half done. Every stored value must then still decrypt
with the keyring file as it was left, and a second ``keys rotate`` must finish that rotation
rather than start another.
"""

from __future__ import annotations

import asyncio
import base64
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.auth.repository import find_user_by_email
from app.db import create_engine, create_sessionmaker
from app.keys import KeyMaterial, install_keys
from app.kit.crypto import DecryptionError, Keyring
from app.kit.crypto.aead import decrypt_text, encrypt_text
from app.kit.crypto.blind_index import blind_index, normalize_email
from app.kit.crypto.keyring import generate_master_key
from app.kit.crypto.keystore import load_keyring_file, save_keyring_file, write_secret_file
from app.kit.crypto.signing import generate_signing_key
from app.models.base import new_id
from app.models.users import EMAIL_INDEX_DOMAIN, User

ROOT = Path(__file__).resolve().parents[2]
USERS = User.__table__

ROWS = 10_000
BATCH_SIZE = 200  # 50 committed batches: plenty of moments to be killed in
INSERT_CHUNK = 5_000
OLD, NEW = 1, 2
KILL_AFTER = ROWS // 3  # well into the run, with most batches still to come
POLL_INTERVAL_S = 0.005
PROGRESS_DEADLINE_S = 120.0
NAMES = ("Алесь", "Ірына", "Maria", "Jürgen", "Zoë")


# --- what the CLI is given ---------------------------------------------------------------


@dataclass(frozen=True)
class KeyFiles:
    keyring: Path
    signing: Path
    signing_key: bytes


def write_key_files(directory: Path, keyring: Keyring) -> KeyFiles:
    keyring_file, signing_file = directory / "keyring.json", directory / "audit-signing.key"
    signing_key = generate_signing_key()
    save_keyring_file(keyring_file, keyring)
    write_secret_file(signing_file, base64.b64encode(signing_key).decode())
    for path in (keyring_file, signing_file):
        assert path.stat().st_mode & 0o777 == 0o600
    return KeyFiles(keyring_file, signing_file, signing_key)


def cli_env(data_dir: Path, database_url: str, files: KeyFiles) -> dict[str, str]:
    # Nothing ACCORD_* leaks in from the shell running the tests.
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env.update(
        ACCORD_DATA_DIR=str(data_dir),
        ACCORD_DATABASE__URL=database_url,
        ACCORD_KEYS__KEYRING_FILE=str(files.keyring),
        ACCORD_KEYS__AUDIT_SIGNING_KEY_FILE=str(files.signing),
    )
    return env


def cli_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "app.cli", *args]


def run_cli(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # cwd is a temporary directory, so no stray .env is read either.
    return subprocess.run(
        cli_command(*args), env=env, cwd=cwd, capture_output=True, text=True, timeout=300
    )


def described(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"


# --- the data ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    raw_email: str
    display_name: str

    @property
    def email(self) -> str:
        # What create_account stores; its blind index is computed from the raw address.
        return normalize_email(self.raw_email)


def person(i: int) -> Person:
    if i % 10 == 7:
        raw = f"Ірына.{i}@Пошта.Example"
    else:
        raw = f"Member.{i}@Coalition.Example.ORG"
    return Person(raw, f"{NAMES[i % len(NAMES)]} {i}")


async def insert_users(url: str, keyring: Keyring, people: list[Person]) -> dict[uuid.UUID, Person]:
    """Rows exactly as app.auth.service.create_account writes them, inserted in bulk."""
    now = datetime.now(UTC)
    rows = []
    for p in people:
        row_id = new_id()
        rows.append(
            {
                "id": row_id,
                "email_ct": encrypt_text(
                    keyring, p.email, table="users", column="email_ct", row_id=row_id
                ),
                "email_index": blind_index(keyring, p.raw_email, domain=EMAIL_INDEX_DOMAIN),
                "display_name_ct": encrypt_text(
                    keyring, p.display_name, table="users", column="display_name_ct", row_id=row_id
                ),
                "password_hash": None,
                "password_change_required": False,
                "status": "active",
                "created_at": now,
                "updated_at": None,
            }
        )
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            for start in range(0, len(rows), INSERT_CHUNK):
                await conn.execute(insert(USERS), rows[start : start + INSERT_CHUNK])
    finally:
        await engine.dispose()
    return {row["id"]: p for row, p in zip(rows, people, strict=True)}


def aead_version(blob: bytes) -> int:
    return int.from_bytes(blob[1:5], "big")


def index_version(blob: bytes) -> int:
    return int.from_bytes(blob[0:4], "big")


async def stored_rows(engine: AsyncEngine) -> list[tuple[uuid.UUID, bytes, bytes, bytes]]:
    async with engine.connect() as conn:
        conn = await conn.execution_options(sqlite_begin="DEFERRED")
        result = await conn.execute(
            select(USERS.c.id, USERS.c.email_ct, USERS.c.display_name_ct, USERS.c.email_index)
        )
        return [(r[0], bytes(r[1]), bytes(r[2]), bytes(r[3])) for r in result]


async def rows_at_new_version(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        # A reader: it must not take SQLite's write lock away from the rotation.
        conn = await conn.execution_options(sqlite_begin="DEFERRED")
        new_header = NEW.to_bytes(4, "big")
        count = await conn.scalar(
            select(func.count())
            .select_from(USERS)
            .where(func.substr(USERS.c.email_ct, 2, 4) == new_header)
        )
        return int(count or 0)


async def assert_every_row_reads(
    engine: AsyncEngine, keyring: Keyring, people: dict[uuid.UUID, Person]
) -> Counter[int]:
    """Every row decrypts to its plaintext and is wholly at one version; rows per version."""
    rows = await stored_rows(engine)
    assert len(rows) == len(people)
    assert {r[0] for r in rows} == set(people)
    versions: Counter[int] = Counter()
    for row_id, email_ct, name_ct, email_index in rows:
        expected = people[row_id]
        version = aead_version(email_ct)
        # One UPDATE per row inside one transaction per batch: never half a row.
        assert (aead_version(name_ct), index_version(email_index)) == (version, version), row_id
        email = decrypt_text(keyring, email_ct, table="users", column="email_ct", row_id=row_id)
        name = decrypt_text(
            keyring, name_ct, table="users", column="display_name_ct", row_id=row_id
        )
        assert (email, name) == (expected.email, expected.display_name), row_id
        assert email_index == blind_index(
            keyring, expected.raw_email, domain=EMAIL_INDEX_DOMAIN, version=version
        ), row_id
        versions[version] += 1
    return versions


def status_lines(counts: dict[int, int]) -> list[str]:
    shown = ", ".join(f"v{v}: {n}" for v, n in sorted(counts.items()))
    return [
        f"  users.email_ct: {shown}",
        f"  users.email_index: {shown}",
        f"  users.display_name_ct: {shown}",
    ]


def email_variants(raw_email: str) -> list[str]:
    return [
        raw_email,
        raw_email.upper(),
        raw_email.lower(),
        raw_email.swapcase(),
        f"  {raw_email}\t",
        f"\n {raw_email.upper()}  ",
    ]


# --- the killed rotation -----------------------------------------------------------------


def read_logs(logs: tuple[Path, Path]) -> str:
    stdout, stderr = logs
    return f"stdout:\n{stdout.read_text()}\nstderr:\n{stderr.read_text()}"


async def wait_until_partly_rotated(
    engine: AsyncEngine, proc: asyncio.subprocess.Process, logs: tuple[Path, Path]
) -> int:
    """Poll until a good part, but not all, of the rows are at the new version, then return.

    Fails if the rotation ends (or dies) before that could be seen, or makes no progress.
    """
    deadline = time.monotonic() + PROGRESS_DEADLINE_S
    while True:
        if proc.returncode is not None:
            pytest.fail(
                f"`keys rotate` exited with {proc.returncode} before it could be killed mid-way"
                f" ({await rows_at_new_version(engine)} of {ROWS} rows rotated); make the"
                " batches smaller or the table bigger\n" + read_logs(logs)
            )
        rotated = await rows_at_new_version(engine)
        if KILL_AFTER <= rotated < ROWS:
            return rotated
        if time.monotonic() > deadline:
            pytest.fail(
                f"`keys rotate` made no visible progress in {PROGRESS_DEADLINE_S} s\n"
                + read_logs(logs)
            )
        await asyncio.sleep(POLL_INTERVAL_S)


@pytest.mark.slow
async def test_rotation_killed_mid_way_loses_nothing_and_finishes_on_rerun(
    fresh_database_url: str, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    files = write_key_files(tmp_path / "keys", Keyring({OLD: generate_master_key()}, OLD))
    env = cli_env(data_dir, fresh_database_url, files)
    people = await insert_users(
        fresh_database_url, load_keyring_file(files.keyring), [person(i) for i in range(ROWS)]
    )
    engine = create_engine(fresh_database_url)
    try:
        # 1. Kill the rotation once a third or more, but not all, of the rows are rotated.
        stdout_path, stderr_path = tmp_path / "rotate.out", tmp_path / "rotate.err"
        with stdout_path.open("wb") as stdout, stderr_path.open("wb") as stderr:
            proc = await asyncio.create_subprocess_exec(
                *cli_command("keys", "rotate", "--batch-size", str(BATCH_SIZE)),
                env=env,
                cwd=tmp_path,
                stdout=stdout,
                stderr=stderr,
            )
            try:
                await wait_until_partly_rotated(engine, proc, (stdout_path, stderr_path))
                proc.send_signal(signal.SIGKILL)
                returncode = await asyncio.wait_for(proc.wait(), timeout=30)
            finally:
                if proc.returncode is None:
                    proc.kill()
                    await proc.wait()
        output = read_logs((stdout_path, stderr_path))
        assert returncode == -signal.SIGKILL, (
            f"`keys rotate` finished (exit {returncode}) before it could be killed\n{output}"
        )
        assert "key version 2 is now current" in output

        # 2. The keyring file holds both versions, and every row reads with it.
        killed_keyring = load_keyring_file(files.keyring)
        assert (killed_keyring.versions, killed_keyring.current_version) == ((OLD, NEW), NEW)
        assert files.keyring.stat().st_mode & 0o777 == 0o600
        versions = await assert_every_row_reads(engine, killed_keyring, people)
        assert set(versions) == {OLD, NEW}, f"not killed mid-way: {dict(versions)}"
        left_behind = versions[OLD]

        # 3. Status shows the split; the old version cannot be retired yet.
        status = run_cli(env, tmp_path, "keys", "status")
        assert status.returncode == 0, described(status)
        assert "current version: 2" in status.stdout
        assert "versions in keyring: 1, 2" in status.stdout
        for line in status_lines(dict(versions)):
            assert line in status.stdout.splitlines(), described(status)

        refused = run_cli(env, tmp_path, "keys", "retire", str(OLD))
        assert refused.returncode == 1, described(refused)
        assert "still use version 1" in refused.stderr
        assert load_keyring_file(files.keyring).to_json() == killed_keyring.to_json()

        # 4. Rotating again finishes the pending rotation instead of adding version 3.
        resumed = run_cli(env, tmp_path, "keys", "rotate", "--batch-size", str(BATCH_SIZE))
        assert resumed.returncode == 0, described(resumed)
        assert f"{3 * left_behind} values still use older versions" in resumed.stdout
        assert "now current" not in resumed.stdout
        assert f"re-encrypted {left_behind} rows to version 2" in resumed.stdout
        after_resume = load_keyring_file(files.keyring)
        assert after_resume.to_json() == killed_keyring.to_json()
        assert len(after_resume.versions) == 2
        assert await assert_every_row_reads(engine, after_resume, people) == {NEW: ROWS}

        status = run_cli(env, tmp_path, "keys", "status")
        assert status.returncode == 0, described(status)
        for line in status_lines({NEW: ROWS}):
            assert line in status.stdout.splitlines(), described(status)

        # 5. Version 1 can now be retired, and nothing needed it.
        retired = run_cli(env, tmp_path, "keys", "retire", str(OLD))
        assert retired.returncode == 0, described(retired)
        assert "version 1 retired; versions left: 2" in retired.stdout
        final = load_keyring_file(files.keyring)
        assert (final.versions, final.current_version) == ((NEW,), NEW)
        assert files.keyring.stat().st_mode & 0o777 == 0o600
        assert await assert_every_row_reads(engine, final, people) == {NEW: ROWS}

        # 6. Through the models and the repository, with the retired keyring installed.
        install_keys(KeyMaterial(final, files.signing_key, files.keyring))
        async with create_sessionmaker(engine)() as session:
            users = (await session.scalars(select(User))).all()
            assert len(users) == ROWS
            for user in users:
                assert (user.email, user.display_name) == (
                    people[user.id].email,
                    people[user.id].display_name,
                )
            await assert_lookups_by_email(session, people)
    finally:
        await engine.dispose()


async def assert_lookups_by_email(session: AsyncSession, people: dict[uuid.UUID, Person]) -> None:
    ids = list(people)
    for row_id in ids[::97] + ids[7::1000]:
        for variant in email_variants(people[row_id].raw_email):
            found = await find_user_by_email(session, variant)
            assert found is not None and found.id == row_id, variant
    assert await find_user_by_email(session, "member.10000@coalition.example.org") is None


# --- a header is bound to its ciphertext ------------------------------------------------------


@pytest.mark.parametrize(("stored", "claimed"), [(1, 2), (2, 1)])
async def test_a_value_relabelled_with_another_versions_header_does_not_decrypt(
    session: AsyncSession, stored: int, claimed: int
) -> None:
    keyring = Keyring({1: generate_master_key(), 2: generate_master_key()}, claimed)
    install_keys(KeyMaterial(keyring, generate_signing_key(), None))
    user = User(status="active", password_change_required=False)
    user.email = "ирина@example.org"
    user.display_name = "Ірына"
    user.email_index = blind_index(keyring, user.email, domain=EMAIL_INDEX_DOMAIN)
    session.add(user)
    await session.flush()
    genuine = bytes(user.email_ct)
    assert aead_version(genuine) == claimed

    # The same plaintext, same cell, under the other (existing) version...
    moved = encrypt_text(
        keyring,
        "ирина@example.org",
        table="users",
        column="email_ct",
        row_id=user.id,
        version=stored,
    )
    # ...whose body readers accept under its own header,
    user.email_ct = moved
    await session.flush()
    await session.refresh(user)
    assert user.email == "ирина@example.org"

    # ...but not under the header of the first: the header is authenticated.
    user.email_ct = genuine[:5] + moved[5:]
    await session.flush()
    await session.refresh(user)
    with pytest.raises(DecryptionError):
        _ = user.email
    assert user.display_name == "Ірына"
