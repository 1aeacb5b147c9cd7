"""Rows of the authorization matrix for the recipients registry
(app/outreach/recipients/router.py): coordinators only, every other signed-in person 403,
whoever is not signed in 401.

The objects: one recipient and one group holding it, made through the API by the
coordinator. The registry belongs to no organization, so "own" and "other" are the same
objects and the outcomes the same. Every body is valid, so that what answers is the
registry check, not validation (which runs first in FastAPI).
"""

from __future__ import annotations

from typing import Any

import httpx

from app.permissions import Permission
from tests.security.authz.actors import Cast
from tests.security.authz.policy import Rule, body, only

REGISTRY = only("coordinator")
RECIPIENT = {
    "kind": "ministry",
    "country": "LT",
    "language": "lt",
    "name": "Matrix ministry",
    "addressee": "Minister\nof the Matrix",
}


async def _ok(response: httpx.Response) -> Any:
    assert response.status_code in (200, 201), response.text
    return response.json()


async def add_recipient_objects(client: httpx.AsyncClient, cast: Cast) -> None:
    coordinator = cast.headers("coordinator")
    recipient = await _ok(await client.post("/api/recipients", headers=coordinator, json=RECIPIENT))
    group = await _ok(
        await client.post("/api/recipient-groups", headers=coordinator, json={"name": "Matrix"})
    )
    await _ok(
        await client.put(
            f"/api/recipient-groups/{group['id']}/members",
            headers={**coordinator, "If-Match": '"1"'},
            json={"recipient_ids": [recipient["id"]]},
        )
    )
    client.cookies.clear()
    cast.objects["recipient"] = recipient["id"]
    cast.objects["recipient_group"] = group["id"]


def _recipient(cast: Cast, actor: str, scope: str) -> Any:
    return cast.objects["recipient"]


def _group(cast: Cast, actor: str, scope: str) -> Any:
    return cast.objects["recipient_group"]


def _rule(**kw: Any) -> Rule:
    return Rule(REGISTRY, permission=Permission.OUTREACH_TRACK, **kw)


ONE = {"recipient_id": _recipient}
GROUP = {"group_id": _group}
OTHER_RECIPIENT = body({**RECIPIENT, "name": "Matrix ministry, another"})

RECIPIENTS_POLICY: dict[tuple[str, str], Rule] = {
    ("GET", "/api/recipients"): _rule(),
    ("POST", "/api/recipients"): _rule(body=OTHER_RECIPIENT),
    ("POST", "/api/recipients/import"): _rule(
        body=body({"csv": "kind,country,language,name,addressee\n"}),
        query=lambda cast, actor, scope: {"dry_run": "true"},
    ),
    ("GET", "/api/recipients/{recipient_id}"): _rule(params=ONE),
    ("PUT", "/api/recipients/{recipient_id}"): _rule(params=ONE, body=body(RECIPIENT)),
    ("POST", "/api/recipients/{recipient_id}/archive"): _rule(params=ONE),
    ("POST", "/api/recipients/{recipient_id}/restore"): _rule(params=ONE),
    ("DELETE", "/api/recipients/{recipient_id}"): _rule(params=ONE),
    ("GET", "/api/recipient-groups"): _rule(),
    ("POST", "/api/recipient-groups"): _rule(body=body({"name": "Matrix, another"})),
    ("PATCH", "/api/recipient-groups/{group_id}"): _rule(
        params=GROUP, body=body({"name": "Matrix renamed"})
    ),
    ("DELETE", "/api/recipient-groups/{group_id}"): _rule(params=GROUP),
    ("GET", "/api/recipient-groups/{group_id}/members"): _rule(params=GROUP),
    ("PUT", "/api/recipient-groups/{group_id}/members"): _rule(
        params=GROUP, body=body({"recipient_ids": []})
    ),
}
