"""What the probes check, for the router (which reaches queries only through here)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from app.health.repository import database_answers


async def check_database(engine: AsyncEngine) -> None:
    """Raises when the database does not answer."""
    await database_answers(engine)
