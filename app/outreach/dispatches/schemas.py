"""Request and response shapes of dispatches, responses, follow-ups and the per-recipient
outreach overview."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, StringConstraints, model_validator

from app.appeals.schemas import Person
from app.kit.pagination import Page
from app.kit.schemas import Description, Input, Name, _one_line
from app.outreach.dispatches.status import Status

ChannelName = Literal[
    "email", "post", "hand_delivery", "embassy", "meeting", "diplomatic_note", "web_form"
]
DeliveryName = Literal["recorded", "queued", "sent", "failed"]
ResponseKindName = Literal[
    "acknowledgement", "substantive_reply", "refusal", "referral", "meeting_offered"
]
StanceName = Literal["supports", "partially_supports", "opposes", "no_position", "not_addressed"]
RecipientKindName = Literal[
    "government", "ministry", "parliament", "international_organization", "embassy", "official"
]
# BCP 47, as the appeal and its translations are tagged ("en", "be", "ru", "de-CH").
LanguageTag = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$", max_length=35)
]
Reference = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_one_line),
]
Quote = Description
AskId = Annotated[str, StringConstraints(min_length=1, max_length=64)]
MAX_BATCH = 500
MAX_STANCES = 100


class DispatchFields(Input):
    channel: ChannelName
    sent_on: date
    reference: Reference | None = None
    note: Description | None = None
    # The letter's language: the appeal's own (the frozen source text) when left out;
    # another needs a translation approved for the frozen text.
    language: LanguageTag | None = None
    # Email the letter from Accord (through the outbox) to the recipient's address; only
    # with channel "email". Without it the dispatch is one made elsewhere, recorded here.
    send: bool = False

    @model_validator(mode="after")
    def _send_by_email(self) -> DispatchFields:
        if self.send and self.channel != "email":
            raise ValueError("send is only possible with channel email")
        return self


class DispatchCreate(DispatchFields):
    recipient_id: uuid.UUID


class DispatchBatchCreate(DispatchFields):
    """One letter to many recipients: the listed ones, or a saved group's members."""

    recipient_ids: Annotated[list[uuid.UUID], Field(max_length=MAX_BATCH)] = []
    group_id: uuid.UUID | None = None

    @model_validator(mode="after")
    def _one_source(self) -> DispatchBatchCreate:
        if bool(self.recipient_ids) == (self.group_id is not None):
            raise ValueError("give either recipient_ids or group_id")
        if len(set(self.recipient_ids)) != len(self.recipient_ids):
            raise ValueError("recipient_ids lists a recipient twice")
        return self


class DispatchUpdate(Input):
    reference: Reference | None = None
    note: Description | None = None
    # True closes the dispatch (nothing more expected), false reopens it.
    closed: bool | None = None


class RecipientBrief(BaseModel):
    id: uuid.UUID
    name: str
    kind: RecipientKindName
    country: str | None
    archived: bool


class AskRead(BaseModel):
    id: str
    number: int
    text: str


class StanceIn(Input):
    ask_id: AskId
    stance: StanceName
    quote: Quote | None = None


class StanceRead(BaseModel):
    ask_id: str
    stance: StanceName
    quote: str | None


def _unique_asks(stances: list[StanceIn] | None) -> list[StanceIn] | None:
    if stances is not None and len({s.ask_id for s in stances}) != len(stances):
        raise ValueError("one stance per ask")
    return stances


class ResponseCreate(Input):
    received_on: date
    channel: ChannelName
    kind: ResponseKindName
    summary: Description | None = None
    # The body a referral sends the appeal on to (only for kind "referral").
    referred_to: Name | None = None
    # One per ask of the text sent; an ask left out is stored as "not_addressed".
    stances: Annotated[
        list[StanceIn], Field(max_length=MAX_STANCES), AfterValidator(_unique_asks)
    ] = []
    published: bool = False

    @model_validator(mode="after")
    def _referral(self) -> ResponseCreate:
        if self.referred_to is not None and self.kind != "referral":
            raise ValueError("referred_to is only for a referral")
        return self


