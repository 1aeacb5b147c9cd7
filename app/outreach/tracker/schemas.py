"""What the tracker shows: to coordinators, whether it is published; to anyone, the
letter, its public signatories, counts and where each recipient stands."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel

from app.appeals.schemas import BlockRead
from app.kit.schemas import Input
from app.signatories.schemas import CountsRead, PublicSignatureRead

# What the public sees of a recipient's status: only from published responses (an
# unpublished one must not show through), and without the internal "overdue".
# dispatches/status.py public_status: every status but "overdue" (the coalition's own
# chasing is not public).
PublicStatus = Literal[
    "awaiting_response", "acknowledged", "responded", "partial", "refused", "referred", "closed"
]
ResponseKind = Literal[
    "acknowledgement", "substantive_reply", "refusal", "referral", "meeting_offered"
]
Stance = Literal["supports", "partially_supports", "opposes", "no_position", "not_addressed"]


class TrackerIn(Input):
    published: bool


class TrackerRead(BaseModel):
    published: bool
    published_at: datetime | None
    # Where the public page is (relative to the site), when published.
    path: str


class PublishedStance(BaseModel):
    ask_id: str
    # The ask's number in the letter (1, 2, …).
    ask_number: int
    stance: Stance
    quote: str | None


class PublishedResponse(BaseModel):
    id: uuid.UUID
    received_on: date
    kind: ResponseKind
    stances: list[PublishedStance]


class TrackedRecipient(BaseModel):
    # The recipient's short name and country: never its contacts or addressee lines.
    name: str
    kind: str
    country: str | None
    first_sent_on: date
    status: PublicStatus
    responses: list[PublishedResponse]


class PublicTrackerRead(BaseModel):
    appeal_id: uuid.UUID
    title: str
    revision_sha256: str
    blocks: list[BlockRead]
    published_at: datetime
    counts: CountsRead
    signatories: list[PublicSignatureRead]
    # More public signatories than shown here (the whole list is in the letter).
    more_signatories: bool
    recipients: list[TrackedRecipient]


class VerifiedText(BaseModel):
    """The text a letter's footer names by its SHA-256, for anyone holding the letter to
    compare: the title, the blocks, and where its public tracker is, if published."""

    sha256: str
    title: str
    language: str
    blocks: list[BlockRead]
    tracker_path: str | None
