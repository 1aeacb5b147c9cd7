"""A recipient's status on one appeal, derived from its dispatches, responses and follow-ups
(never stored): pure, no I/O.

The vocabulary follows Alaveteli's, for letters instead of information requests. Every
dispatch of the appeal to the recipient counts (a letter by email, then by post, is one
conversation). In order of precedence:

=================== ==========================================================================
status              when
=================== ==========================================================================
closed              every dispatch to the recipient is closed: nothing more is expected
refused             the deciding response is a refusal
referred            the deciding response is a referral to another body
partial             the deciding response is a substantive reply or a meeting offer, and of
                    the appeal's asks some were addressed and some were not. An ask is
                    addressed when any response to the recipient gave it a stance other than
                    ``not_addressed`` (Alaveteli's "partially successful")
responded           the deciding response is a substantive reply or a meeting offer, and the
                    asks were all addressed, or none were (a reply that ignores every ask is
                    still a reply; the stance matrix shows it as "not addressed")
overdue             nothing decisive yet (no response, or acknowledgements only) and an open
                    follow-up is past its due date; with no follow-up planned at all, once
                    the last dispatch is older than the configured follow-up days
acknowledged        only acknowledgements so far, not overdue
awaiting_response   no response yet, not overdue
=================== ==========================================================================

The **deciding response** is the newest one (by date received, then by record order) that
is not an acknowledgement: a later "we received your letter" does not undo a reply.
A follow-up marked done is a chase made: it no longer makes the recipient overdue.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

Status = Literal[
    "awaiting_response",
    "acknowledged",
    "responded",
    "partial",
    "refused",
    "referred",
    "overdue",
    "closed",
]
STATUSES: tuple[Status, ...] = (
    "awaiting_response",
    "acknowledged",
    "responded",
    "partial",
    "refused",
    "referred",
    "overdue",
    "closed",
)


@dataclass(frozen=True)
class DispatchFacts:
    sent_on: date
    closed: bool = False


@dataclass(frozen=True)
class ResponseFacts:
    kind: str
    received_on: date
    # Record order among responses received the same day (the UUIDv7 id sorts by time).
    order: str = ""
    # The asks this response gave a stance other than "not_addressed".
    addressed: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class FollowUpFacts:
    due_on: date
    done: bool = False


def follow_up_overdue(due_on: date, *, done: bool, today: date) -> bool:
    """A follow-up not done by the end of its due date."""
    return not done and due_on < today


def _deciding(responses: Sequence[ResponseFacts]) -> ResponseFacts | None:
    decisive = [r for r in responses if r.kind != "acknowledgement"]
    if not decisive:
        return None
    return max(decisive, key=lambda r: (r.received_on, r.order))


def _overdue(
    dispatches: Sequence[DispatchFacts],
    follow_ups: Sequence[FollowUpFacts],
    *,
    today: date,
    follow_up_days: int,
) -> bool:
    if follow_ups:
        return any(follow_up_overdue(f.due_on, done=f.done, today=today) for f in follow_ups)
    last_sent = max(d.sent_on for d in dispatches)
    return last_sent + timedelta(days=follow_up_days) < today


def _decided(
    dispatches: Sequence[DispatchFacts],
    responses: Sequence[ResponseFacts],
    ask_ids: Iterable[str],
) -> Status | None:
    """closed, refused, referred, partial or responded: what the dispatches and the deciding
    response settle, whatever the date; None while nothing is settled."""
    if all(d.closed for d in dispatches):
        return "closed"
    deciding = _deciding(responses)
    if deciding is None:
        return None
    if deciding.kind == "refusal":
        return "refused"
    if deciding.kind == "referral":
        return "referred"
    asks = set(ask_ids)
    addressed = set().union(*(r.addressed for r in responses)) & asks
    if addressed and addressed != asks:
        return "partial"
    return "responded"


def recipient_status(
    *,
    dispatches: Sequence[DispatchFacts],
    responses: Sequence[ResponseFacts],
    follow_ups: Sequence[FollowUpFacts],
    ask_ids: Iterable[str],
    today: date,
    follow_up_days: int,
) -> Status:
    """The status of a recipient that was sent the appeal at least once (the table above)."""
    if not dispatches:
        raise ValueError("a status needs at least one dispatch")
    decided = _decided(dispatches, responses, ask_ids)
    if decided is not None:
        return decided
    if _overdue(dispatches, follow_ups, today=today, follow_up_days=follow_up_days):
        return "overdue"
    if responses:
        return "acknowledged"
    return "awaiting_response"


def public_status(
    *,
    dispatches: Sequence[DispatchFacts],
    responses: Sequence[ResponseFacts],
    ask_ids: Iterable[str],
) -> Status:
    """The status the public tracker shows: the same rules over the *published* responses
    only (the caller passes no other), and never "overdue" (the coalition's own chasing is
    not public)."""
    if not dispatches:
        raise ValueError("a status needs at least one dispatch")
    decided = _decided(dispatches, responses, ask_ids)
    if decided is not None:
        return decided
    return "acknowledged" if responses else "awaiting_response"
