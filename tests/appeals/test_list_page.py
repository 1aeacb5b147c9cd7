"""The appeals list page costs one statement of its own, outside any transaction."""

from __future__ import annotations

from app.db import unit_of_work
from app.kit.clock import ManualClock
from app.main import create_app
from tests.appeals.conftest import sample_blocks
from tests.conftest import make_settings
from tests.support.people import add_member, make_organization, make_person
from tests.support.real_engine import Transactions, browser, session_for


async def test_a_list_page_reads_in_one_statement_outside_any_transaction(
    fresh_database_url, tmp_path, test_keys
) -> None:  # type: ignore[no-untyped-def]
    """On a real engine (not the tests' one connection): GET /api/appeals sends the actor's
    statement and the page's, begins no transaction (no BEGIN and COMMIT; on SQLite no write
    lock), and still answers decrypted titles and organization names."""
    app = create_app(make_settings(fresh_database_url, tmp_path), keys=test_keys)
    clock = ManualClock()
    app.state.clock = clock
    async with unit_of_work(app.state.sessionmaker) as session:
        person = await make_person(session, display_name="Lister")
        organization = await make_organization(session, name="Lead Association")
        await add_member(session, person, organization, "member")
        issued = await session_for(session, person.id, clock.now())
    try:
        async with browser(app, issued) as client:
            appeals = []
            for language in ("en", "de"):
                created = await client.post(
                    "/api/appeals",
                    json={
                        "lead_organization_id": str(organization.id),
                        "title": "Free the imprisoned reporters",
                        "language": language,
                        "blocks": sample_blocks(),
                    },
                )
                assert created.status_code == 201, created.text
                appeals.append(created.json())
            with Transactions(app.state.engine) as seen:
                response = await client.get("/api/appeals?limit=1")
            assert response.status_code == 200
            page = response.json()
            assert [(a["id"], a["language"]) for a in page["items"]] == [(appeals[1]["id"], "de")]
            assert page["items"][0]["title"] == appeals[1]["title"]
            assert "reporters" in page["items"][0]["title"]
            assert page["items"][0]["lead_organization_name"] == "Lead Association"
            assert (seen.statements, seen.begun) == (["SELECT", "SELECT"], 0)
            after = await client.get(f"/api/appeals?cursor={page['next_cursor']}")
            assert [a["id"] for a in after.json()["items"]] == [appeals[0]["id"]]
            assert after.json()["next_cursor"] is None
    finally:
        await app.state.engine.dispose()
