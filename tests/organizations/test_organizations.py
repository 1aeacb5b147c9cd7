"""Organizations: admins create and edit them; who sees which one."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.support.admin_session import COORDINATOR
from tests.support.databases import using_postgres
from tests.support.people import actions, add_member, make_organization, make_person

VALID = {"name": "  Human Rights Centre  ", "short_name": " HRC ", "country": "by"}


class TestCreate:
    async def test_an_admin_creates_an_organization_with_trimmed_text(
        self, signed_in_admin, session
    ) -> None:  # type: ignore[no-untyped-def]
        response = await signed_in_admin.post(
            "/api/organizations", json={**VALID, "contact": "Signal: +375 00 000 00 00\n"}
        )
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["name"] == "Human Rights Centre"
        assert body["short_name"] == "HRC"
        assert body["country"] == "BY"
        assert body["contact"] == "Signal: +375 00 000 00 00"
        assert response.headers["etag"]
        assert "organization.created" in await actions(session)

    async def test_a_member_cannot_create_one(self, session, browse) -> None:  # type: ignore[no-untyped-def]
        member = await make_person(session)
        await add_member(session, member, await make_organization(session))
        response = await (await browse(member)).post("/api/organizations", json=VALID)
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"

    async def test_a_coordinator_cannot_create_one(self, session, browse) -> None:  # type: ignore[no-untyped-def]
        coordinator = await make_person(session, roles=COORDINATOR)
        response = await (await browse(coordinator)).post("/api/organizations", json=VALID)
        assert response.status_code == 403

    async def test_anonymous_gets_401(self, client) -> None:  # type: ignore[no-untyped-def]
        response = await client.post("/api/organizations", json=VALID)
        assert response.status_code == 401

    async def test_an_unknown_country_is_a_422_problem(self, signed_in_admin) -> None:  # type: ignore[no-untyped-def]
        response = await signed_in_admin.post("/api/organizations", json={**VALID, "country": "XX"})
        assert response.status_code == 422
        assert response.headers["content-type"].startswith("application/problem+json")
        problem = response.json()
        assert problem["code"] == "validation_failed"
        assert ["body", "country"] in [error["loc"] for error in problem["errors"]]
        assert "XX" not in response.text  # rejected input is never echoed

    @pytest.mark.parametrize(
        "changes",
        [
            {"name": "x" * 201},
            {"name": "   "},
            {"name": "Two\nlines"},
            {"short_name": "s" * 51},
            {"country": "BYE"},
            {"description": "d" * 5001},
            {"is_admin": True},  # unknown fields are refused, not ignored
        ],
    )
    async def test_bad_input_is_refused(self, signed_in_admin, changes) -> None:  # type: ignore[no-untyped-def]
        response = await signed_in_admin.post("/api/organizations", json={**VALID, **changes})
        assert response.status_code == 422
        assert response.json()["code"] == "validation_failed"


class TestVisibility:
    async def test_a_member_of_a_sees_a_but_not_b(self, session, browse) -> None:  # type: ignore[no-untyped-def]
        org_a = await make_organization(session, name="Alpha")
        org_b = await make_organization(session, name="Bravo")
        member = await make_person(session)
        await add_member(session, member, org_a)
        browser = await browse(member)

        assert (await browser.get(f"/api/organizations/{org_a.id}")).status_code == 200
        response = await browser.get(f"/api/organizations/{org_b.id}")
        assert response.status_code == 404
        assert response.json()["code"] == "organization_not_found"
        # The same answer as for an organization that does not exist at all.
        missing = await browser.get("/api/organizations/00000000-0000-7000-8000-000000000000")
        assert missing.json() == {**response.json(), "request_id": missing.json()["request_id"]}

        listed = (await browser.get("/api/organizations")).json()["items"]
        assert [o["name"] for o in listed] == ["Alpha"]

    async def test_coordinators_and_admins_see_every_organization(
        self, session, browse, admin
    ) -> None:  # type: ignore[no-untyped-def]
        names = {(await make_organization(session)).name for _ in range(3)}
        coordinator = await make_person(session, roles=COORDINATOR)
        for user in (coordinator, admin):
            listed = (await (await browse(user)).get("/api/organizations")).json()["items"]
            assert names <= {o["name"] for o in listed}

    async def test_a_user_without_memberships_sees_none(self, session, browse) -> None:  # type: ignore[no-untyped-def]
        organization = await make_organization(session)
        loner = await make_person(session)
        browser = await browse(loner)
        assert (await browser.get("/api/organizations")).json()["items"] == []
        assert (await browser.get(f"/api/organizations/{organization.id}")).status_code == 404

    async def test_lists_are_paged(self, session, signed_in_admin) -> None:  # type: ignore[no-untyped-def]
        for _ in range(3):
            await make_organization(session)
        first = (await signed_in_admin.get("/api/organizations?limit=2")).json()
        assert len(first["items"]) == 2 and first["next_cursor"]
        second = (
            await signed_in_admin.get(f"/api/organizations?limit=2&cursor={first['next_cursor']}")
        ).json()
        seen = [o["id"] for o in first["items"] + second["items"]]
        assert len(seen) == len(set(seen)) >= 3


class TestTimestamps:
    async def test_a_time_read_back_from_the_database_carries_its_utc_offset(
        self, session, signed_in_admin
    ) -> None:  # type: ignore[no-untyped-def]
        # SQLite stores no time zone: the API sent "2026-01-01T12:00:00", which a browser
        # reads as local time (found by tests/security/test_api_fuzz.py).
        organization = await make_organization(session)
        response = await signed_in_admin.get(f"/api/organizations/{organization.id}")
        created = datetime.fromisoformat(response.json()["created_at"])
        assert created.utcoffset() == timedelta(0)


class TestUpdate:
    async def test_an_update_needs_the_current_etag(self, session, signed_in_admin) -> None:  # type: ignore[no-untyped-def]
        organization = await make_organization(session, name="Old name")
        url = f"/api/organizations/{organization.id}"
        etag = (await signed_in_admin.get(url)).headers["etag"]

        missing = await signed_in_admin.patch(url, json={"name": "New name"})
        assert missing.status_code == 428
        assert missing.json()["code"] == "if_match_required"

        updated = await signed_in_admin.patch(
            url, json={"name": " New name ", "description": "About us"}, headers={"If-Match": etag}
        )
        assert updated.status_code == 200, updated.text
        assert updated.json()["name"] == "New name"
        assert updated.json()["description"] == "About us"
        assert updated.headers["etag"] != etag

        stale = await signed_in_admin.patch(url, json={"name": "Lost"}, headers={"If-Match": etag})
        assert stale.status_code == 412
        assert stale.json()["code"] == "version_mismatch"
        assert (await signed_in_admin.get(url)).json()["name"] == "New name"
        assert "organization.updated" in await actions(session)

    async def test_null_clears_optional_fields_but_not_the_name(
        self, session, signed_in_admin
    ) -> None:  # type: ignore[no-untyped-def]
        organization = await make_organization(session, contact="Call Ales")
        url = f"/api/organizations/{organization.id}"
        etag = (await signed_in_admin.get(url)).headers["etag"]
        refused = await signed_in_admin.patch(url, json={"name": None}, headers={"If-Match": etag})
        assert refused.status_code == 422
        cleared = await signed_in_admin.patch(
            url, json={"contact": None, "country": None}, headers={"If-Match": etag}
        )
        assert cleared.json()["contact"] is None and cleared.json()["country"] is None

    async def test_a_representative_cannot_edit_their_own_organization(
        self, session, browse
    ) -> None:  # type: ignore[no-untyped-def]
        organization = await make_organization(session)
        representative = await make_person(session)
        await add_member(session, representative, organization, "representative")
        browser = await browse(representative)
        url = f"/api/organizations/{organization.id}"
        etag = (await browser.get(url)).headers["etag"]
        response = await browser.patch(url, json={"name": "Mine"}, headers={"If-Match": etag})
        assert response.status_code == 403

    async def test_a_stranger_cannot_even_tell_it_exists(self, session, browse) -> None:  # type: ignore[no-untyped-def]
        organization = await make_organization(session)
        stranger = await make_person(session)
        await add_member(session, stranger, await make_organization(session), "representative")
        response = await (await browse(stranger)).patch(
            f"/api/organizations/{organization.id}", json={"name": "Taken"}
        )
        assert response.status_code == 404


async def signed_in_admin_headers(
    database_url: str, **organization: str
) -> tuple[dict[str, str], Any]:
    """Headers of a fully signed-in admin for servers on ``database_url`` (made directly in
    the database), and an organization made with ``organization``'s fields, if any."""
    import pyotp

    from app.auth.sessions.service import csrf_token, open_session
    from app.config import SessionSettings
    from app.db import create_engine, create_sessionmaker, unit_of_work
    from app.models.identity import TotpFactor
    from app.models.users import PlatformRole
    from tests.auth.factories import make_user

    engine = create_engine(database_url)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            admin = await make_user(session, roles=frozenset({PlatformRole.ADMIN}))
            factor = TotpFactor(user_id=admin.id, confirmed_at=datetime.now().astimezone())
            factor.secret = pyotp.random_base32()
            session.add(factor)
            made = await make_organization(session, **organization) if organization else None
            issued = await open_session(
                session,
                user_id=admin.id,
                method="password",
                now=datetime.now().astimezone(),
                settings=SessionSettings(),
                user_agent="test",
                second_factor=True,
            )
    finally:
        await engine.dispose()
    headers = {
        "cookie": f"__Host-accord_session={issued.token}",
        "x-csrf-token": csrf_token(issued.token),
    }
    return headers, made


