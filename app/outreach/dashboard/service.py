"""The coordinators' dashboard: the appeals × recipients matrix coloured by status, response
rates and median days to a response per appeal and per country, each appeal's asks ×
governments stance matrix, and the dispatches and responses week by week. Built from a
handful of queries over everything, whatever the number of appeals and recipients; statuses
follow app/outreach/dispatches/status.py. The weeks are counted from the dispatch and
response rows the matrix loads anyway: at 200 appeals x 200 recipients (40,000 dispatches
on scattered days) two more GROUP BY (appeal, day) queries took 1.1-1.9 s on a busy
machine, counting the rows already in memory 0.3-0.6 s."""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from statistics import median
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import Actor
from app.appeals import service as appeals
from app.outreach.access import require_registry
from app.outreach.dashboard import repository as repo
from app.outreach.dashboard.schemas import (
    AppealFigures,
    AppealTimeline,
    AskBrief,
    CountryFigures,
    DashboardAppeal,
    DashboardRead,
    DashboardRecipient,
    Timeline,
    TimelineWeek,
)
from app.outreach.dispatches.status import (
    DispatchFacts,
    FollowUpFacts,
    ResponseFacts,
    recipient_status,
)


def figures(first_sent: Iterable[date], first_answer: dict[int, date]) -> dict[str, Any]:
    """Counts, share and median days for a set of recipients: ``first_sent`` in order, and
    ``first_answer`` by position for those who answered."""
    sent = list(first_sent)
    days = [(first_answer[i] - sent[i]).days for i in first_answer]
    return {
        "sent_to": len(sent),
        "answered": len(days),
        "rate": round(len(days) / len(sent), 4) if sent else 0.0,
        "median_days": float(median(days)) if days else None,
    }


def week_of(day: date) -> date:
    """The Monday of the day's ISO week."""
    return day - timedelta(days=day.weekday())


def timeline(
    dispatched: Iterable[tuple[uuid.UUID, date, int]],
    responded: Iterable[tuple[uuid.UUID, date, int]],
    *,
    today: date,
) -> Timeline:
    """Weekly counts from (appeal id, day, count) rows: every week overall from the first
    dispatch to today's, and each appeal's weeks that had anything."""
    # counts[appeal][week] = [dispatched, responded]
    counts: dict[uuid.UUID, dict[date, list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0])
    )
    # A year has a few hundred days: each day's Monday is worked out once.
    monday: dict[date, date] = {}
    for column, rows in ((0, dispatched), (1, responded)):
        for appeal_id, day, count in rows:
            week = monday.get(day)
            if week is None:
                week = monday[day] = week_of(day)
            counts[appeal_id][week][column] += count
    overall: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for weeks in counts.values():
        for week, (sent, answered) in weeks.items():
            overall[week][0] += sent
            overall[week][1] += answered
    every_week: list[TimelineWeek] = []
    if overall:
        week, last = min(overall), max(max(overall), week_of(today))
        while week <= last:
            sent, answered = overall.get(week, (0, 0))
            every_week.append(TimelineWeek(week=week, dispatched=sent, responded=answered))
            week += timedelta(days=7)
    return Timeline(
        weeks=every_week,
        by_appeal=[
            AppealTimeline(
                appeal_id=appeal_id,
                weeks=[
                    TimelineWeek(week=week, dispatched=sent, responded=answered)
                    for week, (sent, answered) in sorted(weeks.items())
                ],
            )
            for appeal_id, weeks in counts.items()
        ],
    )


