"""The appeals tests' people, an appeal of A and B open for signatures (its text frozen),
and recipients made straight through the ORM (the registry API is another slice's)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.models.outreach import Recipient, RecipientGroup, RecipientGroupMember
from tests.appeals.conftest import Cast, browse, cast, clock
from tests.signatories.conftest import signing

__all__ = ["browse", "cast", "clock", "signing"]


async def make_recipient(
    session: AsyncSession,
    name: str = "Denmark — Prime Minister",
    *,
    email: str | None = "pm@example.dk",
    archived: bool = False,
    country: str = "DK",
) -> Recipient:
    recipient = Recipient(kind="government", country=country, language="en")
    recipient.name = name
    recipient.addressee = f"The Honourable Prime Minister\n{name}"
    recipient.salutation = "Dear Prime Minister,"
    recipient.email = email
    if archived:
        recipient.archived_at = datetime.now(UTC)
    session.add(recipient)
    await session.commit()
    return recipient


async def make_group(session: AsyncSession, members: list[Recipient]) -> RecipientGroup:
    group = RecipientGroup()
    group.name = "Nordic prime ministers"
    session.add(group)
    await session.flush()
    for member in members:
        session.add(RecipientGroupMember(group_id=group.id, recipient_id=member.id))
    await session.commit()
    return group


@pytest.fixture
async def recipient(session: AsyncSession) -> Recipient:
    return await make_recipient(session)


def dispatch_body(recipient_id: uuid.UUID, cast: Cast, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "recipient_id": str(recipient_id),
        "channel": "post",
        "sent_on": cast.now.date().isoformat(),
        "reference": "RR123456789DK",
        "note": "Sent registered from Vilnius.",
    }
    body.update(overrides)
    return body
