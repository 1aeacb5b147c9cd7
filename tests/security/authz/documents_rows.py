"""Rows of the authorization matrix for outreach documents (app/outreach/documents).

The objects (after signatories_rows.py's appeal **Z**, led by A, open for signatures): a
dispatch of Z to a recipient and a response to it, inserted through the ORM, and a PDF
uploaded to the dispatch by the coordinator through the API.

Outreach (app/outreach/access.py): the coordinator records and reads; A's representative
(a writing organization's) reads; A's member sees Z as a writer but not its outreach (403);
the others do not see Z as a writer (app/appeals/access.py) and learn nothing of its
dispatches, responses or documents (404). "other" is an id that names nothing: 404 for
everyone signed in.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any
from urllib.parse import quote

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.models.outreach import Dispatch, Recipient, Response
from app.permissions import Permission
from tests.security.authz.actors import ACTORS, Cast
from tests.security.authz.policy import NO_SUCH_ID, Rule, signed_in

PDF = b"%PDF-1.7\n% the matrix\n"


async def add_document_objects(
    session: AsyncSession, client: httpx.AsyncClient, cast: Cast
) -> None:
    z: dict[str, Any] = cast.objects["appeal_z"]  # type: ignore[assignment]
    recipient = Recipient(kind="ministry", country="DK", language="da")
    recipient.name = "Matrix ministry"
    recipient.addressee = "Matrix ministry"
    session.add(recipient)
    await session.flush()
    dispatch = Dispatch(
        appeal_id=uuid.UUID(z["id"]),
        recipient_id=recipient.id,
        revision_sha256=z["sha256"],
        language="en",
        channel="email",
        sent_on=date(2026, 11, 30),
        delivery="recorded",
    )
    session.add(dispatch)
    await session.flush()
    response = Response(
        dispatch_id=dispatch.id, received_on=date(2026, 11, 30), channel="post", kind="refusal"
    )
    session.add(response)
    await session.commit()
    sent = await client.post(
        f"/api/dispatches/{dispatch.id}/documents",
        headers={**cast.headers("coordinator"), "x-filename": quote("matrix.pdf")},
        content=PDF,
    )
    assert sent.status_code == 201, sent.text
    cast.objects["documents"] = {
        "dispatch": dispatch.id,
        "response": response.id,
        "document": sent.json()["id"],
    }


def _own(name: str) -> Any:
    def resolve(cast: Cast, actor: str, scope: str) -> Any:
        if scope == "other":
            return NO_SUCH_ID
        return cast.objects["documents"][name]  # type: ignore[index]

    return resolve


# Z's outreach: the coordinator records, A's representative reads.
READERS = signed_in(member="403", other_member="404", co_author_member="404", admin="404")
RECORDERS = READERS | {"representative": "403"}
NOBODY = signed_in(**{a: "404" for a in ACTORS if a not in ("anonymous", "suspended")})


def _rule(expect: dict[str, str], param: str, name: str) -> Rule:
    return Rule(
        expect,
        params={param: _own(name)},
        expect_other=NOBODY,
        permission=Permission.OUTREACH_TRACK if expect is RECORDERS else None,
    )


DOCUMENTS_POLICY: dict[tuple[str, str], Rule] = {
    # Uploads: the matrix sends no file, so the coordinator's answer is a 422 (allowed).
    ("POST", "/api/dispatches/{dispatch_id}/documents"): _rule(
        RECORDERS, "dispatch_id", "dispatch"
    ),
    ("POST", "/api/responses/{response_id}/documents"): _rule(RECORDERS, "response_id", "response"),
    ("GET", "/api/dispatches/{dispatch_id}/documents"): _rule(READERS, "dispatch_id", "dispatch"),
    ("GET", "/api/responses/{response_id}/documents"): _rule(READERS, "response_id", "response"),
    ("GET", "/api/documents/{document_id}"): _rule(READERS, "document_id", "document"),
    ("DELETE", "/api/documents/{document_id}"): _rule(RECORDERS, "document_id", "document"),
}
