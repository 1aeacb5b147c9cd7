"""Test databases: SQLite files by default, PostgreSQL when ACCORD_TEST_DATABASE_URL is set.

Each pytest-xdist worker gets its own database; tests that need real commits (concurrency,
rotation, killed processes) ask for a fresh one of their own.
"""

from __future__ import annotations

import os
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


async def create_database(tmp_dir: Path, label: str, *, migrate: bool = True) -> str:
    """A new, empty (or migrated) database; returns its SQLAlchemy async URL."""
    suffix = f"{label}_{uuid.uuid4().hex[:8]}"
    if using_postgres():
        dsn, base = _pg_server_dsn(TEST_DATABASE_URL)
        name = f"{base}_{suffix}"[:63]
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        url = (
            make_url(normalize_database_url(TEST_DATABASE_URL))
            .set(database=name)
            .render_as_string(hide_password=False)
        )
    else:
        url = f"sqlite+aiosqlite:///{tmp_dir / f'{suffix}.db'}"
    if migrate:
        await upgrade(url)
    return url


async def drop_database(url: str) -> None:
    if not url.startswith("postgresql"):
        return
    dsn, _ = _pg_server_dsn(TEST_DATABASE_URL)
    name = make_url(url).database
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()