async def dashboard(
    session: AsyncSession, actor: Actor, *, today: date, follow_up_days: int
) -> DashboardRead:
    require_registry(actor)
    dispatch_rows = await repo.dispatches(session)
    pair_of: dict[uuid.UUID, tuple[uuid.UUID, uuid.UUID]] = {}
    sent: dict[tuple[uuid.UUID, uuid.UUID], list[DispatchFacts]] = defaultdict(list)
    # For the timeline, counted from the rows the matrix needs anyway: (appeal, day) -> count.
    sent_per_day: Counter[tuple[uuid.UUID, date]] = Counter()
    received_per_day: Counter[tuple[uuid.UUID, date]] = Counter()
    for dispatch_id, appeal_id, recipient_id, sent_on, closed in dispatch_rows:
        pair_of[dispatch_id] = (appeal_id, recipient_id)
        sent[(appeal_id, recipient_id)].append(DispatchFacts(sent_on, bool(closed)))
        sent_per_day[(appeal_id, sent_on)] += 1
    addressed: dict[uuid.UUID, set[str]] = defaultdict(set)
    stance_rows = await repo.stances(session)
    for response_id, ask_id, stance in stance_rows:
        if stance != "not_addressed":
            addressed[response_id].add(ask_id)
    answers: dict[tuple[uuid.UUID, uuid.UUID], list[ResponseFacts]] = defaultdict(list)
    response_pair: dict[uuid.UUID, tuple[uuid.UUID, uuid.UUID]] = {}
    # When each response came (and its record order, for two on one day).
    received_of: dict[uuid.UUID, tuple[date, str]] = {}
    for dispatch_id, response_id, kind, received_on in await repo.responses(session):
        pair = pair_of[dispatch_id]
        received_per_day[(pair[0], received_on)] += 1
        response_pair[response_id] = pair
        received_of[response_id] = (received_on, str(response_id))
        answers[pair].append(
            ResponseFacts(kind, received_on, str(response_id), frozenset(addressed[response_id]))
        )
    chases: dict[tuple[uuid.UUID, uuid.UUID], list[FollowUpFacts]] = defaultdict(list)
    for dispatch_id, due_on in await repo.open_follow_ups(session):
        chases[pair_of[dispatch_id]].append(FollowUpFacts(due_on))

    appeal_rows = await repo.appeals(session, list({a for a, _ in sent}))
    asks: dict[uuid.UUID, list[AskBrief]] = {}
    for revision in await repo.frozen_revisions(session, appeal_rows):
        blocks = [b for b in appeals.revision_blocks(revision) if b.kind == "ask"]
        asks[revision.appeal_id] = [
            AskBrief(id=b.id, number=n, text=b.text) for n, b in enumerate(blocks, start=1)
        ]
    recipient_rows = await repo.recipients(session, list({r for _, r in sent}))
    country_of = {r.id: r.country for r in recipient_rows}

    appeal_rows = sorted(appeal_rows, key=lambda a: a.title.casefold())
    recipient_rows = sorted(recipient_rows, key=lambda r: (r.country or "", r.name.casefold()))
    appeal_at = {a.id: i for i, a in enumerate(appeal_rows)}
    recipient_at = {r.id: j for j, r in enumerate(recipient_rows)}
    ask_ids = {appeal_id: [a.id for a in briefs] for appeal_id, briefs in asks.items()}
    statuses: list[list[str | None]] = [[None] * len(recipient_rows) for _ in appeal_rows]
    for (appeal_id, recipient_id), facts in sent.items():
        statuses[appeal_at[appeal_id]][recipient_at[recipient_id]] = recipient_status(
            dispatches=facts,
            responses=answers.get((appeal_id, recipient_id), ()),
            follow_ups=chases.get((appeal_id, recipient_id), ()),
            ask_ids=ask_ids.get(appeal_id, ()),
            today=today,
            follow_up_days=follow_up_days,
        )

    by_appeal: dict[uuid.UUID, list[tuple[date, date | None]]] = defaultdict(list)
    by_country: dict[str | None, list[tuple[date, date | None]]] = defaultdict(list)
    for pair, facts in sent.items():
        first = min(f.sent_on for f in facts)
        received = [r.received_on for r in answers.get(pair, ())]
        answered = min(received) if received else None
        by_appeal[pair[0]].append((first, answered))
        by_country[country_of.get(pair[1])].append((first, answered))

    def _figures(rows: list[tuple[date, date | None]]) -> dict[str, Any]:
        return figures(
            [first for first, _ in rows],
            {i: answered for i, (_, answered) in enumerate(rows) if answered is not None},
        )

    newest: dict[tuple[uuid.UUID, uuid.UUID, str], tuple[tuple[date, str], str]] = {}
    for response_id, ask_id, stance in stance_rows:
        appeal_id, recipient_id = response_pair[response_id]
        key = (appeal_id, recipient_id, ask_id)
        when = received_of[response_id]
        if key not in newest or newest[key][0] < when:
            newest[key] = (when, stance)
    # stance_rows_of[appeal][recipient's position] = the stance per ask, in the asks' order.
    stance_rows_of: dict[uuid.UUID, dict[int, list[str | None]]] = defaultdict(dict)
    ask_at = {
        appeal_id: {ask_id: k for k, ask_id in enumerate(ids)} for appeal_id, ids in ask_ids.items()
    }
    for (appeal_id, recipient_id, ask_id), (_, stance) in newest.items():
        position = ask_at.get(appeal_id, {}).get(ask_id)
        if position is None:  # an ask of a text that is no longer the frozen one
            continue
        row = stance_rows_of[appeal_id].setdefault(
            recipient_at[recipient_id], [None] * len(ask_ids[appeal_id])
        )
        row[position] = stance

    return DashboardRead.model_validate(
        {
            "appeals": [
                DashboardAppeal(id=a.id, title=a.title, state=a.state) for a in appeal_rows
            ],
            "recipients": [
                DashboardRecipient(id=r.id, name=r.name, country=r.country) for r in recipient_rows
            ],
            "statuses": statuses,
            "by_appeal": [
                AppealFigures(appeal_id=appeal_id, **_figures(rows))
                for appeal_id, rows in by_appeal.items()
            ],
            "by_country": sorted(
                (
                    CountryFigures(country=country, **_figures(rows))
                    for country, rows in by_country.items()
                ),
                key=lambda f: f.country or "",
            ),
            "stances": [
                {
                    "appeal_id": a.id,
                    "asks": asks.get(a.id, []),
                    "rows": [
                        {"recipient": j, "stances": row}
                        for j, row in sorted(stance_rows_of[a.id].items())
                    ],
                }
                for a in appeal_rows
            ],
            "timeline": timeline(
                ((appeal_id, day, n) for (appeal_id, day), n in sent_per_day.items()),
                ((appeal_id, day, n) for (appeal_id, day), n in received_per_day.items()),
                today=today,
            ),
        }
    )
