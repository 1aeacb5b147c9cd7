"""Migrations run both ways on SQLite and PostgreSQL, and agree with the models."""

from __future__ import annotations

import re
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import CheckConstraint, inspect
from sqlalchemy.ext.asyncio import create_async_engine

import app.models  # noqa: F401
from app.migrate import ROOT, downgrade, upgrade
from app.models.base import Base

FILENAME = re.compile(r"^\d{4}-\d{2}-\d{2}-\d{4}_[a-z0-9_]+\.py$")


async def _tables(url: str) -> set[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
    finally:
        await engine.dispose()


async def test_upgrade_downgrade_upgrade_round_trip(fresh_database_url) -> None:  # type: ignore[no-untyped-def]
    model_tables = set(Base.metadata.tables)
    assert model_tables <= await _tables(fresh_database_url)
    await downgrade(fresh_database_url, "base")
    assert await _tables(fresh_database_url) & model_tables == set()
    await upgrade(fresh_database_url)
    assert model_tables <= await _tables(fresh_database_url)


async def test_models_and_migrations_agree(fresh_database_url) -> None:  # type: ignore[no-untyped-def]
    engine = create_async_engine(fresh_database_url)
    try:
        async with engine.connect() as conn:

            def diff(sync_conn):  # type: ignore[no-untyped-def]
                context = MigrationContext.configure(sync_conn, opts={"compare_type": True})
                return compare_metadata(context, Base.metadata)

            differences = await conn.run_sync(diff)
    finally:
        await engine.dispose()
    assert differences == []


async def test_check_constraints_agree_with_the_models(fresh_database_url) -> None:  # type: ignore[no-untyped-def]
    # compare_metadata does not look at CHECK constraints: compare their names here.
    expected = {
        (table.name, constraint.name)
        for table in Base.metadata.tables.values()
        for constraint in table.constraints
        if isinstance(constraint, CheckConstraint)
    }
    assert ("memberships", "ck_memberships_role") in expected
    engine = create_async_engine(fresh_database_url)
    try:
        async with engine.connect() as conn:

            def checks(sync_conn):  # type: ignore[no-untyped-def]
                inspector = inspect(sync_conn)
                return {
                    (table, check["name"])
                    for table in Base.metadata.tables
                    for check in inspector.get_check_constraints(table)
                }

            found = await conn.run_sync(checks)
    finally:
        await engine.dispose()
    assert found == expected


def test_migration_files_are_named_by_date_and_slug() -> None:
    names = [p.name for p in (Path(ROOT) / "migrations" / "versions").glob("*.py")]
    assert names
    assert [n for n in names if not FILENAME.match(n)] == []
