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


class StanceRow(BaseModel):
    """A recipient who took a stance on any of the appeal's asks."""

    # Its position in DashboardRead.recipients.
    recipient: int
    # Per ask, in the order of AppealStances.asks: the newest response's stance on it, null
    # where no response spoke of it.
    stances: list[str | None]


class AskBrief(BaseModel):
    id: str
    number: int
    text: str


class AppealStances(BaseModel):
    appeal_id: uuid.UUID
    asks: list[AskBrief]
    rows: list[StanceRow]


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
    """Positional where it is big: at 200 appeals x 200 recipients a cell per object made
    ten megabytes of repeated ids, read and built in seconds."""

    appeals: list[DashboardAppeal]
    recipients: list[DashboardRecipient]
    # statuses[i][j]: the status of appeals[i] at recipients[j]; null where it was not sent.
    statuses: list[list[Status | None]]
    by_appeal: list[AppealFigures]
    by_country: list[CountryFigures]
    stances: list[AppealStances]
    timeline: Timeline
