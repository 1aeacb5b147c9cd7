"""PostgreSQL: the application role may append to the audit log but never rewrite it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.db import create_engine, create_sessionmaker
from app.dbroles import APPEND_ONLY_TABLES, grant_app_role, grant_statements
from app.keys import KeyMaterial
from app.models.audit import AuditEvent
from tests.audit.conftest import CHECKPOINTS, EVENTS, HEAD, append, stored_events, verify
from tests.support.databases import using_postgres

needs_postgres = pytest.mark.skipif(
    not using_postgres(), reason="needs PostgreSQL: roles and GRANTs"
)

INSUFFICIENT_PRIVILEGE = "42501"


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture
async def app_sessions(
    fresh_database_url: str, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions connected as a fresh login role that got only grant_app_role's privileges."""
    role = f"accord_app_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(_asyncpg_dsn(fresh_database_url))
    try:
        await admin.execute(f'CREATE ROLE "{role}" LOGIN')
        await grant_app_role(fresh_database_url, role)
        # Something to try to rewrite, written by the owner.
        await append(sessions, 2)
        app_engine = create_engine(
            make_url(fresh_database_url).set(username=role).render_as_string(hide_password=False)
        )
        try:
            yield create_sessionmaker(app_engine)
        finally:
            await app_engine.dispose()
    finally:
        # Privileges in this database depend on the role: drop them before the role.
        await admin.execute(f'DROP OWNED BY "{role}"')
        await admin.execute(f'DROP ROLE "{role}"')
        await admin.close()


@needs_postgres
class TestAppRole:
    async def test_the_app_role_records_and_reads_events(
        self,
        engine: AsyncEngine,
        app_sessions: async_sessionmaker[AsyncSession],
        test_keys: KeyMaterial,
    ) -> None:
        await append(app_sessions, 3)

        async with app_sessions() as session:
            assert (await session.scalars(select(AuditEvent.seq))).all() == [1, 2, 3, 4, 5]
            assert await session.scalar(text("SELECT current_user")) != "postgres"
        assert (await verify(app_sessions, test_keys)).ok
        assert [e.seq for e in await stored_events(engine)] == [1, 2, 3, 4, 5]

    @pytest.mark.parametrize(
        "statement",
        [
            update(EVENTS).values(action="member.removed"),
            update(EVENTS).where(EVENTS.c.seq == 2).values(details_ct=b"x"),
            delete(EVENTS),
            delete(EVENTS).where(EVENTS.c.seq == 2),
            update(CHECKPOINTS).values(size=0),
            delete(CHECKPOINTS),
            text("TRUNCATE audit_events"),
            text("TRUNCATE audit_checkpoints"),
        ],
        ids=[
            "update-events",
            "update-details",
            "delete-events",
            "delete-last-event",
            "update-checkpoints",
            "delete-checkpoints",
            "truncate-events",
            "truncate-checkpoints",
        ],
    )
    async def test_the_app_role_cannot_rewrite_audit_rows(
        self,
        app_sessions: async_sessionmaker[AsyncSession],
        test_keys: KeyMaterial,
        statement: object,
    ) -> None:
        async with app_sessions() as session:
            with pytest.raises(DBAPIError) as error:
                await session.execute(statement)  # type: ignore[call-overload]
            assert error.value.orig.sqlstate == INSUFFICIENT_PRIVILEGE  # type: ignore[union-attr]
            assert "permission denied" in str(error.value.orig)

        report = await verify(app_sessions, test_keys)
        assert report.ok
        assert report.events == 2

    async def test_the_app_role_may_move_the_head_which_verification_never_trusts(
        self,
        app_sessions: async_sessionmaker[AsyncSession],
        test_keys: KeyMaterial,
    ) -> None:
        async with app_sessions() as session:
            await session.execute(update(HEAD).values(seq=HEAD.c.seq))
            await session.commit()

        assert (await verify(app_sessions, test_keys)).ok


class TestGrantStatements:
    @pytest.mark.parametrize(
        "role",
        [
            'app"; DROP TABLE audit_events; --',
            'app" WITH SUPERUSER',
            "app; DROP TABLE users",
            "App",
            "app role",
            "app-role",
            "app\n",
            "app\nx",
            "1app",
            "",
            "a" * 64,
        ],
    )
    def test_a_role_name_that_is_not_a_plain_identifier_is_refused(self, role: str) -> None:
        with pytest.raises(ValueError, match="role names"):
            grant_statements(role)

    def test_append_only_tables_get_select_and_insert_only(self) -> None:
        statements = grant_statements("accord_app")

        for table in APPEND_ONLY_TABLES:
            grants = [s for s in statements if s.startswith("GRANT") and f'"{table}"' in s]
            assert grants == [f'GRANT SELECT, INSERT ON TABLE "{table}" TO "accord_app"']
            assert f'REVOKE ALL ON TABLE "{table}" FROM "accord_app"' in statements
