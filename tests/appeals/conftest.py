"""The people of the appeals tests: a lead organization (A), a co-author (B), an outsider
organization (C), their members and representatives, a coordinator and an admin."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from app.appeals.text.blocks import new_block_id
from app.models.memberships import Organization
from app.models.users import User
from tests.support.admin_session import ADMIN, COORDINATOR, browse, clock
from tests.support.people import add_member, make_organization, make_person

__all__ = ["browse", "clock"]


def block(kind: str, text: str, block_id: str | None = None) -> dict[str, str]:
    return {"id": block_id or new_block_id(), "kind": kind, "text": text}


def sample_blocks() -> list[dict[str, str]]:
    """A short appeal in the shape of a coalition's letter (our own words)."""
    return [
        block("title", "Free the imprisoned reporters"),
        block("salutation", "Dear Minister,"),
        block(
            "paragraph",
            "We, members of the coalition, write about the reporters held since spring.",
        ),
        block("paragraph", "We therefore urge you to:"),
        block("ask", "Call for the release of every imprisoned reporter."),
        block("ask", "Raise their cases at the next council of ministers."),
        block("closing", "Respectfully,"),
    ]


@dataclass
class Cast:
    org_a: Organization
    org_b: Organization
    org_c: Organization
    people: dict[str, User] = field(default_factory=dict)
    browsers: dict[str, httpx.AsyncClient] = field(default_factory=dict)

    def __getitem__(self, name: str) -> httpx.AsyncClient:
        return self.browsers[name]


@pytest.fixture
async def cast(session, browse) -> Cast:  # type: ignore[no-untyped-def]
    org_a = await make_organization(session, name="Lead Association")
    org_b = await make_organization(session, name="Second Union")
    org_c = await make_organization(session, name="Outside Group")
    cast = Cast(org_a, org_b, org_c)
    plan: list[tuple[str, Organization | None, str, Any]] = [
        ("a_member", org_a, "member", frozenset()),
        ("a_rep", org_a, "representative", frozenset()),
        ("b_member", org_b, "member", frozenset()),
        ("b_rep", org_b, "representative", frozenset()),
        ("c_member", org_c, "member", frozenset()),
        ("c_rep", org_c, "representative", frozenset()),
        ("coordinator", None, "", COORDINATOR),
        ("admin", None, "", ADMIN),
    ]
    for name, organization, role, roles in plan:
        person = await make_person(
            session, roles=roles, display_name=name.replace("_", " ").title()
        )
        if organization is not None:
            await add_member(session, person, organization, role)
        cast.people[name] = person
        cast.browsers[name] = await browse(person)
    return cast


async def start_appeal(
    cast: Cast, *, by: str = "a_member", blocks: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    response = await cast[by].post(
        "/api/appeals",
        json={
            "lead_organization_id": str(cast.org_a.id),
            "title": "Free the imprisoned reporters",
            "language": "en",
            "blocks": blocks if blocks is not None else sample_blocks(),
        },
    )
    assert response.status_code == 201, response.text
    return response.json()


async def read_text(client: httpx.AsyncClient, appeal_id: str) -> tuple[str, list[dict[str, Any]]]:
    response = await client.get(f"/api/appeals/{appeal_id}/text")
    assert response.status_code == 200, response.text
    return response.headers["etag"], response.json()["blocks"]


async def save(
    client: httpx.AsyncClient,
    appeal_id: str,
    etag: str | None,
    blocks: list[dict[str, Any]],
    **extra: Any,
) -> httpx.Response:
    headers = {"If-Match": etag} if etag else {}
    return await client.put(
        f"/api/appeals/{appeal_id}/text", json={"blocks": blocks, **extra}, headers=headers
    )


async def with_co_author(cast: Cast, appeal_id: str) -> None:
    """B joins as co-author (invited by A's representative, accepted by B's)."""
    invited = await cast["a_rep"].post(
        f"/api/appeals/{appeal_id}/co-authors", json={"organization_id": str(cast.org_b.id)}
    )
    assert invited.status_code == 201, invited.text
    accepted = await cast["b_rep"].post(
        f"/api/appeals/{appeal_id}/co-authors/{cast.org_b.id}/decision", json={"decision": "accept"}
    )
    assert accepted.status_code == 200, accepted.text


async def transition(cast: Cast, who: str, appeal_id: str, action: str) -> httpx.Response:
    return await cast[who].post(f"/api/appeals/{appeal_id}/transitions", json={"action": action})


async def approve_all(cast: Cast, appeal_id: str) -> dict[str, Any]:
    sha = (await cast["a_rep"].get(f"/api/appeals/{appeal_id}")).json()["head_sha256"]
    body: dict[str, Any] = {}
    for who, org in (("a_rep", cast.org_a), ("b_rep", cast.org_b)):
        response = await cast[who].post(
            f"/api/appeals/{appeal_id}/approvals",
            json={"organization_id": str(org.id), "sha256": sha},
        )
        assert response.status_code == 200, response.text
        body = response.json()
    return body
