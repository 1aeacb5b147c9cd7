"""An anonymous visitor follows a published tracker in Chromium: the demo coalition
(`accord demo load`) on a server of this test's own."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
from playwright.async_api import Browser

from app.migrate import ROOT
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import OwnServer


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
