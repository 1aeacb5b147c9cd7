"""What every signed-in request costs before the route does anything: one statement.

Resolving the actor (app/auth/dependencies.py) loads the session, its user, platform roles,
memberships and second-factor state in one round trip (repository.load_session_context);
GET /api/auth/session answers from it without a query of its own.
"""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import event

from app.auth.dependencies import TOUCH_EVERY
from app.db import unit_of_work
from app.kit.clock import ManualClock, as_utc
from app.main import create_app
from app.models.identity import AuthSession
from tests.auth.conftest import sign_in
from tests.auth.factories import make_user
from tests.conftest import make_settings
from tests.support.admin_session import ADMIN, admin, browse, signed_in_admin
from tests.support.people import add_member, make_organization, make_person
from tests.support.real_engine import Transactions, browser, session_for
from tests.support.signed_out import signed_out

__all__ = ["admin", "browse", "signed_in_admin"]  # fixtures (tests/support/admin_session.py)

BOOKKEEPING = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT")


class Statements:
    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if not statement.lstrip().upper().startswith(BOOKKEEPING):
            self.seen.append(statement)


async def test_a_signed_in_session_read_costs_one_statement(connection, session, browse) -> None:  # type: ignore[no-untyped-def]
    person = await make_person(session, roles=ADMIN, display_name="Counted")
    for name in ("First", "Second"):
        await add_member(session, person, await make_organization(session, name=name), "member")
    browser = await browse(person)
    warm = await browser.get("/api/auth/session")  # also lets the idle-timeout touch happen
    assert warm.status_code == 200

    statements = Statements()
    event.listen(connection.sync_connection, "before_cursor_execute", statements)
    try:
        response = await browser.get("/api/auth/session")
    finally:
        event.remove(connection.sync_connection, "before_cursor_execute", statements)

    assert response.status_code == 200
    body = response.json()
    assert body["user"]["platform_roles"] == ["admin"]
    assert len(body["memberships"]) == 2
    assert body["totp_enabled"] is True
    assert len(statements.seen) == 1, statements.seen


async def test_suspension_and_revocation_still_end_the_next_request(
    session, browse, signed_in_admin
) -> None:  # type: ignore[no-untyped-def]
    person = await make_person(session)
    phone = await browse(person)
    assert (await phone.get("/api/auth/session")).status_code == 200
    assert (await signed_in_admin.post(f"/api/users/{person.id}/suspend")).status_code == 200
    assert await signed_out(phone)


async def test_a_read_only_signed_in_request_opens_no_transaction(
    fresh_database_url, tmp_path, test_keys
) -> None:  # type: ignore[no-untyped-def]
    """On a real engine (not the tests' one connection): the actor is read outside the
    request's transaction, so GET /api/auth/session sends one statement and begins no
    transaction (no BEGIN, COMMIT, or SQLite write lock); the idle-timeout touch, when due,
    is still written and committed."""
    app = create_app(make_settings(fresh_database_url, tmp_path), keys=test_keys)
    clock = ManualClock()
    app.state.clock = clock
    async with unit_of_work(app.state.sessionmaker) as session:
        user = await make_user(session)
        issued = await session_for(session, user.id, clock.now())
    try:
        async with browser(app, issued) as client:
            with Transactions(app.state.engine) as seen:
                response = await client.get("/api/auth/session")
            assert response.status_code == 200
            assert response.json()["state"] == "full"
            assert (seen.statements, seen.begun) == (["SELECT"], 0)

            clock.advance(TOUCH_EVERY)
            with Transactions(app.state.engine) as seen:
                assert (await client.get("/api/auth/session")).status_code == 200
            assert "UPDATE" in seen.statements
            assert seen.begun == 1
        async with app.state.sessionmaker() as session:
            record = await session.get(AuthSession, issued.record.id)
            assert record is not None
            assert as_utc(record.last_seen_at) == clock.now()
    finally:
        await app.state.engine.dispose()


async def test_a_burst_on_one_session_writes_its_touch_once(
    fresh_database_url, tmp_path, test_keys
) -> None:  # type: ignore[no-untyped-def]
    """Twenty simultaneous reads of one session whose touch is due: one of them writes
    last_seen_at, the rest stay reads (before, each queued its own UPDATE and COMMIT on the
    same row: the tail of the request floor's latency). Half a minute later it is due once
    more."""
    app = create_app(make_settings(fresh_database_url, tmp_path), keys=test_keys)
    clock = ManualClock()
    app.state.clock = clock
    async with unit_of_work(app.state.sessionmaker) as session:
        user = await make_user(session)
        issued = await session_for(session, user.id, clock.now())
    try:
        async with browser(app, issued) as client:
            for _ in range(2):
                clock.advance(TOUCH_EVERY)
                with Transactions(app.state.engine) as seen:
                    answers = await asyncio.gather(
                        *(client.get("/api/auth/session") for _ in range(20))
                    )
                assert [a.status_code for a in answers] == [200] * 20
                assert seen.statements.count("UPDATE") == 1, seen.statements
                async with app.state.sessionmaker() as session:
                    record = await session.get(AuthSession, issued.record.id)
                    assert record is not None
                    assert as_utc(record.last_seen_at) == clock.now()
    finally:
        await app.state.engine.dispose()


async def test_a_password_sign_in_locks_the_shared_address_row_for_one_statement(
    fresh_database_url, tmp_path, test_keys
) -> None:  # type: ignore[no-untyped-def]
    """Everyone behind one address (an office, a VPN exit) shares its throttle row. The
    attempt is reserved, and a right password gives it back, on statements of their own
    (db.committed_apart), never inside the request's transaction, where the row's lock
    would wait for every later statement and the commit. On PostgreSQL they send no BEGIN
    or COMMIT: the request's transaction is the only one begun. On SQLite, where BEGIN
    costs no round trip, each is a short transaction under the process's write lock."""
    app = create_app(make_settings(fresh_database_url, tmp_path), keys=test_keys)
    async with unit_of_work(app.state.sessionmaker) as session:
        user = await make_user(session)
    engine = app.state.engine
    begun: list[str] = []

    def _begin(connection) -> None:  # type: ignore[no-untyped-def]
        level = connection.get_execution_options().get("isolation_level", "transaction")
        begun.append(level)

    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="https://localhost"
        ) as client:
            event.listen(engine.sync_engine, "begin", _begin)
            try:
                with Transactions(engine) as seen:
                    response = await sign_in(client, user.email)
            finally:
                event.remove(engine.sync_engine, "begin", _begin)
        assert response.status_code == 200
        throttle_writes = [s for s in seen.statements if s in ("INSERT", "UPDATE", "DELETE")]
        assert throttle_writes  # the reservations and the give-back ran
        if engine.dialect.name == "postgresql":
            sent_begin = [level for level in begun if level != "AUTOCOMMIT"]
            assert sent_begin == ["transaction"], begun
        else:
            assert begun == ["transaction"] * 3, begun
    finally:
        await engine.dispose()
