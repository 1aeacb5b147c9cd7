"""Rows of the authorization matrix for the letters routes (app/outreach/letters/router.py).

"own" is appeal Z (signatories_rows.py: open for signatures, so its text is frozen), "other"
is X (appeals_rows.py: not frozen). Letters are an appeal's outreach (app/outreach/access.py):
coordinators read and change them, the writing organizations' representatives read them,
members who see the appeal are refused (403), whoever does not see it gets 404. On X those
who may read get 409 ``appeal_not_frozen`` (a domain answer: "allow").

A recipient and a group are written straight to their tables: the registry API is another
slice's, and the matrix tests who may, not how recipients are made.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.models.base import new_id
from app.models.outreach import Recipient, RecipientGroup, RecipientGroupMember
from app.permissions import Permission
from tests.security.authz.actors import Cast
from tests.security.authz.policy import Rule, signed_in
from tests.security.authz.signatories_rows import appeal_id


async def add_letter_objects(session: AsyncSession, cast: Cast) -> None:
    recipient = Recipient(id=new_id(), kind="government", country="DK", language="en")
    recipient.name = "Matrix recipient"
    recipient.addressee = "The Government\nof the Matrix"
    group = RecipientGroup(id=new_id())
    group.name = "Matrix group"
    session.add_all([recipient, group])
    await session.flush()
    session.add(RecipientGroupMember(group_id=group.id, recipient_id=recipient.id))
    await session.commit()
    cast.objects["letters"] = {"recipient": str(recipient.id), "group": str(group.id)}


def recipient_id(cast: Cast, actor: str, scope: str) -> Any:
    return cast.objects["letters"]["recipient"]  # type: ignore[index]


def _batch(cast: Cast, actor: str, scope: str) -> Any:
    return {"group_id": cast.objects["letters"]["group"]}  # type: ignore[index]


READERS = signed_in(member="403", other_member="404", co_author_member="404", admin="404")
READERS_OF_X = signed_in(member="403", co_author_member="403", other_member="404", admin="404")
TRACKERS = signed_in(
    member="403", representative="403", other_member="404", co_author_member="404", admin="404"
)
TRACKERS_OF_X = signed_in(
    member="403", representative="403", co_author_member="403", other_member="404", admin="404"
)

P = Permission
BASE = "/api/appeals/{appeal_id}"


def _read(**params: Any) -> dict[str, Any]:
    return {
        "expect": READERS,
        "expect_other": READERS_OF_X,
        "params": {"appeal_id": appeal_id, **params},
    }


LETTERS_POLICY: dict[tuple[str, str], Rule] = {
    ("GET", f"{BASE}/letters"): Rule(**_read()),
    ("GET", f"{BASE}/letters/{{recipient_id}}"): Rule(**_read(recipient_id=recipient_id)),
    ("GET", f"{BASE}/letters/{{recipient_id}}.pdf"): Rule(**_read(recipient_id=recipient_id)),
    ("GET", f"{BASE}/letters/{{recipient_id}}.txt"): Rule(**_read(recipient_id=recipient_id)),
    ("POST", f"{BASE}/letters/batch"): Rule(**_read(), body=_batch),
    ("GET", f"{BASE}/letter-closing"): Rule(**_read()),
    ("PUT", f"{BASE}/letter-closing"): Rule(
        TRACKERS,
        expect_other=TRACKERS_OF_X,
        params={"appeal_id": appeal_id},
        body=lambda cast, actor, scope: {"text": "as well as the matrix"},
        permission=P.OUTREACH_TRACK,
    ),
}
