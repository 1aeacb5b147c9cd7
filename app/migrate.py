"""Running Alembic migrations from the application (CLI, embedded start, tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from app.config import is_sqlite
from app.db import keep_sqlite_private

ROOT = Path(__file__).resolve().parent.parent


def alembic_config() -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return config


async def _run(url: str, action: str, revision: str) -> None:
    # A plain engine: no BEGIN IMMEDIATE hook and foreign keys off on SQLite, as batch
    # migrations (copy table, drop, rename) require.
    engine = create_async_engine(url)
    if is_sqlite(url):
        keep_sqlite_private(engine, url)  # the first migration creates the database file
    try:
        async with engine.connect() as connection:

            def run(sync_connection: Connection) -> None:
                config = alembic_config()
                config.attributes["connection"] = sync_connection
                getattr(command, action)(config, revision)

            await connection.run_sync(run)
            await connection.commit()
    finally:
        await engine.dispose()


async def upgrade(url: str, revision: str = "head") -> None:
    await _run(url, "upgrade", revision)


async def downgrade(url: str, revision: str) -> None:
    await _run(url, "downgrade", revision)
