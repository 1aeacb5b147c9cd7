"""What the dashboard shows coordinators."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import BaseModel

from app.outreach.dispatches.status import Status


class DashboardAppeal(BaseModel):
    id: uuid.UUID
    title: str
    state: str


class DashboardRecipient(BaseModel):
    id: uuid.UUID
    name: str
    country: str | None


class DashboardCell(BaseModel):
    appeal_id: uuid.UUID
    recipient_id: uuid.UUID
    status: Status


class ResponseFigures(BaseModel):
    """Of the recipients an appeal was sent to: how many answered (any response, an
    acknowledgement included), the share, and the median days from the first dispatch to the
    first response (None until someone answered)."""

    sent_to: int
    answered: int
    rate: float
    median_days: float | None


class AppealFigures(ResponseFigures):
    appeal_id: uuid.UUID


class CountryFigures(ResponseFigures):
    country: str | None


class StanceCell(BaseModel):
    recipient_id: uuid.UUID
    ask_id: str
    # The newest response's stance on the ask.
    stance: str


class AskBrief(BaseModel):
    id: str
    number: int
    text: str


class AppealStances(BaseModel):
    appeal_id: uuid.UUID
    asks: list[AskBrief]
    cells: list[StanceCell]


class TimelineWeek(BaseModel):
    """One week (``week``: its Monday, where an ISO week starts): the dispatches sent and the
    responses received in it (a dispatch sent again counts again, as does every response)."""

    week: date
    dispatched: int
    responded: int


class AppealTimeline(BaseModel):
    appeal_id: uuid.UUID
    # Only the weeks the appeal had a dispatch or a response in, oldest first.
    weeks: list[TimelineWeek]


class Timeline(BaseModel):
    # Every week from the first with a dispatch to the current one, the quiet ones (zeros)
    # included, oldest first; empty until something was sent.
    weeks: list[TimelineWeek]
    by_appeal: list[AppealTimeline]


class DashboardRead(BaseModel):
    appeals: list[DashboardAppeal]
    recipients: list[DashboardRecipient]
    cells: list[DashboardCell]
    by_appeal: list[AppealFigures]
    by_country: list[CountryFigures]
    stances: list[AppealStances]
    timeline: Timeline
