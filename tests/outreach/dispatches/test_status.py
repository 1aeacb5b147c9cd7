"""The derived per-recipient status on a table of cases (app/outreach/dispatches/status.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.outreach.dispatches.status import (
    DispatchFacts,
    FollowUpFacts,
    ResponseFacts,
    recipient_status,
)

TODAY = date(2027, 3, 1)
SENT = DispatchFacts(TODAY - timedelta(days=10))
OLD = DispatchFacts(TODAY - timedelta(days=40))
CLOSED = DispatchFacts(TODAY - timedelta(days=10), closed=True)
ASKS = ("a1", "a2")


def r(
    kind: str, days_ago: int = 1, addressed: tuple[str, ...] = (), order: str = ""
) -> ResponseFacts:
    return ResponseFacts(kind, TODAY - timedelta(days=days_ago), order, frozenset(addressed))


def due(days: int, done: bool = False) -> FollowUpFacts:
    return FollowUpFacts(TODAY + timedelta(days=days), done)


CASES = [
    ("nothing yet", [SENT], [], [due(20)], "awaiting_response"),
    ("follow-up past due", [SENT], [], [due(-1)], "overdue"),
    ("due today is not overdue", [SENT], [], [due(0)], "awaiting_response"),
    ("done chase is not overdue", [SENT], [], [due(-1, done=True)], "awaiting_response"),
    ("no follow-up, older than the days", [OLD], [], [], "overdue"),
    ("no follow-up, recent", [SENT], [], [], "awaiting_response"),
    ("acknowledged", [SENT], [r("acknowledgement")], [due(5)], "acknowledged"),
    ("acknowledged then overdue", [SENT], [r("acknowledgement")], [due(-2)], "overdue"),
    ("every ask addressed", [SENT], [r("substantive_reply", addressed=ASKS)], [], "responded"),
    ("some asks addressed", [SENT], [r("substantive_reply", addressed=("a1",))], [], "partial"),
    ("no ask addressed", [SENT], [r("substantive_reply")], [], "responded"),
    (
        "asks addressed across replies",
        [SENT],
        [r("substantive_reply", 3, ("a1",)), r("meeting_offered", 1, ("a2",))],
        [],
        "responded",
    ),
    (
        "meeting offered, some asks",
        [SENT],
        [r("meeting_offered", addressed=("a2",))],
        [],
        "partial",
    ),
    ("refused", [SENT], [r("refusal")], [due(-3)], "refused"),
    ("referred", [SENT], [r("referral")], [], "referred"),
    (
        "a later acknowledgement does not undo a refusal",
        [SENT],
        [r("refusal", 5), r("acknowledgement", 1)],
        [],
        "refused",
    ),
    (
        "the newest decisive response decides",
        [SENT],
        [r("referral", 5), r("substantive_reply", 2, ASKS)],
        [],
        "responded",
    ),
    (
        "same day: record order decides",
        [SENT],
        [r("substantive_reply", 1, ASKS, "b"), r("refusal", 1, (), "a")],
        [],
        "responded",
    ),
    ("every dispatch closed", [CLOSED], [r("refusal")], [due(-5)], "closed"),
    ("one dispatch still open", [CLOSED, SENT], [], [due(3)], "awaiting_response"),
]


@pytest.mark.parametrize(
    ("dispatches", "responses", "follow_ups", "expected"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_status(dispatches, responses, follow_ups, expected) -> None:  # type: ignore[no-untyped-def]
    assert (
        recipient_status(
            dispatches=dispatches,
            responses=responses,
            follow_ups=follow_ups,
            ask_ids=ASKS,
            today=TODAY,
            follow_up_days=30,
        )
        == expected
    )


def test_a_status_needs_a_dispatch() -> None:
    with pytest.raises(ValueError, match="at least one dispatch"):
        recipient_status(
            dispatches=[], responses=[], follow_ups=[], ask_ids=ASKS, today=TODAY, follow_up_days=30
        )
