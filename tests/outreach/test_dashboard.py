"""The coordinators' dashboard over the demo coalition: the matrix, the figures, the stance
matrix; coordinators only."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.demo import load_demo
from app.outreach.dashboard.service import figures
from tests.appeals.conftest import Cast
from tests.signatories.conftest import browse, cast, clock

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
    names = {r["id"]: r["name"] for r in body["recipients"]}
    status = {names[c["recipient_id"]]: c["status"] for c in body["cells"]}
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
    denmark = next(i for i, n in names.items() if n.startswith("Denmark"))
    assert {c["stance"] for c in stances["cells"] if c["recipient_id"] == denmark} == {
        "supports",
        "partially_supports",
    }


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