class ResponseUpdate(Input):
    received_on: date | None = None
    channel: ChannelName | None = None
    kind: ResponseKindName | None = None
    summary: Description | None = None
    referred_to: Name | None = None
    # The full set again (asks left out become "not_addressed"); null keeps them.
    stances: Annotated[
        list[StanceIn] | None, Field(max_length=MAX_STANCES), AfterValidator(_unique_asks)
    ] = None
    published: bool | None = None


class ResponseRead(BaseModel):
    id: uuid.UUID
    dispatch_id: uuid.UUID
    received_on: date
    channel: ChannelName
    kind: ResponseKindName
    summary: str | None
    referred_to: str | None
    published: bool
    published_at: datetime | None
    stances: list[StanceRead]
    recorded_by: Person | None
    created_at: datetime
    # The ETag an edit sends back in If-Match.
    version: int


class FollowUpCreate(Input):
    due_on: date
    # A coordinator; the caller when left out.
    assignee_id: uuid.UUID | None = None
    note: Description | None = None


class FollowUpUpdate(Input):
    due_on: date | None = None
    assignee_id: uuid.UUID | None = None
    note: Description | None = None
    done: bool | None = None


class FollowUpRead(BaseModel):
    id: uuid.UUID
    dispatch_id: uuid.UUID
    due_on: date
    assignee: Person | None
    note: str | None
    done_at: datetime | None
    overdue: bool
    version: int


class MyFollowUpRead(FollowUpRead):
    appeal_id: uuid.UUID
    appeal_title: str
    recipient: RecipientBrief


class MyFollowUps(BaseModel):
    items: list[MyFollowUpRead]


class FollowUpAssignees(BaseModel):
    """Who a follow-up may be given to: the active coordinators, by name."""

    items: list[Person]


class DispatchRead(BaseModel):
    id: uuid.UUID
    appeal_id: uuid.UUID
    recipient: RecipientBrief
    channel: ChannelName
    sent_on: date
    reference: str | None
    note: str | None
    language: str
    revision_sha256: str
    translation_revision_id: uuid.UUID | None
    delivery: DeliveryName
    closed_at: datetime | None
    created_by: Person | None
    created_at: datetime
    version: int


class DispatchDetail(DispatchRead):
    # The asks of the text sent, numbered as the letter numbers them.
    asks: list[AskRead]
    responses: list[ResponseRead]
    follow_ups: list[FollowUpRead]


class DispatchPage(Page[DispatchRead]):
    pass


class DispatchBatchRead(BaseModel):
    items: list[DispatchRead]
    # Recipients that already had a dispatch of this appeal by the same channel before.
    already_dispatched: list[uuid.UUID]


class RecipientDispatchRead(DispatchRead):
    appeal_title: str


class RecipientDispatchPage(Page[RecipientDispatchRead]):
    pass


class LastDispatch(BaseModel):
    id: uuid.UUID
    channel: ChannelName
    sent_on: date
    delivery: DeliveryName


class LastResponse(BaseModel):
    id: uuid.UUID
    kind: ResponseKindName
    received_on: date


class NextFollowUp(BaseModel):
    id: uuid.UUID
    dispatch_id: uuid.UUID
    due_on: date
    overdue: bool
    assignee: Person | None


class RecipientOutreach(BaseModel):
    recipient: RecipientBrief
    status: Status
    dispatches: int
    last_dispatch: LastDispatch
    last_response: LastResponse | None
    next_follow_up: NextFollowUp | None


class OutreachOverview(BaseModel):
    appeal_id: uuid.UUID
    frozen_sha256: str | None
    follow_up_days: int
    asks: list[AskRead]
    recipients: list[RecipientOutreach]
    # Whether the caller may record (coordinators) or only read (writing representatives).
    can_track: bool
