"""Identity in the browser: the first admin's first sign-in, enrolment, administration,
an invitation read from the dev mailbox and accepted in a fresh browser, sign-out and in.

The journey runs against a server of its own (same `start_server` as `live_server`): it
uses up the first admin's one-time password, which no other test may then rely on.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pyotp
import pytest
from playwright.async_api import Browser, BrowserContext, ConsoleMessage, Page, expect

from tests.e2e.conftest import LiveServer, first_admin, start_server
from tests.support.databases import create_database, drop_database, using_postgres

pytestmark = pytest.mark.e2e

ADMIN_PASSWORD = "quiet harbour lantern 47 cobalt"
INVITEE_EMAIL = "hanna.invitee@example.org"
INVITEE_PASSWORD = "lilac river stone window 19"
# Screenshots of the main pages (ui-*.png) for a person to look at the layout.
SCREENSHOTS = Path(os.environ.get("ACCORD_SCREENSHOT_DIR", tempfile.gettempdir()))


@pytest.fixture(scope="module")
async def identity_database(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str | None]:
    if not using_postgres():
        yield None
        return
    url = await create_database(tmp_path_factory.mktemp("e2e-identity-db"), "e2e_id", migrate=False)
    yield url
    await drop_database(url)


@pytest.fixture(scope="module")
def identity_server(
    tmp_path_factory: pytest.TempPathFactory, identity_database: str | None
) -> Iterator[LiveServer]:
    data_dir = tmp_path_factory.mktemp("e2e-identity") / "data"
    server = start_server(data_dir, database_url=identity_database)
    yield server
    server.stop()


def _is_problem(message: ConsoleMessage) -> bool:
    # Chromium logs every non-2xx answer ("Failed to load resource: … 401"): the anonymous
    # session check and the refused password are expected ones. Script errors are not.
    return message.type == "error" and not message.text.startswith("Failed to load resource")


async def new_page(browser: Browser) -> tuple[BrowserContext, Page, list[str]]:
    """A page in a fresh context (its own cookies), collecting script errors."""
    context = await browser.new_context(viewport={"width": 1200, "height": 900})
    page = await context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if _is_problem(m) else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return context, page, problems


async def heading(page: Page, text: str) -> None:
    await expect(page.get_by_role("heading", level=1)).to_have_text(text)


async def sign_in(page: Page, email: str, password: str) -> None:
    await heading(page, "Sign in")
    await page.get_by_label("Email", exact=True).fill(email)
    await page.get_by_label("Password", exact=True).fill(password)
    await page.get_by_role("main").get_by_role("button", name="Sign in", exact=True).click()


async def test_first_admin_invites_a_person_who_accepts_and_signs_in_again(
    identity_server: LiveServer, browser: Browser
) -> None:
    server = identity_server
    admin_email, one_time_password = first_admin(server)
    context, page, problems = await new_page(browser)

    # First sign-in with the printed one-time password.
    await page.goto(f"{server.url}/sign-in")
    await page.screenshot(path=str(SCREENSHOTS / "ui-sign-in.png"))
    await sign_in(page, admin_email, "not the password")
    await expect(page.get_by_role("alert")).to_have_text("The email or password is not correct.")
    await sign_in(page, admin_email, one_time_password)

    # The one-time password must be replaced first...
    await heading(page, "Choose your own password")
    await expect(page.get_by_label("Current password")).to_have_count(0)
    await page.get_by_label("New password", exact=True).fill("password1234")
    await page.get_by_label("Repeat the new password").fill("password1234")
    await page.get_by_role("button", name="Set password").click()
    await expect(page.get_by_role("alert")).to_contain_text("common passwords")
    await page.get_by_label("New password", exact=True).fill(ADMIN_PASSWORD)
    await page.get_by_label("Repeat the new password").fill(ADMIN_PASSWORD)
    await page.get_by_role("button", name="Set password").click()

    # ...then a second factor is enrolled: an authenticator app, its code computed here.
    await heading(page, "Set up a second factor")
    await page.get_by_label(re.compile("^Authenticator app")).check()
    await page.get_by_role("button", name="Set up an authenticator app").click()
    qr = page.get_by_role("img", name="QR code to add Accord to your authenticator app")
    await expect(qr).to_be_visible()
    assert (await qr.get_attribute("src") or "").startswith("data:image/svg+xml;base64,")
    assert await qr.evaluate("img => img.naturalWidth") > 0  # the CSP let the data: image load
    secret = (await page.get_by_test_id("totp-secret").text_content() or "").strip()
    await page.screenshot(path=str(SCREENSHOTS / "ui-enrol-totp.png"), full_page=True)
    await page.get_by_label("Code shown by the app").fill(pyotp.TOTP(secret).now())
    await page.get_by_role("button", name="Confirm and turn on").click()

    codes = page.get_by_test_id("recovery-codes").get_by_role("listitem")
    await expect(codes).to_have_count(10)
    await page.screenshot(path=str(SCREENSHOTS / "ui-recovery-codes.png"), full_page=True)
    await page.get_by_label("I have saved my recovery codes somewhere safe").check()
    await page.get_by_role("button", name="Continue").click()
    await heading(page, "Welcome to Accord")

    # The admin area: create an organization, invite a person to it.
    menu = page.get_by_role("navigation", name="Main menu")
    await menu.get_by_role("link", name="Administration").click()
    await heading(page, "Administration")
    await page.get_by_label("Name", exact=True).fill("Belarusian Human Rights House")
    await page.get_by_label("Short name").fill("BHRH")
    await page.get_by_label("Country").select_option("LT")
    await page.get_by_role("button", name="Create organization").click()
    # The list below may still say "Loading…" in a status region of its own.
    await expect(page.get_by_role("status").filter(has_text="created")).to_have_text(
        "Organization “Belarusian Human Rights House” created."
    )
    table = page.get_by_test_id("organizations-table")
    await expect(table.get_by_role("link", name="Belarusian Human Rights House")).to_be_visible()
    await expect(table).to_contain_text("Lithuania")
    await page.screenshot(path=str(SCREENSHOTS / "ui-admin-organizations.png"), full_page=True)

    await (
        page.get_by_role("navigation", name="Administration sections")
        .get_by_role("link", name="Invitations")
        .click()
    )
    await page.get_by_label("Email", exact=True).fill(INVITEE_EMAIL)
    await page.get_by_label("Role").select_option("member")
    await page.get_by_role("button", name="Send invitation").click()
    await expect(page.get_by_role("status").filter(has_text="Invitation sent")).to_have_text(
        f"Invitation sent to {INVITEE_EMAIL}."
    )
    invitations = page.get_by_test_id("invitations-table")
    await expect(invitations.get_by_role("row").filter(has_text=INVITEE_EMAIL)).to_contain_text(
        "Pending"
    )
    await page.screenshot(path=str(SCREENSHOTS / "ui-admin-invitations.png"), full_page=True)

    # The users page: one's own row offers no suspension or admin request for oneself.
    await (
        page.get_by_role("navigation", name="Administration sections")
        .get_by_role("link", name="Users")
        .click()
    )
    own_row = page.get_by_test_id("user-row").filter(has_text=admin_email)
    await expect(own_row).to_contain_text("Admin")
    await expect(own_row.get_by_role("button", name=re.compile("^Request|^Suspend"))).to_have_count(
        0
    )
    await page.screenshot(path=str(SCREENSHOTS / "ui-admin-users.png"), full_page=True)

    await menu.get_by_role("link", name="Account security").click()
    await heading(page, "Account security")
    await expect(page.get_by_test_id("totp-section")).to_contain_text("is set up")
    await expect(page.get_by_test_id("sessions-section")).to_contain_text("this browser")
    await page.screenshot(path=str(SCREENSHOTS / "ui-account.png"), full_page=True)

    # The invitation email, from the dev mailbox page.
    await menu.get_by_role("link", name="Mailbox (development)").click()
    message = page.get_by_test_id("mailbox-message").filter(has_text=INVITEE_EMAIL)
    await message.get_by_role("button", name="Show message").click()
    link = message.get_by_role("link", name=re.compile("invitation#"))
    invitation_url = await link.get_attribute("href")
    assert invitation_url and invitation_url.startswith(f"{server.url}/invitation#")
    await page.screenshot(path=str(SCREENSHOTS / "ui-mailbox.png"), full_page=True)
    assert problems == []
    await context.close()

    # The invitee, in a browser that has never seen this server.
    context, page, problems = await new_page(browser)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    await page.goto(invitation_url)
    offer = page.get_by_test_id("invitation-offer")
    await expect(offer).to_contain_text(
        "You are invited to join Belarusian Human Rights House as Member."
    )
    await expect(page).to_have_url(f"{server.url}/invitation")  # the token left the address bar
    token = invitation_url.split("#", 1)[1]
    assert not [url for url in requested if token in url]  # nor went into any request URL
    await page.get_by_label("Your name").fill("Hanna")
    await page.get_by_label("New password", exact=True).fill(INVITEE_PASSWORD)
    await page.get_by_label("Repeat the new password").fill(INVITEE_PASSWORD)
    await page.screenshot(path=str(SCREENSHOTS / "ui-invitation.png"), full_page=True)
    await page.get_by_role("button", name="Create account and accept").click()
    await heading(page, "Welcome to Accord")
    await expect(page.get_by_test_id("welcome")).to_contain_text("You are signed in as Hanna.")
    await expect(page.get_by_role("navigation", name="Main menu")).not_to_contain_text(
        "Administration"
    )
    await page.screenshot(path=str(SCREENSHOTS / "ui-home-member.png"), full_page=True)

    # Sign out, and back in with the new password.
    await page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    await heading(page, "Sign in")
    await page.goto(f"{server.url}/account")  # a protected page sends the visitor to sign in
    await sign_in(page, INVITEE_EMAIL, INVITEE_PASSWORD)
    await heading(page, "Account security")
    await expect(page.get_by_test_id("signed-in-user")).to_have_text("Hanna")
    assert problems == []
    await context.close()
