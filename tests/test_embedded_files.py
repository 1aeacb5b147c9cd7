"""The embedded mode's files: the data dir 0700, the SQLite database and its -wal/-shm 0600,
whatever the umask; and what ``accord create-admin`` says it made.

The database holds every account's metadata and ciphertext; on a shared or seized machine
it must not be readable by other users, like the keys next to it.
"""

from __future__ import annotations

import os
import re
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from app.db import create_engine
from app.migrate import upgrade

ROOT = Path(__file__).resolve().parents[1]
# The usual default: files 0644 and directories 0755 unless the code asks for less.
LOOSE_UMASK = 0o022


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def modes_in(directory: Path) -> dict[str, int]:
    return {path.name: mode_of(path) for path in directory.iterdir()}


@pytest.fixture
def loose_umask() -> Iterator[None]:
    previous = os.umask(LOOSE_UMASK)
    try:
        yield
    finally:
        os.umask(previous)


def cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env.update(
        ACCORD_ENV="development",
        ACCORD_DATA_DIR=str(data_dir),  # the embedded SQLite database and dev keys in it
        ACCORD_AUTH__ARGON2_MEMORY_KIB="1024",
    )
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env=env,
        cwd=data_dir.parent,  # no stray .env is read
        capture_output=True,
        text=True,
        timeout=120,
        umask=LOOSE_UMASK,
    )


def created_admin(data_dir: Path, email: str) -> str:
    result = cli(data_dir, "create-admin", "--email", email, "--name", "An admin")
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"password:\s+\S+", result.stdout), result.stdout
    return result.stdout


class TestCommands:
    def test_db_upgrade_and_create_admin_keep_the_data_private(self, tmp_path: Path) -> None:
        data_dir = tmp_path / "data"

        upgraded = cli(data_dir, "db", "upgrade")
        assert upgraded.returncode == 0, upgraded.stderr
        created_admin(data_dir, "first@example.org")

        assert mode_of(data_dir) == 0o700
        assert mode_of(data_dir / "accord.db") == 0o600
        for key_file in (data_dir / "keys").iterdir():
            assert mode_of(key_file) == 0o600
        leftovers = [p for p in data_dir.iterdir() if p.name.startswith("accord.db-")]
        assert all(mode_of(p) == 0o600 for p in leftovers), leftovers

    def test_create_admin_makes_the_data_dir_private_when_it_makes_it(self, tmp_path: Path) -> None:
        # The development keys are created first, inside a data dir that does not exist.
        data_dir = tmp_path / "data"

        result = cli(data_dir, "create-admin", "--email", "a@example.org", "--name", "A")

        assert mode_of(data_dir) == 0o700, result.stderr
        assert mode_of(data_dir / "keys") == 0o700

    def test_a_loose_data_dir_and_database_are_tightened(self, tmp_path: Path) -> None:
        data_dir = tmp_path / "data"
        data_dir.mkdir(mode=0o755)
        data_dir.chmod(0o755)
        (data_dir / "accord.db").touch()
        (data_dir / "accord.db").chmod(0o644)

        upgraded = cli(data_dir, "db", "upgrade")

        assert upgraded.returncode == 0, upgraded.stderr
        assert mode_of(data_dir) == 0o700
        assert mode_of(data_dir / "accord.db") == 0o600

    def test_create_admin_refuses_what_is_not_one_bare_address(self, tmp_path: Path) -> None:
        data_dir = tmp_path / "data"
        assert cli(data_dir, "db", "upgrade").returncode == 0
        for email in ("a@example.org,evil@evil.org", "a\u202e@example.org", "A <a@example.org>"):
            result = cli(data_dir, "create-admin", "--email", email, "--name", "An admin")
            assert result.returncode == 1, result.stdout
            assert "not a valid email address" in result.stderr
            assert "password" not in result.stdout
        # The canonical spelling is what is stored and printed.
        assert "email:    Admin@example.org" in created_admin(data_dir, "Admin@EXAMPLE.org")

    def test_create_admin_does_not_claim_to_create_the_first_admin(self, tmp_path: Path) -> None:
        data_dir = tmp_path / "data"
        assert cli(data_dir, "db", "upgrade").returncode == 0

        first = created_admin(data_dir, "first@example.org")
        second = created_admin(data_dir, "second@example.org")

        for printed in (first, second):
            assert "Admin account created" in printed
            assert "First admin" not in printed


@pytest.mark.usefixtures("loose_umask")
class TestDatabaseFiles:
    async def test_the_engine_creates_the_database_and_its_wal_owner_only(
        self, tmp_path: Path
    ) -> None:
        path = tmp_path / "accord.db"
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        try:
            async with engine.begin() as conn:
                await conn.execute(text("CREATE TABLE t (x INTEGER)"))
                await conn.execute(text("INSERT INTO t VALUES (1)"))
            # While a connection is open, the write-ahead log and shared memory exist.
            async with engine.connect() as conn:
                await conn.execute(text("SELECT x FROM t"))
                files = modes_in(tmp_path)
        finally:
            await engine.dispose()

        assert files == {"accord.db": 0o600, "accord.db-wal": 0o600, "accord.db-shm": 0o600}

    async def test_migrations_create_the_database_owner_only(self, tmp_path: Path) -> None:
        path = tmp_path / "accord.db"

        await upgrade(f"sqlite+aiosqlite:///{path}")

        assert mode_of(path) == 0o600

    async def test_loose_database_files_are_tightened_on_connect(self, tmp_path: Path) -> None:
        path = tmp_path / "accord.db"
        # Another program made them under the loose umask and still has them open.
        other = sqlite3.connect(path)
        other.execute("PRAGMA journal_mode=WAL")
        other.execute("CREATE TABLE t (x INTEGER)")
        other.commit()
        assert mode_of(tmp_path / "accord.db-wal") == 0o644
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        try:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT count(*) FROM t"))
                files = modes_in(tmp_path)
        finally:
            await engine.dispose()
            other.close()

        assert files == {"accord.db": 0o600, "accord.db-wal": 0o600, "accord.db-shm": 0o600}
