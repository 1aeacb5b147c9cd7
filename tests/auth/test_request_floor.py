"""What every signed-in request costs before the route does anything: one statement.

Resolving the actor (app/auth/dependencies.py) loads the session, its user, platform roles,
memberships and second-factor state in one round trip (repository.load_session_context);
GET /api/auth/session answers from it without a query of its own.
"""

from __future__ import annotations

from sqlalchemy import event

from tests.support.admin_session import ADMIN, admin, browse, signed_in_admin
from tests.support.people import add_member, make_organization, make_person
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
