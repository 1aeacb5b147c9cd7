"""The coordinators' dashboard over the demo coalition: the matrix, the figures, the stance
matrix; coordinators only."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from app.demo import load_demo
from app.outreach.dashboard.service import figures, timeline
from tests.appeals.conftest import Cast, open_for_signing
from tests.outreach.dispatches.conftest import dispatch_body, make_recipient
from tests.signatories.conftest import approved_appeal, browse, cast, clock

__all__ = ["browse", "cast", "clock"]


async def test_the_dashboard_shows_every_appeal_and_recipient(
    session, settings, cast: Cast
) -> None:  # type: ignore[no-untyped-def]
    await load_demo(session, settings=settings, now=datetime.now(UTC))
    await session.commit()
    read = await cast["coordinator"].get("/api/outreach/dashboard")
    assert read.status_code == 200, read.text
    body = read.json()
    [appeal] = body["appeals"]
    assert appeal["state"] == "open"
    names = [r["name"] for r in body["recipients"]]
    [statuses] = body["statuses"]  # one row per appeal, a column per recipient
    status = dict(zip(names, statuses, strict=True))
    assert status["Denmark — Prime Minister"] == "responded"
    assert status["France — Minister for Europe and Foreign Affairs"] == "refused"
    assert status["Sweden — Minister for Foreign Affairs"] == "acknowledged"
    # Sent 45 days ago, never answered, its follow-up due 15 days ago.
    assert status["Germany — Federal Foreign Office"] == "overdue"
    # Latvia offered a meeting and addressed one ask of three.
    assert status["Latvia — Minister of Foreign Affairs"] == "partial"
    [figures_of_appeal] = body["by_appeal"]
    assert figures_of_appeal["sent_to"] == 9
    assert figures_of_appeal["answered"] == 6
    assert figures_of_appeal["median_days"] is not None
    countries = {f["country"]: f for f in body["by_country"]}
    assert countries["DK"]["rate"] == 1.0
    assert countries["DE"]["rate"] == 0.0
    [stances] = body["stances"]
    assert len(stances["asks"]) == 3
    denmark = next(j for j, n in enumerate(names) if n.startswith("Denmark"))
    [row] = [r for r in stances["rows"] if r["recipient"] == denmark]
    assert len(row["stances"]) == 3  # one per ask, in the asks' order
    assert set(row["stances"]) - {None} == {"supports", "partially_supports"}
    # Only those who took a stance have a row; Germany never answered.
    germany = names.index("Germany — Federal Foreign Office")
    assert germany not in {r["recipient"] for r in stances["rows"]}


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


async def test_the_timeline_counts_dispatches_and_responses_per_week(
    session, settings, cast: Cast
) -> None:  # type: ignore[no-untyped-def]
    today = cast.now.date()
    await load_demo(session, settings=settings, now=cast.now)
    await session.commit()
    # A second appeal, sent today to two governments, one of which already answered.
    appeal = await approved_appeal(cast)
    assert (await open_for_signing(cast, appeal["id"])).status_code == 201
    sent = []
    for name, country in (("Norway — Prime Minister", "NO"), ("Iceland — Prime Minister", "IS")):
        recipient = await make_recipient(session, name, country=country)
        made = await cast["coordinator"].post(
            f"/api/appeals/{appeal['id']}/dispatches", json=dispatch_body(recipient.id, cast)
        )
        assert made.status_code == 201, made.text
        sent.append(made.json())
    answer = await cast["coordinator"].post(
        f"/api/dispatches/{sent[0]['id']}/responses",
        json={"received_on": today.isoformat(), "channel": "email", "kind": "acknowledgement"},
    )
    assert answer.status_code == 201, answer.text

    read = await cast["coordinator"].get("/api/outreach/dashboard")
    assert read.status_code == 200, read.text
    whole = read.json()
    body = whole["timeline"]
    # The matrix: each appeal's row has a status only where it was sent.
    names = [r["name"] for r in whole["recipients"]]
    row_of = dict(zip([a["id"] for a in whole["appeals"]], whole["statuses"], strict=True))
    assert {n for n, s in zip(names, row_of[appeal["id"]], strict=True) if s is not None} == {
        "Norway — Prime Minister",
        "Iceland — Prime Minister",
    }
    # The demo's plan (app/demo.py): sent 18, 18, 18, 17, 17, 16, 16, 45 and 15 days ago;
    # answered 6, 15, 4, 9, 3 and 5 days ago.
    demo_sent = Counter(
        _monday(today - timedelta(days=d)) for d in (18, 18, 18, 17, 17, 16, 16, 45, 15)
    )
    demo_answered = Counter(_monday(today - timedelta(days=d)) for d in (6, 15, 4, 9, 3, 5))
    by_appeal = {t["appeal_id"]: t["weeks"] for t in body["by_appeal"]}
    assert by_appeal[appeal["id"]] == [
        {"week": _monday(today).isoformat(), "dispatched": 2, "responded": 1}
    ]
    [demo_appeal] = [a for a in by_appeal if a != appeal["id"]]
    assert by_appeal[demo_appeal] == [
        {"week": week.isoformat(), "dispatched": demo_sent[week], "responded": demo_answered[week]}
        for week in sorted(set(demo_sent) | set(demo_answered))
    ]
    # Overall: every week from the first dispatch (45 days ago) to this one, quiet ones too.
    weeks = body["weeks"]
    first = _monday(today - timedelta(days=45))
    assert [w["week"] for w in weeks] == [
        (first + timedelta(weeks=n)).isoformat() for n in range(len(weeks))
    ]
    assert weeks[-1]["week"] == _monday(today).isoformat()
    assert len(weeks) >= 7
    for week in weeks:
        day = date.fromisoformat(week["week"])
        this_week = 1 if day == _monday(today) else 0
        assert week["dispatched"] == demo_sent[day] + 2 * this_week
        assert week["responded"] == demo_answered[day] + this_week
    assert sum(w["dispatched"] for w in weeks) == 11
    assert sum(w["responded"] for w in weeks) == 7


def test_timeline_weeks_start_on_monday_and_run_to_today() -> None:
    one, two = uuid.UUID(int=1), uuid.UUID(int=2)
    made = timeline(
        # Sunday 4 January 2026 ends a week; Monday the 5th starts the next one.
        [(one, date(2026, 1, 4), 3), (one, date(2026, 1, 5), 1), (two, date(2026, 1, 7), 2)],
        [(one, date(2026, 1, 11), 2)],
        today=date(2026, 1, 21),
    )
    assert [(w.week, w.dispatched, w.responded) for w in made.weeks] == [
        (date(2025, 12, 29), 3, 0),
        (date(2026, 1, 5), 3, 2),
        (date(2026, 1, 12), 0, 0),
        (date(2026, 1, 19), 0, 0),
    ]
    weeks = {
        t.appeal_id: [(w.week, w.dispatched, w.responded) for w in t.weeks] for t in made.by_appeal
    }
    assert weeks == {
        one: [(date(2025, 12, 29), 3, 0), (date(2026, 1, 5), 1, 2)],
        two: [(date(2026, 1, 5), 2, 0)],
    }
    assert timeline([], [], today=date(2026, 1, 21)).weeks == []


async def test_only_coordinators_see_the_dashboard(cast: Cast) -> None:
    for who in ("a_rep", "a_member", "admin"):
        assert (await cast[who].get("/api/outreach/dashboard")).status_code == 403


def test_figures() -> None:
    sent = [date(2026, 1, 1), date(2026, 1, 1), date(2026, 1, 10)]
    assert figures(sent, {0: date(2026, 1, 5), 2: date(2026, 1, 11)}) == {
        "sent_to": 3,
        "answered": 2,
        "rate": 0.6667,
        "median_days": 2.5,
    }
    assert figures([], {}) == {"sent_to": 0, "answered": 0, "rate": 0.0, "median_days": None}