async def test_concurrent_edits_with_one_if_match_let_exactly_one_win(
    two_servers, fresh_database_url
) -> None:  # type: ignore[no-untyped-def]
    """Ten PATCHes holding the same ETag, at once, over two server processes: one is saved,
    the other nine get 412, and the version moves by exactly one."""
    import asyncio
    from collections import Counter

    import httpx

    headers, organization = await signed_in_admin_headers(fresh_database_url, name="Contested")
    url = f"/api/organizations/{organization.id}"
    async with httpx.AsyncClient(timeout=60) as http:
        read = await http.get(two_servers[0] + url, headers=headers)
        etag = read.headers["etag"]
        responses = await asyncio.gather(
            *(
                http.patch(
                    two_servers[i % 2] + url,
                    json={"description": f"edit {i}"},
                    headers={**headers, "if-match": etag},
                )
                for i in range(10)
            )
        )
        counts = Counter(r.status_code for r in responses)
        assert counts == {200: 1, 412: 9}, counts
        assert all(
            r.json()["code"] == "version_mismatch" for r in responses if r.status_code == 412
        )
        winner = next(r for r in responses if r.status_code == 200)
        after = await http.get(two_servers[1] + url, headers=headers)
        assert after.headers["etag"] == winner.headers["etag"] != etag
        assert after.json()["description"] == winner.json()["description"]


