"""Roles have one definition (app/permissions.py) and the database holds no other.

Every role column carries a CHECK constraint, so a row written around the API (a Core
insert, a hand-made fix, a future bug) cannot store a role the policy does not know; the
API refuses unknown roles earlier, with 422.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Table, insert, inspect, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import create_async_engine

from app.migrate import downgrade, upgrade
from app.models.memberships import Invitation, Membership
from app.models.users import PlatformRoleGrant, User
from app.permissions import INVITABLE_PLATFORM_ROLES, OrgRole, PlatformRole
from tests.support.people import make_organization, make_person

NOW = datetime(2026, 12, 1, tzinfo=UTC)

# (table, column, a value the column accepts); "owner" is a role nobody defines.
COLUMNS = [
    pytest.param(PlatformRoleGrant.__table__, "role", PlatformRole.COORDINATOR, id="grant.role"),
    pytest.param(Membership.__table__, "role", OrgRole.MEMBER, id="membership.role"),
    pytest.param(Invitation.__table__, "role", OrgRole.MEMBER, id="invitation.role"),
    pytest.param(
        Invitation.__table__, "platform_role", PlatformRole.COORDINATOR, id="invitation.platform"
    ),
]


async def _row(session, table: Table) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """A valid row of ``table`` (foreign keys included), roles set to accepted values."""
    user = await make_person(session)
    base: dict[str, Any] = {"id": uuid.uuid4(), "created_at": NOW}
    if table.name == "platform_role_grants":
        return {**base, "user_id": user.id, "role": "coordinator"}
    organization = await make_organization(session)
    if table.name == "memberships":
        return {**base, "user_id": user.id, "organization_id": organization.id, "role": "member"}
    return {
        **base,
        "email_ct": b"\x00" * 40,
        "email_index": uuid.uuid4().bytes,
        "organization_id": organization.id,
        "role": "member",
        "platform_role": None,
        "language": "en",
        "token_mac": uuid.uuid4().bytes,
        "expires_at": NOW + timedelta(days=7),
        "sent_count": 1,
    }


async def _insert(session, table: Table, row: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    async with session.begin_nested():
        await (await session.connection()).execute(insert(table).values(**row))


@pytest.mark.parametrize(("table", "column", "accepted"), COLUMNS)
async def test_the_database_refuses_an_unknown_role(session, table, column, accepted) -> None:  # type: ignore[no-untyped-def]
    row = await _row(session, table)
    with pytest.raises(IntegrityError) as refused:
        await _insert(session, table, {**row, column: "owner"})
    assert f"ck_{table.name}_{column}" in str(refused.value.orig)
    # The same row with a known role goes in: the CHECK, nothing else, refused it.
    await _insert(session, table, {**row, column: str(accepted)})


@pytest.mark.parametrize(("table", "column", "accepted"), COLUMNS)
async def test_an_update_cannot_store_an_unknown_role(session, table, column, accepted) -> None:  # type: ignore[no-untyped-def]
    row = await _row(session, table)
    await _insert(session, table, {**row, column: str(accepted)})
    with pytest.raises(IntegrityError):
        async with session.begin_nested():
            await (await session.connection()).execute(
                update(table).where(table.c.id == row["id"]).values({column: "owner"})
            )


async def test_an_invitation_row_cannot_offer_admin(session) -> None:  # type: ignore[no-untyped-def]
    # Admin comes only through a second admin's approval, never with an invitation link.
    assert PlatformRole.ADMIN not in INVITABLE_PLATFORM_ROLES
    table = Invitation.__table__
    row = await _row(session, table)
    with pytest.raises(IntegrityError):
        await _insert(session, table, {**row, "platform_role": "admin"})
    await _insert(session, table, {**row, "platform_role": None})


class TestTheApiRefusesUnknownRoles:
    async def test_membership_role(self, session, signed_in_admin) -> None:  # type: ignore[no-untyped-def]
        organization = await make_organization(session)
        person = await make_person(session)
        membership = Membership(user_id=person.id, organization_id=organization.id, role="member")
        session.add(membership)
        await session.commit()
        response = await signed_in_admin.patch(
            f"/api/memberships/{membership.id}", json={"role": "owner"}
        )
        assert response.status_code == 422
        assert [e["loc"] for e in response.json()["errors"]] == [["body", "role"]]

    @pytest.mark.parametrize(
        "extra", [{"role": "owner"}, {"platform_role": "owner"}, {"platform_role": "admin"}]
    )
    async def test_invitation_roles(self, session, signed_in_admin, extra) -> None:  # type: ignore[no-untyped-def]
        organization = await make_organization(session)
        body = {"email": "x@example.org", "organization_id": str(organization.id), "role": "member"}
        response = await signed_in_admin.post("/api/invitations", json={**body, **extra})
        assert response.status_code == 422
        assert [e["loc"] for e in response.json()["errors"]] == [["body", *extra]]

    async def test_platform_role(self, session, signed_in_admin) -> None:  # type: ignore[no-untyped-def]
        person = await make_person(session)
        response = await signed_in_admin.put(f"/api/users/{person.id}/platform-roles/owner")
        assert response.status_code == 422


def test_the_api_document_lists_the_roles(app) -> None:  # type: ignore[no-untyped-def]
    schemas = app.openapi()["components"]["schemas"]
    assert schemas["PlatformRole"]["enum"] == ["admin", "coordinator"]
    assert schemas["OrgRole"]["enum"] == ["representative", "member"]
    org_role = {"$ref": "#/components/schemas/OrgRole"}
    platform_role = {"$ref": "#/components/schemas/PlatformRole"}
    assert schemas["MemberRead"]["properties"]["role"] == org_role
    assert schemas["MembershipUpdate"]["properties"]["role"] == org_role
    assert schemas["SessionMembership"]["properties"]["role"] == org_role
    assert schemas["UserAdminRead"]["properties"]["platform_roles"]["items"] == platform_role
    assert schemas["UserRead"]["properties"]["platform_roles"]["items"] == platform_role
    for name in ("InvitationCreate", "InvitationRead", "InvitationPreview"):
        offered = schemas[name]["properties"]["platform_role"]["anyOf"]
        assert {"const": "coordinator", "type": "string"} in offered


async def test_the_migration_stops_at_rows_with_unknown_roles(fresh_database_url) -> None:  # type: ignore[no-untyped-def]
    """Rows stored before the CHECKs existed: the upgrade names them instead of failing on
    a bare constraint error (or, on SQLite, half way through copying a table)."""
    before = "545f169bae97"  # the revision before 2026-11-29-1710_check_role_columns
    await downgrade(fresh_database_url, before)
    user_id = uuid.uuid4()
    engine = create_async_engine(fresh_database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                insert(User.__table__).values(
                    id=user_id,
                    created_at=NOW,
                    email_ct=b"\x00" * 40,
                    email_index=uuid.uuid4().bytes,
                    display_name_ct=b"\x00" * 40,
                    password_change_required=False,
                    status="active",
                    language="en",
                )
            )
            await conn.execute(
                insert(PlatformRoleGrant.__table__).values(
                    id=uuid.uuid4(), created_at=NOW, user_id=user_id, role="owner"
                )
            )
        with pytest.raises(RuntimeError, match=r"platform_role_grants\.role: owner"):
            await upgrade(fresh_database_url)
        async with engine.begin() as conn:
            await conn.execute(update(PlatformRoleGrant.__table__).values(role="coordinator"))
        await upgrade(fresh_database_url)
        async with engine.connect() as conn:
            names = await conn.run_sync(
                lambda c: {ck["name"] for ck in inspect(c).get_check_constraints("invitations")}
            )
        assert names == {"ck_invitations_role", "ck_invitations_platform_role"}
    finally:
        await engine.dispose()
