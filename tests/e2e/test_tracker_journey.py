"""An anonymous visitor follows a published tracker in Chromium, and a coordinator reads the
outreach dashboard with its charts: the demo coalition (`accord demo load`) on a server of
each test's own."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
import pyotp
from playwright.async_api import Browser, Page, expect

from app.migrate import ROOT
from tests.e2e.axe import assert_accessible
from tests.e2e.cast import PASSWORD, Person, seed
from tests.e2e.conftest import OwnServer
from tests.e2e.test_journeys import (  # noqa: F401 - patient_expect is an autouse fixture
    SCREENSHOTS,
    heading,
    open_tab,
    patient_expect,
    settled,
    sign_in,
)


def _demo(settings: dict[str, str]) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")} | settings
    loaded = subprocess.run(
        [sys.executable, "-m", "app.cli", "demo", "load"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert loaded.returncode == 0, loaded.stderr
    assert "coordinator@example.org" in loaded.stdout


async def test_an_anonymous_visitor_follows_the_published_tracker(  # type: ignore[no-untyped-def]
    browser: Browser, own_server: OwnServer
) -> None:
    server = await own_server()
    _demo(server.settings)
    appeal_id = _open_appeal_id(server.settings)

    page = await browser.new_page()
    await page.goto(f"{server.url}/track/{appeal_id}")
    await page.get_by_test_id("public-tracker").wait_for()
    recipients = page.get_by_test_id("tracker-recipients")
    denmark = recipients.locator("tr", has_text="Denmark — Prime Minister")
    assert "Responded" in await denmark.inner_text()
    # A refusal that was not published neither shows nor shows through.
    france = recipients.locator("tr", has_text="France")
    assert "Awaiting a response" in await france.inner_text()
    matrix = page.get_by_test_id("stance-matrix")
    assert "Supports" in await matrix.inner_text()
    assert "France" not in await matrix.inner_text()
    body = await page.inner_text("body")
    for internal in ("gov.example", "Prime Minister's Office", "Demo: what the ministry"):
        assert internal not in body
    assert "Ірына Навуменка" in body
    await assert_accessible(page, "the public tracker")

    async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
        feed = await client.get(f"/api/public/trackers/{appeal_id}/feed")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    assert feed.text.count("<entry>") == 3
    await page.close()


# Whether a canvas holds a picture: a chart that failed leaves it as blank as a new one.
DRAWN = """(canvas) => {
  const blank = document.createElement("canvas");
  blank.width = canvas.width;
  blank.height = canvas.height;
  return canvas.width > 0 && canvas.toDataURL() !== blank.toDataURL();
}"""


async def _charts_drawn(page: Page) -> dict[str, bool]:
    found = {}
    for name in ("by-appeal-chart", "by-country-chart", "timeline-chart"):
        canvas = page.get_by_test_id(name).locator("canvas")
        await expect(canvas).to_have_attribute("role", "img")
        found[name] = await canvas.evaluate(DRAWN)
    return found


async def test_a_coordinator_reads_the_dashboard_charts(  # type: ignore[no-untyped-def]
    browser: Browser, own_server: OwnServer
) -> None:
    server = await own_server()
    _demo(server.settings)
    secret = pyotp.random_base32()
    coordinator = Person("cora.coordinator@example.org", "Cora", coordinator=True, totp=secret)
    seed(server, {}, [coordinator])

    tab = await open_tab(browser)
    page = tab.page
    await page.goto(f"{server.url}/sign-in")
    await sign_in(page, coordinator.email, PASSWORD)
    await heading(page, "Confirm it is you")
    await page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
    await page.get_by_role("button", name="Confirm").click()
    await heading(page, "Welcome to Accord")
    await page.get_by_role("link", name="Outreach dashboard").click()
    await heading(page, "Outreach dashboard")
    await settled(page, "en")

    # Chart.js drew all three on their canvases, under the page's CSP (nothing refused).
    drawn = await _charts_drawn(page)
    assert all(drawn.values()), drawn
    timeline = page.get_by_role("img", name="Line chart of the dispatches and responses per week")
    assert "dispatches sent: 9, responses received: 6" in (
        await timeline.get_attribute("aria-label") or ""
    )
    # The weeks' table gives the same numbers (the demo: 9 dispatches, 6 responses).
    rows = await page.get_by_test_id("timeline").locator("tbody tr").all_inner_texts()
    assert sum(int(row.split("\t")[1]) for row in rows) == 9
    assert sum(int(row.split("\t")[2]) for row in rows) == 6
    if SCREENSHOTS:
        await page.set_viewport_size({"width": 1280, "height": 900})
        await page.screenshot(path=f"{SCREENSHOTS}/dashboard-charts.png", full_page=True)
    await assert_accessible(page, "the outreach dashboard")
    # On a phone the charts shrink to the screen and are drawn again.
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.wait_for_function(
        """() => [...document.querySelectorAll(".chart canvas")].every(
          (c) => c.clientWidth > 0 && c.clientWidth <= c.parentElement.clientWidth)"""
    )
    assert all((await _charts_drawn(page)).values())
    if SCREENSHOTS:
        await page.screenshot(path=f"{SCREENSHOTS}/dashboard-charts-phone.png", full_page=True)
        for name in ("by-appeal-chart", "by-country-chart", "timeline"):
            section = page.locator("section.review-section", has=page.get_by_test_id(name))
            await section.screenshot(path=f"{SCREENSHOTS}/dashboard-{name}-phone.png")
    assert tab.console.problems == [], tab.console.problems
    await tab.context.close()


def _open_appeal_id(settings: dict[str, str]) -> str:
    """The demo's open appeal, read with the server's own settings (a script beside it)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")} | settings
    script = (
        "import asyncio\n"
        "from sqlalchemy import select\n"
        "from app.config import get_settings\n"
        "from app.db import create_engine, create_sessionmaker\n"
        "from app.models.appeals import Appeal\n"
        "async def main():\n"
        "    engine = create_engine(get_settings().database_url)\n"
        "    async with create_sessionmaker(engine)() as s:\n"
        "        print((await s.scalars(select(Appeal.id).where(Appeal.state == 'open'))).one())\n"
        "    await engine.dispose()\n"
        "asyncio.run(main())\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert found.returncode == 0, found.stderr
    return found.stdout.strip()
