"""The web interface as a person meets it, in Chromium against `accord serve`."""

from __future__ import annotations

import os
import stat

import httpx
import pytest
from playwright.async_api import expect

from tests.e2e.conftest import first_admin, start_server

pytestmark = pytest.mark.e2e


def _expected(message) -> bool:  # type: ignore[no-untyped-def]
    """Not a problem: anything below warning, and the 401 of the signed-out session probe
    (the app asks GET /api/auth/session on load; Chromium logs every 4xx as an error)."""
    if message.type not in ("error", "warning"):
        return True
    return (
        message.text.startswith("Failed to load resource")
        and "401" in message.text
        and message.location.get("url", "").endswith("/api/auth/session")
    )


async def test_status_page_is_green_in_every_language_without_console_errors(
    live_server, browser, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    page = await browser.new_page()
    problems: list[str] = []
    page.on("console", lambda m: None if _expected(m) else problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))

    response = await page.goto(f"{live_server.url}/")
    assert response is not None and response.status == 200
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    await expect(page.get_by_role("heading", level=1)).to_have_text("Welcome to Accord")

    await page.get_by_role("link", name="Status").click()
    badge = page.get_by_test_id("health-status")
    await expect(badge).to_have_text("Healthy")
    await expect(badge).to_have_attribute("data-state", "healthy")
    await expect(page.get_by_test_id("check-database")).to_have_attribute("data-state", "ok")
    await expect(page.get_by_test_id("check-keys")).to_have_attribute("data-state", "ok")
    await page.screenshot(path=str(tmp_path / "status-en.png"))

    await page.locator("#language-select").select_option("be")
    await expect(badge).to_have_text("Працуе")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Стан сервера")
    assert await page.evaluate("document.documentElement.lang") == "be"

    await page.locator("#language-select").select_option("ru")
    await expect(badge).to_have_text("Работает")
    await page.reload()  # the choice survives a reload
    await expect(page.get_by_role("heading", level=1)).to_have_text("Состояние сервера")
    if os.environ.get("ACCORD_SCREENSHOTS"):
        await page.screenshot(path=os.environ["ACCORD_SCREENSHOTS"])
    assert problems == []
    await page.close()


async def test_a_client_side_route_loads_directly(live_server, browser) -> None:  # type: ignore[no-untyped-def]
    page = await browser.new_page()
    response = await page.goto(f"{live_server.url}/status")
    assert response is not None and response.status == 200
    await expect(page.get_by_test_id("health-status")).to_have_text("Healthy")
    await page.close()


def test_hashed_assets_are_cacheable_and_pages_are_not(live_server) -> None:  # type: ignore[no-untyped-def]
    index = httpx.get(f"{live_server.url}/")
    assert index.headers["cache-control"] == "no-store"
    asset = next(part.split('"')[0] for part in index.text.split('src="')[1:])
    assert asset.startswith("/assets/")
    response = httpx.get(f"{live_server.url}{asset}")
    assert response.status_code == 200
    assert "immutable" in response.headers["cache-control"]


def test_first_start_creates_keys_database_and_prints_the_admin_once(
    tmp_path, server_database
) -> None:  # type: ignore[no-untyped-def]
    if server_database is not None:
        pytest.skip("checks the embedded SQLite start of `make run`; this run uses PostgreSQL")
    data_dir = tmp_path / "data"
    first = start_server(data_dir)
    email, _ = first_admin(first)  # in a 0600 file, and printed after the start-up lines
    first.stop()
    printed = first.output.read_text()
    assert "First admin account created" in printed
    assert email == "admin@accord.localhost"
    # Development logs are short lines for a person, with no SQL in them.
    lines = [line for line in printed.splitlines() if line.strip()]
    assert not [line for line in lines if line.startswith("{")]
    assert not [line for line in lines if "SELECT" in line or "BEGIN" in line]
    assert (data_dir / "accord.db").is_file()
    for key_file in (data_dir / "keys").iterdir():
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700

    second = start_server(data_dir)
    second.stop()
    assert "First admin account created" not in second.output.read_text()