@pytest.mark.skipif(
    not using_postgres(),
    reason="needs PostgreSQL: SQLite's BEGIN IMMEDIATE keeps a second writer from reading first",
)
async def test_a_writer_that_read_before_another_committed_is_refused(fresh_database_url) -> None:  # type: ignore[no-untyped-def]
    """The interleaving a burst only sometimes produces, made certain: both read version 1,
    one commits, the other's UPDATE ... WHERE version = 1 matches nothing -> 412."""
    from app.actors import SYSTEM
    from app.db import create_engine, create_sessionmaker, unit_of_work
    from app.kit.preconditions import PreconditionFailed
    from app.models.memberships import Organization
    from app.organizations import service
    from app.organizations.schemas import OrganizationUpdate

    engine = create_engine(fresh_database_url)
    sessions = create_sessionmaker(engine)
    try:
        async with unit_of_work(sessions) as session:
            organization_id = (await make_organization(session, name="Raced")).id
        first, second = sessions(), sessions()
        mine = await first.get(Organization, organization_id)
        theirs = await second.get(Organization, organization_id)
        assert mine is not None and theirs is not None
        await service.update_organization(
            first,
            actor=SYSTEM,
            organization=mine,
            changes=OrganizationUpdate(description="first"),
            now=datetime.now().astimezone(),
        )
        await first.commit()
        with pytest.raises(PreconditionFailed):
            await service.update_organization(
                second,
                actor=SYSTEM,
                organization=theirs,
                changes=OrganizationUpdate(description="second"),
                now=datetime.now().astimezone(),
            )
        await second.rollback()
        await first.close()
        await second.close()
        async with unit_of_work(sessions) as session:
            saved = await session.get(Organization, organization_id)
            assert saved is not None and saved.description == "first"
    finally:
        await engine.dispose()


