"""Alembic environment: async engines, batch mode on SQLite, one metadata for all models.

The URL comes from the caller (app.migrate passes a live connection) or from
ACCORD_DATABASE__ADMIN_URL / ACCORD_DATABASE__URL (the `alembic` command line).
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

import app.models  # noqa: F401 - registers every model on the metadata
from app.config import get_settings
from app.models.base import Base

target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite can only ALTER by copying the table
        compare_type=True,
    )


def run_with_connection(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()


async def run_async() -> None:
    engine = create_async_engine(get_settings().database_admin_url)
    async with engine.connect() as connection:
        await connection.run_sync(run_with_connection)
        await connection.commit()
    await engine.dispose()


connection = context.config.attributes.get("connection")
if context.is_offline_mode():
    raise SystemExit("offline SQL generation is not supported; run against a database")
elif connection is not None:
    run_with_connection(connection)
else:
    asyncio.run(run_async())
