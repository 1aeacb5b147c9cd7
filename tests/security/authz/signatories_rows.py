"""Rows of the authorization matrix for the signing routes (app/signatories/router.py).

The objects (made through the API after appeals_rows.py's):

* appeal **Z**: led by A, approved by its representative, opened for signatures by the
  coordinator with A's representative and B's member as custodians (their custody keys
  written straight to the table: the matrix tests who may, not the browser's key making).
  A's member signed as themselves, A's representative for A.

"own" is Z: once open, every member of any organization sees it and may sign (policy.py);
the admin, in no organization, sees nothing (404); the coordinator sees it but cannot sign,
belonging to no organization (403). "other" is X, which has no signing window: its writers
get 409 ``signing_window_missing`` (a domain answer: "allow"), everyone else 404.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.appeals.text.blocks import new_block_id
from app.keys import current_keyring
from app.kit.crypto import generate_sealing_keypair, proof_of_work
from app.models.signatories import CustodyKey
from app.permissions import Permission
from app.signatories.schemas import key_text
from tests.security.authz.actors import Cast
from tests.security.authz.policy import Rule, everyone, signed_in

PEOPLE = ("member", "representative", "other_member", "co_author_member")
# X's writers (appeals_rows.py): they learn that X has no window yet; others that it is not
# there at all.
X_WRITERS = ("member", "representative", "co_author_member", "coordinator")


async def _ok(response: httpx.Response) -> Any:
    assert response.status_code in (200, 201), response.text
    return response.json()


async def add_signing_objects(session: AsyncSession, client: httpx.AsyncClient, cast: Cast) -> None:
    """Appeal Z, open for signatures, with two signatures (see the module docstring)."""
    made = await _ok(
        await client.post(
            "/api/appeals",
            headers=cast.headers("member"),
            json={
                "lead_organization_id": str(cast.org_a.id),
                "title": "Matrix signing",
                "blocks": [
                    {"id": new_block_id(), "kind": "title", "text": "Matrix signing"},
                    {"id": new_block_id(), "kind": "ask", "text": "Release them."},
                ],
            },
        )
    )
    base = f"/api/appeals/{made['id']}"
    await _ok(
        await client.post(
            f"{base}/transitions",
            headers=cast.headers("member"),
            json={"action": "submit_for_review"},
        )
    )
    await _ok(
        await client.post(
            f"{base}/approvals",
            headers=cast.headers("representative"),
            json={"organization_id": str(cast.org_a.id), "sha256": made["head_sha256"]},
        )
    )
    for who in ("representative", "other_member"):
        session.add(
            CustodyKey(user_id=cast.users[who].id, public_key=generate_sealing_keypair()[1])
        )
    await session.commit()
    opened = await _ok(
        await client.post(
            f"{base}/signing",
            headers=cast.headers("coordinator"),
            json=_window(cast),
        )
    )
    mine = await _ok(
        await client.post(
            f"{base}/signatures",
            headers=cast.headers("member"),
            json=_member_signature(opened["revision_sha256"]),
        )
    )
    for_a = await _ok(
        await client.post(
            f"{base}/signatures",
            headers=cast.headers("representative"),
            json={
                "kind": "organization",
                "organization_id": str(cast.org_a.id),
                "tier": "public",
                "name": "Organization A",
                "revision_sha256": opened["revision_sha256"],
            },
        )
    )
    asked = await _ok(
        await client.post(
            f"{base}/unseal-requests",
            headers=cast.headers("representative"),
            json={
                "reason": "The matrix asks to read the withheld names.",
                "public_key": key_text(generate_sealing_keypair()[1]),
            },
        )
    )
    cast.objects["appeal_z"] = {
        "unseal_request": asked["items"][0]["id"],
        "id": made["id"],
        "sha256": opened["revision_sha256"],
        "member_signature": mine["signature"]["id"],
        "receipt": mine["receipt_code"],
        "organization_signature": for_a["signature"]["id"],
    }


def _window(cast: Cast) -> dict[str, Any]:
    return {
        "closes_at": (datetime.now(UTC) + timedelta(days=14)).isoformat(),
        "tiers": ["public", "withheld", "counted"],
        "allow_organizations": True,
        "allow_members": True,
        "allow_public": True,
        "custodians": [
            {
                "user_id": str(cast.users["representative"].id),
                "organization_id": str(cast.org_a.id),
            },
            {"user_id": str(cast.users["other_member"].id), "organization_id": str(cast.org_b.id)},
        ],
        "threshold": 2,
    }


def _member_signature(sha256: str) -> dict[str, Any]:
    return {"kind": "member", "tier": "public", "name": "Matrix Signer", "revision_sha256": sha256}


def _z(cast: Cast) -> dict[str, Any]:
    return cast.objects["appeal_z"]  # type: ignore[return-value]


def appeal_id(cast: Cast, actor: str, scope: str) -> Any:
    if scope == "own":
        return _z(cast)["id"]
    return cast.objects["appeal_x"]["id"]  # type: ignore[index]


def frozen_or_draft_sha256(cast: Cast, actor: str, scope: str) -> Any:
    """Z's frozen text ("own") or X's draft head, which no public page may show ("other")."""
    if scope == "own":
        return _z(cast)["sha256"]
    return cast.objects["appeal_x"]["sha256"]  # type: ignore[index]


def member_signature(cast: Cast, actor: str, scope: str) -> Any:
    return _z(cast)["member_signature"]


def organization_signature(cast: Cast, actor: str, scope: str) -> Any:
    return _z(cast)["organization_signature"]


def _outside_x() -> dict[str, str]:
    table = signed_in()
    for actor in ("other_member", "admin"):
        table[actor] = "404"
    return table


def _on_z(own: dict[str, str], **params: Any) -> dict[str, Any]:
    return {
        "expect": own,
        "expect_other": _outside_x(),
        "params": {"appeal_id": appeal_id, **params},
    }


def _only_theirs(owner: str) -> dict[str, str]:
    """A signature only its signer (or their organization's officer) may act on; for
    everyone else it does not exist."""
    return signed_in(**{a: "404" for a in (*PEOPLE, "coordinator", "admin") if a != owner})


def unseal_request(cast: Cast, actor: str, scope: str) -> Any:
    return _z(cast)["unseal_request"]


# Unsealing is the custodians' (A's representative and B's member on Z); whoever else sees
# Z is refused, the admin does not see it.
CUSTODIANS_ONLY = signed_in(member="403", co_author_member="403", coordinator="403", admin="404")
COORDINATORS_ONLY = signed_in(
    member="403", representative="403", other_member="403", co_author_member="403", admin="404"
)


def _solved_challenge() -> str:
    """What the public page's browser sends: a fresh challenge, solved."""
    made = proof_of_work.new_challenge(
        current_keyring(), now=datetime.now(UTC), max_number=1000, valid_for=timedelta(minutes=5)
    )
    return proof_of_work.solve(made)


def _fixed(value: Any) -> Any:
    return lambda cast, actor, scope: value


P = Permission
BASE = "/api/appeals/{appeal_id}"
SEEN = signed_in(admin="404")

SIGNATORIES_POLICY: dict[tuple[str, str], Rule] = {
    ("GET", f"{BASE}/signing"): Rule(**_on_z(SEEN)),
    ("GET", f"{BASE}/signatures"): Rule(**_on_z(SEEN)),
    # The export: coordinators and the writing organizations' representatives.
    ("GET", f"{BASE}/signatures.csv"): Rule(
        **_on_z(signed_in(member="403", other_member="403", co_author_member="403", admin="404"))
    ),
    ("POST", f"{BASE}/signatures"): Rule(
        **_on_z(signed_in(admin="404", coordinator="403")),
        body=lambda cast, actor, scope: _member_signature(_z(cast)["sha256"]),
    ),
    ("POST", f"{BASE}/signatures/{{signature_id}}/confirm"): Rule(
        **_on_z(_only_theirs("member"), signature_id=member_signature)
    ),
    ("POST", f"{BASE}/signatures/{{signature_id}}/reconsent"): Rule(
        **_on_z(_only_theirs("member"), signature_id=member_signature),
        body=lambda cast, actor, scope: {"revision_sha256": _z(cast)["sha256"]},
    ),
    ("DELETE", f"{BASE}/signatures/{{signature_id}}"): Rule(
        **_on_z(_only_theirs("representative"), signature_id=organization_signature)
    ),
    # Running signing is the coordinators': Z's writers see Z but may not; the others do
    # not see it (it is still the writers' compartment for what is not signing).
    ("GET", f"{BASE}/custodian-candidates"): Rule(
        signed_in(
            member="403",
            representative="403",
            other_member="404",
            co_author_member="404",
            admin="404",
        ),
        params={"appeal_id": appeal_id},
        expect_other=signed_in(
            member="403",
            representative="403",
            co_author_member="403",
            other_member="404",
            admin="404",
        ),
        permission=P.APPEALS_RUN,
    ),
    ("POST", f"{BASE}/signing"): Rule(
        signed_in(
            member="403",
            representative="403",
            other_member="404",
            co_author_member="404",
            admin="404",
        ),
        params={"appeal_id": appeal_id},
        expect_other=signed_in(
            member="403",
            representative="403",
            co_author_member="403",
            other_member="404",
            admin="404",
        ),
        body=lambda cast, actor, scope: _window(cast),
        permission=P.APPEALS_RUN,
    ),
    # Bulk invalidation: coordinators only; whoever else sees Z is refused.
    ("POST", f"{BASE}/invalidations/preview"): Rule(
        **_on_z(COORDINATORS_ONLY), body=_fixed({"unconfirmed_only": True})
    ),
    ("POST", f"{BASE}/invalidations"): Rule(
        **_on_z(COORDINATORS_ONLY),
        body=_fixed({"unconfirmed_only": True, "reason": "The matrix.", "expected": 0}),
    ),
    ("GET", f"{BASE}/unseal-requests"): Rule(**_on_z(CUSTODIANS_ONLY)),
    ("POST", f"{BASE}/unseal-requests"): Rule(
        **_on_z(CUSTODIANS_ONLY),
        body=lambda cast, actor, scope: {
            "reason": "Another request, for the matrix.",
            "public_key": key_text(generate_sealing_keypair()[1]),
        },
    ),
    ("POST", f"{BASE}/unseal-requests/{{request_id}}/approvals"): Rule(
        **_on_z(CUSTODIANS_ONLY, request_id=unseal_request),
        # The size of a share sealed to the request's key (its content is the browser's).
        body=_fixed({"sealed_share": key_text(b"\x01" + bytes(81))}),
    ),
    # Only the custodian who asked opens the result.
    ("GET", f"{BASE}/unseal-requests/{{request_id}}/bundle"): Rule(
        **_on_z(
            signed_in(
                member="403",
                co_author_member="403",
                coordinator="403",
                other_member="403",
                admin="404",
            ),
            request_id=unseal_request,
        )
    ),
    ("GET", "/api/signing"): Rule(signed_in()),
    ("GET", "/api/custody/key"): Rule(signed_in()),
    ("PUT", "/api/custody/key"): Rule(
        signed_in(coordinator="403", admin="403"),
        body=lambda cast, actor, scope: {"public_key": key_text(generate_sealing_keypair()[1])},
        permission=P.OWN_FACTORS_MANAGE,
        credential_step_up=True,
    ),
    # The public page: anyone, signed in or not, on an appeal that lets the public sign
    # (Z); X has no window, and answers as if it did not exist.
    ("GET", "/api/public/appeals/{appeal_id}"): Rule(
        everyone(), params={"appeal_id": appeal_id}, expect_other=everyone("404")
    ),
    ("POST", "/api/public/challenges"): Rule(everyone()),
    # The link in an update email: anyone holding a token (an unknown one ends nothing).
    ("POST", "/api/public/updates/unsubscribe"): Rule(
        everyone(), body=_fixed({"token": "matrix-unknown-token-0123456789"})
    ),
    ("POST", "/api/public/appeals/{appeal_id}/signatures"): Rule(
        everyone(),
        params={"appeal_id": appeal_id},
        expect_other=everyone("404"),
        body=lambda cast, actor, scope: {
            "name": "Matrix Public Signer",
            "email": f"{actor}.{scope}@example.org",
            "tier": "public",
            "revision_sha256": _z(cast)["sha256"],
            "consent": True,
            "proof_of_work": _solved_challenge(),
        },
    ),
    ("POST", "/api/public/appeals/{appeal_id}/signatures/confirm"): Rule(
        everyone(),
        params={"appeal_id": appeal_id},
        expect_other=everyone("404"),
        body=_fixed({"email": "nobody@example.org", "code": "000000"}),
    ),
    ("POST", "/api/public/appeals/{appeal_id}/withdrawals"): Rule(
        everyone(),
        params={"appeal_id": appeal_id},
        expect_other=everyone("404"),
        body=lambda cast, actor, scope: {
            "receipt_code": _z(cast)["receipt"],
            "email": "nobody@example.org",
        },
    ),
    ("POST", "/api/public/appeals/{appeal_id}/reconsents"): Rule(
        everyone(),
        params={"appeal_id": appeal_id},
        expect_other=everyone("404"),
        body=lambda cast, actor, scope: {
            "receipt_code": _z(cast)["receipt"],
            "email": "nobody@example.org",
        },
    ),
    ("POST", "/api/public/appeals/{appeal_id}/reconsents/confirm"): Rule(
        everyone(),
        params={"appeal_id": appeal_id},
        expect_other=everyone("404"),
        body=lambda cast, actor, scope: {
            "receipt_code": _z(cast)["receipt"],
            "code": "000000",
            "revision_sha256": _z(cast)["sha256"],
        },
    ),
    ("POST", "/api/public/appeals/{appeal_id}/withdrawals/confirm"): Rule(
        everyone(),
        params={"appeal_id": appeal_id},
        expect_other=everyone("404"),
        body=lambda cast, actor, scope: {"receipt_code": _z(cast)["receipt"], "code": "000000"},
    ),
    # A receipt is a bearer code: whoever holds it may check it, signed in or not.
    ("POST", "/api/signature-receipts/check"): Rule(
        everyone(),
        body=lambda cast, actor, scope: {"code": _z(cast)["receipt"]},
    ),
}