async def test_one_name_raced_in_many_spellings_over_two_processes_is_created_once(
    two_servers, fresh_database_url
) -> None:  # type: ignore[no-untyped-def]
    """Eight creations of one name at once (capitals, spacing, full-width letters), over two
    server processes: the unique blind index lets exactly one in, the rest get 409."""
    import asyncio
    from collections import Counter

    import httpx

    headers, _ = await signed_in_admin_headers(fresh_database_url)
    spellings = [
        "Viasna",
        "VIASNA",
        " viasna ",
        "Ｖｉａｓｎａ",
        "viaSNA",
        "Viasna",
        "VIASna",
        "viasna",
    ]
    async with httpx.AsyncClient(timeout=60) as http:
        responses = await asyncio.gather(
            *(
                http.post(
                    two_servers[i % 2] + "/api/organizations",
                    json={"name": name, "short_name": f"V{i}"},
                    headers=headers,
                )
                for i, name in enumerate(spellings)
            )
        )
        counts = Counter(r.status_code for r in responses)
        assert counts == {201: 1, 409: 7}, [r.text for r in responses]
        assert {r.json()["code"] for r in responses if r.status_code == 409} == {
            "organization_name_taken"
        }
        listed = (await http.get(two_servers[1] + "/api/organizations", headers=headers)).json()
        assert len(listed["items"]) == 1


class TestUniqueNames:
    async def test_a_name_is_taken_whatever_its_capitals_spacing_or_width(  # type: ignore[no-untyped-def]
        self, signed_in_admin
    ) -> None:
        first = await signed_in_admin.post(
            "/api/organizations", json={"name": "Forum of the Free", "short_name": "FF"}
        )
        assert first.status_code == 201, first.text
        for again in ("forum of the free", "  FORUM   of the  Free ", "Ｆｏｒｕｍ of the Free"):
            response = await signed_in_admin.post(
                "/api/organizations", json={"name": again, "short_name": "FF2"}
            )
            assert response.status_code == 409, (again, response.text)
            assert response.json()["code"] == "organization_name_taken"
        other = await signed_in_admin.post(
            "/api/organizations", json={"name": "Forum of the Freed", "short_name": "FF3"}
        )
        assert other.status_code == 201

    async def test_renaming_onto_another_name_is_refused_and_recasing_ones_own_is_not(  # type: ignore[no-untyped-def]
        self, signed_in_admin
    ) -> None:
        taken = await signed_in_admin.post(
            "/api/organizations", json={"name": "Viasna", "short_name": "V"}
        )
        mine = await signed_in_admin.post(
            "/api/organizations", json={"name": "Dissidentby", "short_name": "D"}
        )
        url = f"/api/organizations/{mine.json()['id']}"
        etag = (await signed_in_admin.get(url)).headers["etag"]
        refused = await signed_in_admin.patch(
            url, json={"name": "VIASNA"}, headers={"if-match": etag}
        )
        assert refused.status_code == 409
        assert refused.json()["code"] == "organization_name_taken"
        recased = await signed_in_admin.patch(
            url, json={"name": "DissidentBY"}, headers={"if-match": etag}
        )
        assert recased.status_code == 200, recased.text
        assert recased.json()["name"] == "DissidentBY"
        assert taken.status_code == 201


async def test_key_rotation_fills_in_the_name_index_of_rows_written_before_it(
    fresh_database_url,
) -> None:  # type: ignore[no-untyped-def]
    """Rows created before the unique name index existed hold NULL there; `accord keys
    rotate` computes it from the decrypted name, in its compared form."""
    from sqlalchemy import select, update

    from app.db import create_engine, create_sessionmaker, unit_of_work
    from app.keys import current_keyring
    from app.kit.crypto.blind_index import blind_index
    from app.models.memberships import ORGANIZATION_NAME_DOMAIN, Organization
    from app.rotation import reencrypt_all

    engine = create_engine(fresh_database_url)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            organization = await make_organization(session, name="  Forum OF the Free ")
        async with engine.begin() as conn:
            await conn.execute(update(Organization).values(name_index=None))
        assert await reencrypt_all(engine, current_keyring()) >= 1
        async with engine.connect() as conn:
            stored = await conn.scalar(
                select(Organization.name_index).where(Organization.id == organization.id)
            )
        expected = blind_index(
            current_keyring(), "forum of the free", domain=ORGANIZATION_NAME_DOMAIN
        )
        assert stored == expected
    finally:
        await engine.dispose()
