"""One pending request per person and kind, even when admins ask at the same moment on two
server processes (PostgreSQL: SQLite's BEGIN IMMEDIATE serializes writers by itself)."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx
from sqlalchemy import func, select

from app.db import create_engine, create_sessionmaker, unit_of_work
from app.models.memberships import AdminGrantRequest
from tests.auth.factories import make_user
from tests.organizations import test_organizations as organizations


async def test_simultaneous_requests_for_one_person_leave_one_pending(
    two_servers, fresh_database_url
) -> None:  # type: ignore[no-untyped-def]
    headers, _ = await organizations.signed_in_admin_headers(fresh_database_url)
    engine = create_engine(fresh_database_url)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            candidate = await make_user(session)
        async with httpx.AsyncClient(timeout=60) as http:
            responses = await asyncio.gather(
                *(
                    http.post(
                        f"{two_servers[i % 2]}/api/admin-requests",
                        json={"user_id": str(candidate.id), "kind": "grant"},
                        headers=headers,
                    )
                    for i in range(12)
                )
            )
        counts = Counter(r.status_code for r in responses)
        assert counts == {201: 1, 409: 11}, [r.text for r in responses]
        refused = {r.json()["code"] for r in responses if r.status_code == 409}
        assert refused == {"admin_grant_request_pending"}
        async with unit_of_work(create_sessionmaker(engine)) as session:
            pending = await session.scalar(
                select(func.count())
                .select_from(AdminGrantRequest)
                .where(AdminGrantRequest.user_id == candidate.id)
            )
        assert pending == 1
    finally:
        await engine.dispose()
