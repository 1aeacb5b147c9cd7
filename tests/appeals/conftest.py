"""The people of the appeals tests: a lead organization (A), a co-author (B), an outsider
organization (C), their members and representatives, a coordinator and an admin."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from app.appeals.text.blocks import new_block_id
from app.kit.crypto import generate_sealing_keypair
from app.models.memberships import Organization
from app.models.users import User
from app.signatories.schemas import key_text
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


CUSTODIANS = ("a_rep", "b_rep", "a_member")


@dataclass
class Cast:
    org_a: Organization
    org_b: Organization
    org_c: Organization
    people: dict[str, User] = field(default_factory=dict)
    browsers: dict[str, httpx.AsyncClient] = field(default_factory=dict)
    custody_keys: dict[str, bytes] = field(default_factory=dict)
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __getitem__(self, name: str) -> httpx.AsyncClient:
        return self.browsers[name]


@pytest.fixture
async def cast(session, browse, clock) -> Cast:  # type: ignore[no-untyped-def]
    org_a = await make_organization(session, name="Lead Association")
    org_b = await make_organization(session, name="Second Union")
    org_c = await make_organization(session, name="Outside Group")
    cast = Cast(org_a, org_b, org_c, now=clock.now())
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
            session,
            roles=roles,
            display_name=name.replace("_", " ").title(),
            # The custodians of window(): a custody key needs a fresh second factor.
            second_factor=name in CUSTODIANS,
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


async def set_custody_key(client: httpx.AsyncClient) -> bytes:
    """Make a custody key pair as a custodian's browser would; register the public half.
    Returns the private key (which, in real life, never leaves the browser)."""
    private, public = generate_sealing_keypair()
    response = await client.put("/api/custody/key", json={"public_key": key_text(public)})
    assert response.status_code == 200, response.text
    return private


def window(cast: Cast, **overrides: Any) -> dict[str, Any]:
    """A signing window: two weeks, every tier, organizations and members, custodians
    A's and B's representatives and A's member, 2 of 3."""
    body: dict[str, Any] = {
        "closes_at": (cast.now + timedelta(days=14)).isoformat(),
        "tiers": ["public", "withheld", "counted"],
        "allow_organizations": True,
        "allow_members": True,
        "custodians": [
            {"user_id": str(cast.people["a_rep"].id), "organization_id": str(cast.org_a.id)},
            {"user_id": str(cast.people["b_rep"].id), "organization_id": str(cast.org_b.id)},
            {"user_id": str(cast.people["a_member"].id), "organization_id": str(cast.org_a.id)},
        ],
        "threshold": 2,
        "milestones": [],
    }
    body.update(overrides)
    return body


async def open_for_signing(cast: Cast, appeal_id: str, **overrides: Any) -> httpx.Response:
    """A coordinator opens an approved appeal with :func:`window`; the custodians' private
    keys land in ``cast.custody_keys``."""
    for who in CUSTODIANS:
        if who not in cast.custody_keys:
            cast.custody_keys[who] = await set_custody_key(cast[who])
    return await cast["coordinator"].post(
        f"/api/appeals/{appeal_id}/signing", json=window(cast, **overrides)
    )
