"""Test databases: SQLite files by default, PostgreSQL when ACCORD_TEST_DATABASE_URL is set.

Each pytest-xdist worker runs the migrations once, into a template database that no test
connects to; the worker's own database and the fresh ones that tests needing real commits
(concurrency, rotation, killed processes) ask for are copies of it. Migrating costs seconds of
CPU, a copy a fraction of one (SQLite: the file; PostgreSQL: CREATE DATABASE ... TEMPLATE).
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from app.config import normalize_database_url
from app.migrate import upgrade

TEST_DATABASE_URL = os.environ.get("ACCORD_TEST_DATABASE_URL", "")


def using_postgres() -> bool:
    return TEST_DATABASE_URL.startswith(("postgres", "postgresql"))


def _pg_server_dsn(url: str) -> tuple[str, str]:
    """(DSN of the maintenance database, base name for test databases)."""
    parsed = make_url(normalize_database_url(url))
    base = parsed.database or "accord_test"
    maintenance = parsed.set(drivername="postgresql", database="postgres")
    return maintenance.render_as_string(hide_password=False), base


async def create_database(
    tmp_dir: Path, label: str, *, migrate: bool = True, template: str | None = None
) -> str:
    """A new database, returns its SQLAlchemy async URL: empty, migrated, or (given a
    `template` made by this function and never connected to since) a copy of the template."""
    suffix = f"{label}_{uuid.uuid4().hex[:8]}"
    if using_postgres():
        dsn, base = _pg_server_dsn(TEST_DATABASE_URL)
        name = f"{base}_{suffix}"[:63]
        copy_of = f' TEMPLATE "{make_url(template).database}"' if template else ""
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(f'CREATE DATABASE "{name}"{copy_of}')
        finally:
            await conn.close()
        url = (
            make_url(normalize_database_url(TEST_DATABASE_URL))
            .set(database=name)
            .render_as_string(hide_password=False)
        )
    else:
        path = tmp_dir / f"{suffix}.db"
        url = f"sqlite+aiosqlite:///{path}"
        if template:
            source = Path(str(make_url(template).database))
            # Migrations leave no -wal file (their engine keeps the rollback journal), so the
            # file is the whole database; copy() keeps its 0600 mode.
            assert not source.with_name(source.name + "-wal").exists(), source
            shutil.copy(source, path)
    if migrate and not template:
        await upgrade(url)
    return url


async def drop_database(url: str) -> None:
    if not url.startswith("postgresql"):
        return  # SQLite files live under pytest's temporary directories
    dsn, _ = _pg_server_dsn(TEST_DATABASE_URL)
    name = make_url(url).database
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()
