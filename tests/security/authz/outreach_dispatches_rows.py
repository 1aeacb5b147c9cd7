"""Rows of the authorization matrix for dispatches, responses and follow-ups
(app/outreach/dispatches/router.py).

The objects (made after signatories_rows.py's appeal **Z**, open and so frozen): a recipient
(through the ORM: the registry is another slice's), a dispatch of Z to it by the
coordinator, a response and a follow-up.

An appeal's outreach (app/outreach/access.py): the coordinator records; A's representative
(Z's writing organization) reads; whoever else sees Z is refused (403); the admin, who does
not see Z, gets 404. "other" is X (draft, no frozen text): its writers' outcomes are the
same (the coordinator's create is a 409 ``appeal_not_frozen``, a domain answer), and those
who do not see X get 404. The registry and one's follow-ups are coordinators' only.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.models.outreach import Recipient
from app.permissions import Permission
from tests.security.authz.actors import Cast
from tests.security.authz.policy import Rule, only, signed_in


async def _ok(response: httpx.Response) -> Any:
    assert response.status_code in (200, 201), response.text
    return response.json()


async def add_dispatch_objects(
    session: AsyncSession, client: httpx.AsyncClient, cast: Cast
) -> None:
    recipient = Recipient(kind="government", country="DK", language="en")
    recipient.name = "Matrix recipient"
    recipient.addressee = "The Prime Minister"
    session.add(recipient)
    await session.commit()
    z = cast.objects["appeal_z"]["id"]  # type: ignore[index]
    dispatch = await _ok(
        await client.post(
            f"/api/appeals/{z}/dispatches",
            headers=cast.headers("coordinator"),
            json=_dispatch(recipient.id),
        )
    )
    response = await _ok(
        await client.post(
            f"/api/dispatches/{dispatch['id']}/responses",
            headers=cast.headers("coordinator"),
            json=_response(),
        )
    )
    detail = await _ok(
        await client.get(f"/api/dispatches/{dispatch['id']}", headers=cast.headers("coordinator"))
    )
    cast.objects["outreach"] = {
        "recipient": recipient.id,
        "dispatch": dispatch["id"],
        "response": response["id"],
        "follow_up": detail["follow_ups"][0]["id"],
    }


def _today() -> str:
    return datetime.now(UTC).date().isoformat()


def _dispatch(recipient_id: Any) -> dict[str, Any]:
    return {"recipient_id": str(recipient_id), "channel": "post", "sent_on": _today()}


def _response() -> dict[str, Any]:
    return {"received_on": _today(), "channel": "email", "kind": "acknowledgement"}


def _o(cast: Cast) -> dict[str, Any]:
    return cast.objects["outreach"]  # type: ignore[return-value]


def appeal_id(cast: Cast, actor: str, scope: str) -> Any:
    name = "appeal_z" if scope == "own" else "appeal_x"
    return cast.objects[name]["id"]  # type: ignore[index]


def _param(name: str) -> Any:
    return lambda cast, actor, scope: _o(cast)[name]


# Z: the coordinator records, A's representative reads, A's member is refused; the others
# do not see Z through the appeals' access rules (app/appeals/access.py): 404.
READ = signed_in(member="403", other_member="404", co_author_member="404", admin="404")
TRACK = READ | {"representative": "403"}
# X: C co-authors it, so C's member sees X but not its outreach (403).
READ_X = READ | {"co_author_member": "403"}
TRACK_X = TRACK | {"co_author_member": "403"}
P = Permission
BASE = "/api/appeals/{appeal_id}"


def _on_appeal(own: dict[str, str], other: dict[str, str]) -> dict[str, Any]:
    return {"expect": own, "expect_other": other, "params": {"appeal_id": appeal_id}}


OUTREACH_DISPATCHES_POLICY: dict[tuple[str, str], Rule] = {
    ("POST", f"{BASE}/dispatches"): Rule(
        **_on_appeal(TRACK, TRACK_X),
        body=lambda cast, actor, scope: _dispatch(_o(cast)["recipient"]),
        permission=P.OUTREACH_TRACK,
    ),
    ("POST", f"{BASE}/dispatches/batch"): Rule(
        **_on_appeal(TRACK, TRACK_X),
        body=lambda cast, actor, scope: {
            "recipient_ids": [str(_o(cast)["recipient"])],
            "channel": "email",
            "sent_on": _today(),
        },
        permission=P.OUTREACH_TRACK,
    ),
    ("GET", f"{BASE}/dispatches"): Rule(**_on_appeal(READ, READ_X)),
    ("GET", f"{BASE}/outreach"): Rule(**_on_appeal(READ, READ_X)),
    ("GET", "/api/recipients/{recipient_id}/dispatches"): Rule(
        only("coordinator"),
        params={"recipient_id": _param("recipient")},
        permission=P.OUTREACH_TRACK,
    ),
    ("GET", "/api/dispatches/{dispatch_id}"): Rule(
        READ, params={"dispatch_id": _param("dispatch")}
    ),
    ("PATCH", "/api/dispatches/{dispatch_id}"): Rule(
        TRACK,
        params={"dispatch_id": _param("dispatch")},
        body=lambda cast, actor, scope: {"note": "Matrix note."},
        permission=P.OUTREACH_TRACK,
    ),
    ("POST", "/api/dispatches/{dispatch_id}/responses"): Rule(
        TRACK,
        params={"dispatch_id": _param("dispatch")},
        body=lambda cast, actor, scope: _response(),
        permission=P.OUTREACH_TRACK,
    ),
    ("PATCH", "/api/responses/{response_id}"): Rule(
        TRACK,
        params={"response_id": _param("response")},
        body=lambda cast, actor, scope: {"published": True},
        permission=P.OUTREACH_TRACK,
    ),
    ("POST", "/api/dispatches/{dispatch_id}/follow-ups"): Rule(
        TRACK,
        params={"dispatch_id": _param("dispatch")},
        body=lambda cast, actor, scope: {"due_on": _today()},
        permission=P.OUTREACH_TRACK,
    ),
    ("PATCH", "/api/follow-ups/{follow_up_id}"): Rule(
        TRACK,
        params={"follow_up_id": _param("follow_up")},
        body=lambda cast, actor, scope: {"done": True},
        permission=P.OUTREACH_TRACK,
    ),
    ("DELETE", "/api/follow-ups/{follow_up_id}"): Rule(
        TRACK, params={"follow_up_id": _param("follow_up")}, permission=P.OUTREACH_TRACK
    ),
    ("GET", "/api/follow-ups"): Rule(only("coordinator"), permission=P.OUTREACH_TRACK),
    ("GET", "/api/follow-ups/assignees"): Rule(only("coordinator"), permission=P.OUTREACH_TRACK),
}
