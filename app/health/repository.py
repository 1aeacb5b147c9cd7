"""The one query of the probes."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine


async def database_answers(engine: AsyncEngine) -> None:
    """Raises when the database does not answer ``SELECT 1``; a read that takes no write
    lock on SQLite (DEFERRED), so a probe never queues behind writers."""
    async with engine.connect() as conn:
        conn = await conn.execution_options(sqlite_begin="DEFERRED")
        await conn.execute(text("SELECT 1"))
