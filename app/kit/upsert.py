"""INSERT … ON CONFLICT for the database in use: one statement that cannot race, where a
check-then-insert would on PostgreSQL (SQLite serializes writers, so it hides the race)."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession


def insert_for(session: AsyncSession):  # type: ignore[no-untyped-def]
    """The dialect's ``insert`` (both have ``on_conflict_do_update``/``_do_nothing``)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql_insert
    return sqlite_insert
