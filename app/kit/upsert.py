"""INSERT … ON CONFLICT for the database in use: one statement that cannot race, where a
check-then-insert would on PostgreSQL (SQLite serializes writers, so it hides the race)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession


def insert_for(session: AsyncSession):  # type: ignore[no-untyped-def]
    """The dialect's ``insert`` (both have ``on_conflict_do_update``/``_do_nothing``).

    Imported here, not at the top: a server loads only the dialect it runs on (the other
    one's modules cost each worker 1.5–2 MiB)."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert
