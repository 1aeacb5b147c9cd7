"""Whole journeys in Chromium, each against a server of its own (`own_server`): an invitation
delivered over real SMTP and accepted by a coordinator who must enrol a second factor,
passkeys through the account page, and the pages checked with axe-core in two languages.

Every page also collects the browser console: a person's browser logs no error, not even
for the session probe of a signed-out visitor (GET /api/auth/session answers 200
"anonymous"), except those a test provokes on purpose and names.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import os
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

import httpx
import pyotp
import pytest
from aiosmtpd.controller import Controller
from playwright.async_api import Browser, BrowserContext, ConsoleMessage, Page, expect

from app.migrate import ROOT
from tests.e2e.axe import assert_accessible, blocking_violations
from tests.e2e.conftest import LiveServer, OwnServer, first_admin, free_port

pytestmark = pytest.mark.e2e

ADMIN_PASSWORD = "quiet harbour lantern 47 cobalt"
INVITEE_EMAIL = "alena.coordinator@example.org"
INVITEE_NAME = "Alena"
INVITEE_PASSWORD = "amber meadow kettle 82 violet"
ORGANIZATION = "Belarusian Human Rights House"
MAIL_FROM = "Accord Coalition <noreply@accord.example.org>"
BE_INVITATION_SUBJECT = "Запрашэнне ў Accord"  # app/notifications/templates.py
SESSION_PROBE = "/api/auth/session"
# Where to save screenshots for a person to look at (as test_identity_ui.py; only when set).
SCREENSHOTS = os.environ.get("ACCORD_SCREENSHOT_DIR")


@pytest.fixture(autouse=True)
def patient_expect() -> Iterator[None]:
    """Each step waits up to 15 s (not 5): password hashing and the mail worker share the
    machine with the browser, and a busy CI runner should slow these journeys, not fail them."""
    expect.set_options(timeout=15_000)
    yield
    expect.set_options(timeout=None)


# --- the browser console ------------------------------------------------------------------


@dataclass
class Console:
    """Errors and warnings a page logged."""

    problems: list[str] = field(default_factory=list)

    def provoked(self, status: int, path: str) -> list[str]:
        """Takes out the failed loads of `path` a test caused on purpose, and returns them."""
        mine = [p for p in self.problems if f"status of {status}" in p and f"{path})" in p]
        self.problems = [p for p in self.problems if p not in mine]
        return mine

    def listen(self, page: Page) -> None:
        page.on("console", self._message)
        page.on("pageerror", lambda error: self.problems.append(f"pageerror: {error}"))

    def _message(self, message: ConsoleMessage) -> None:
        if message.type not in ("error", "warning"):
            return
        line = f"{message.type}: {message.text} ({message.location.get('url', '')})"
        self.problems.append(line)


@dataclass
class Tab:
    context: BrowserContext
    page: Page
    console: Console


async def open_tab(browser: Browser) -> Tab:
    """A page in a fresh context: its own cookies and storage, English by default."""
    context = await browser.new_context(viewport={"width": 1200, "height": 900}, locale="en-GB")
    page = await context.new_page()
    console = Console()
    console.listen(page)
    return Tab(context, page, console)


# --- steps a person takes -----------------------------------------------------------------


LOCALES = ROOT / "frontend" / "src" / "i18n" / "locales"


def text(language: str, key: str) -> str:
    """A UI string from the frontend's own catalogue, so one check serves every language."""
    value: Any = json.loads((LOCALES / f"{language}.json").read_text(encoding="utf-8"))
    for part in key.split("."):
        value = value[part]
    assert isinstance(value, str)
    return value


async def switch_language(page: Page, code: str) -> None:
    await page.locator("#language-select").select_option(code)
    await expect(page.locator("html")).to_have_attribute("lang", code)


async def settled(page: Page, language: str) -> None:
    """Nothing on the page is still loading (axe should see the finished page)."""
    loading = page.get_by_role("status").filter(has_text=text(language, "common.loading"))
    await expect(loading).to_have_count(0)


async def heading(page: Page, title: str) -> None:
    await expect(page.get_by_role("heading", level=1)).to_have_text(title)


async def sign_in(page: Page, address: str, password: str) -> None:
    await heading(page, "Sign in")
    await page.get_by_label("Email", exact=True).fill(address)
    await page.get_by_label("Password", exact=True).fill(password)
    await page.get_by_role("main").get_by_role("button", name="Sign in", exact=True).click()


async def choose_new_password(page: Page, new: str) -> None:
    await heading(page, "Choose your own password")
    # The one-time password was typed a moment ago to sign in: not asked again.
    await expect(page.get_by_label("Current password")).to_have_count(0)
    await page.get_by_label("New password", exact=True).fill(new)
    await page.get_by_label("Repeat the new password").fill(new)
    await page.get_by_role("button", name="Set password").click()


async def start_totp_enrolment(page: Page) -> pyotp.TOTP:
    """On the enrolment page: choose the authenticator app and show its secret."""
    await heading(page, "Set up a second factor")
    await page.get_by_label(re.compile("^Authenticator app")).check()
    await page.get_by_role("button", name="Set up an authenticator app").click()
    secret = page.get_by_test_id("totp-secret")
    await expect(secret).to_be_visible()
    return pyotp.TOTP((await secret.text_content() or "").strip())


async def confirm_totp(page: Page, totp: pyotp.TOTP) -> None:
    await page.get_by_label("Code shown by the app").fill(totp.now())
    await page.get_by_role("button", name="Confirm and turn on").click()
    await expect(page.get_by_test_id("recovery-codes").get_by_role("listitem")).to_have_count(10)


async def save_recovery_codes(page: Page) -> None:
    await page.get_by_label("I have saved my recovery codes somewhere safe").check()
    await page.get_by_role("button", name="Continue").click()


async def first_admin_gets_ready(page: Page, server: LiveServer) -> pyotp.TOTP:
    """The first admin's first sign-in: one-time password, own password, authenticator app."""
    address, one_time_password = first_admin(server)
    await page.goto(f"{server.url}/sign-in")
    await sign_in(page, address, one_time_password)
    await choose_new_password(page, ADMIN_PASSWORD)
    totp = await start_totp_enrolment(page)
    await confirm_totp(page, totp)
    await save_recovery_codes(page)
    await heading(page, "Welcome to Accord")
    return totp


async def create_organization(page: Page) -> None:
    await (
        page.get_by_role("navigation", name="Main menu")
        .get_by_role("link", name="Administration")
        .click()
    )
    await heading(page, "Administration")
    await page.get_by_label("Name", exact=True).fill(ORGANIZATION)
    await page.get_by_label("Short name").fill("BHRH")
    await page.get_by_label("Country").select_option("LT")
    await page.get_by_role("button", name="Create organization").click()
    # The list below may still say "Loading…" in a status region of its own.
    created = page.get_by_role("status").filter(has_text=ORGANIZATION)
    await expect(created).to_have_text(f"Organization “{ORGANIZATION}” created.")


async def invite_coordinator(page: Page, address: str, language: str) -> None:
    await admin_tab(page, "invitations")
    await page.get_by_label("Email", exact=True).fill(address)
    await page.get_by_label("Role").select_option("member")
    await page.get_by_label("Language of the email").select_option(language)
    await page.get_by_label("Also make this person a coordinator").check()
    await page.get_by_role("button", name="Send invitation").click()
    await expect(page.get_by_role("status").filter(has_text="Invitation sent")).to_have_text(
        f"Invitation sent to {address}."
    )


async def admin_tab(page: Page, section: str) -> None:
    """An administration tab, found by its address so it works in every language."""
    await page.locator(f'nav.tabs a[href="/admin/{section}"]').click()
    await expect(page).to_have_url(re.compile(f"/admin/{section}$"))


async def account_page_loaded(page: Page, language: str = "en") -> None:
    """Every list on Account security has arrived (a sign-out while they are still on the
    way gets them answered 401, which Chromium logs)."""
    sessions = page.get_by_test_id("sessions-section").get_by_role("listitem")
    await expect(sessions).not_to_have_count(0)
    await expect(page.get_by_test_id("passkeys-section")).to_contain_text(
        text(language, "passkeys.none")
    )
    await expect(page.get_by_test_id("recovery-codes-remaining")).to_be_visible()
    await settled(page, language)


async def sign_out(page: Page) -> None:
    await page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    await heading(page, "Sign in")


async def session_state(page: Page) -> str:
    """What the server says about this browser's session cookie ("full", …, "anonymous")."""
    state: str = await page.evaluate(
        f"async () => (await (await fetch('{SESSION_PROBE}')).json()).state"
    )
    return state


# --- 1. an invitation over SMTP -----------------------------------------------------------


@dataclass
class Relay:
    """A local SMTP server (aiosmtpd) that keeps every message it is handed."""

    port: int = 0
    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 2.0.0 OK"

    async def wait_for(self, recipient: str, *, seconds: float = 20) -> EmailMessage:
        """The first message to `recipient`; the embedded worker polls every 2 s."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with self.lock:
                for recipients, message in self.messages:
                    if recipient in recipients:
                        return message
            await asyncio.sleep(0.1)  # another process delivers: poll, bounded
        pytest.fail(f"no message for {recipient} within {seconds} s; got {self.messages}")


@pytest.fixture
def relay() -> Iterator[Relay]:
    handler = Relay()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    try:
        yield handler
    finally:
        controller.stop()


async def test_an_invitation_sent_over_smtp_brings_in_a_coordinator_with_a_second_factor(
    own_server: OwnServer, relay: Relay, browser: Browser
) -> None:
    server = await own_server(
        {
            "ACCORD_MAIL__MODE": "smtp",
            "ACCORD_MAIL__SMTP_HOST": "127.0.0.1",
            "ACCORD_MAIL__SMTP_PORT": str(relay.port),
            "ACCORD_MAIL__SMTP_SECURITY": "none",
            "ACCORD_MAIL__FROM_ADDRESS": MAIL_FROM,
        }
    )

    # The first admin gets ready, creates an organization and invites a coordinator whose
    # email is to be in Belarusian.
    admin = await open_tab(browser)
    await first_admin_gets_ready(admin.page, server)
    await create_organization(admin.page)
    await invite_coordinator(admin.page, INVITEE_EMAIL, "be")
    row = admin.page.get_by_test_id("invitations-table").get_by_role("row")
    await expect(row.filter(has_text=INVITEE_EMAIL)).to_contain_text("Pending")
    assert admin.console.problems == []
    await admin.context.close()

    # The invitation reaches the SMTP server: to the invitee, in the chosen language.
    message = await relay.wait_for(INVITEE_EMAIL)
    assert message["To"] == INVITEE_EMAIL
    assert message["From"] == MAIL_FROM
    assert message["Subject"] == BE_INVITATION_SUBJECT
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    content = body.get_content()
    assert "Вас запрасілі далучыцца да Accord" in content
    assert ORGANIZATION not in content  # mail crosses providers: it never names the organization
    links = re.findall(rf"{re.escape(server.url)}/invitation#[\w-]+", content)
    assert len(links) == 1, content

    # The invitee, in a browser that has never seen this server, accepts...
    invitee = await open_tab(browser)
    page = invitee.page
    await page.goto(links[0])
    offer = page.get_by_test_id("invitation-offer")
    await expect(offer).to_contain_text(f"You are invited to join {ORGANIZATION} as Member.")
    await expect(offer).to_contain_text("You are also invited to be a coordinator")
    # A reload keeps the invitation (this tab's storage), though the link left the address bar.
    assert "#" not in page.url
    await page.reload()
    await expect(page.get_by_test_id("invitation-offer")).to_contain_text(ORGANIZATION)
    await page.get_by_label("Your name").fill(INVITEE_NAME)
    await page.get_by_label("New password", exact=True).fill(INVITEE_PASSWORD)
    await page.get_by_label("Repeat the new password").fill(INVITEE_PASSWORD)
    await page.get_by_role("button", name="Create account and accept").click()

    # ...and, a coordinator, cannot go anywhere before enrolling a second factor: once it
    # is enrolled (and the recovery codes saved) the page asked for opens.
    await heading(page, "Set up a second factor")
    await page.goto(f"{server.url}/account")
    totp = await start_totp_enrolment(page)
    await confirm_totp(page, totp)
    await save_recovery_codes(page)
    await heading(page, "Account security")
    await expect(page.get_by_test_id("totp-section")).to_contain_text("is set up")
    await expect(page.get_by_test_id("signed-in-user")).to_have_text(INVITEE_NAME)
    await account_page_loaded(page)

    # Signing in again takes the password and a code from the app. The enrolment code was
    # used (codes are never accepted twice), so this one is the next 30-second step's: the
    # server accepts one step either side of its clock.
    await sign_out(page)
    assert await session_state(page) == "anonymous"
    await sign_in(page, INVITEE_EMAIL, INVITEE_PASSWORD)
    await heading(page, "Confirm it is you")
    next_code = totp.at(datetime.now() + timedelta(seconds=30))
    await page.get_by_label("Code from your authenticator app").fill(next_code)
    await page.get_by_role("button", name="Confirm").click()
    await heading(page, "Welcome to Accord")
    await expect(page.get_by_test_id("signed-in-user")).to_have_text(INVITEE_NAME)
    # A coordinator's home: the coalition's organizations, each opening its profile.
    organizations = page.get_by_test_id("your-organizations")
    await expect(organizations.get_by_role("heading")).to_have_text(
        "Organizations of the coalition"
    )
    await organizations.get_by_role("link", name=ORGANIZATION).click()
    await expect(page.get_by_role("heading", level=1, name=ORGANIZATION)).to_be_visible()
    assert await session_state(page) == "full"
    assert invitee.console.problems == []
    await invitee.context.close()

    # One invitation went out, to the invitee alone (the rest are security notices).
    invitations = [r for r, m in relay.messages if m["Subject"] == BE_INVITATION_SUBJECT]
    assert invitations == [[INVITEE_EMAIL]]


async def test_signing_out_everywhere_is_confirmed_and_the_other_browser_is_told_why(
    own_server: OwnServer, browser: Browser
) -> None:
    """Two browsers of one admin. The second signs out everywhere, asked in the page (in
    Belarusian, not with the browser's confirm()); the first, on its next page load, lands
    on the sign-in page saying why, without a failed request in its console."""
    server = await own_server()
    laptop = await open_tab(browser)
    totp = await first_admin_gets_ready(laptop.page, server)
    await laptop.page.locator('nav a[href="/account"]').click()
    await heading(laptop.page, "Account security")
    address, _ = first_admin(server)

    phone = await open_tab(browser)
    page = phone.page
    await page.goto(f"{server.url}/sign-in")
    await sign_in(page, address, ADMIN_PASSWORD)
    await heading(page, "Confirm it is you")
    # The enrolment code was used: the next 30-second step's code (one step of drift).
    await page.get_by_label("Code from your authenticator app").fill(
        totp.at(datetime.now() + timedelta(seconds=30))
    )
    await page.get_by_role("button", name="Confirm").click()
    await heading(page, "Welcome to Accord")
    await switch_language(page, "be")
    await page.locator('nav a[href="/account"]').click()
    sessions = page.get_by_test_id("sessions-section")
    everywhere = text("be", "sessions.everywhere")
    await sessions.get_by_role("button", name=everywhere).click()
    question = page.get_by_role("dialog", name=text("be", "sessions.everywhereConfirm"))
    await question.get_by_role("button", name=text("be", "common.cancel")).click()
    await expect(question).to_have_count(0)
    await sessions.get_by_role("button", name=everywhere).click()
    await question.get_by_role("button", name=everywhere).click()
    await heading(page, text("be", "signIn.title"))

    await laptop.page.reload()
    await heading(laptop.page, "Sign in")
    await expect(laptop.page.get_by_test_id("session-ended")).to_have_text(
        "You were signed out from another device or browser."
    )
    # Said once: the dead cookie went with the answer.
    await laptop.page.reload()
    await heading(laptop.page, "Sign in")
    await expect(laptop.page.get_by_test_id("session-ended")).to_have_count(0)
    assert laptop.console.problems == []
    assert phone.console.problems == []
    await laptop.context.close()
    await phone.context.close()


# --- 2. passkeys through the account page --------------------------------------------------


async def add_virtual_authenticator(page: Page) -> tuple[Any, str]:
    """Chromium's virtual platform authenticator: keeps discoverable credentials and verifies
    its user (as a fingerprint reader would), answering prompts without a person."""
    cdp = await page.context.new_cdp_session(page)
    await cdp.send("WebAuthn.enable")
    added = await cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


async def test_a_passkey_added_on_the_account_page_signs_in_without_a_password(
    own_server: OwnServer, browser: Browser
) -> None:
    server = await own_server()
    tab = await open_tab(browser)
    page = tab.page
    await first_admin_gets_ready(page, server)
    cdp, authenticator = await add_virtual_authenticator(page)  # before any ceremony

    menu = page.get_by_role("navigation", name="Main menu")
    await menu.get_by_role("link", name="Account security").click()
    await heading(page, "Account security")
    passkeys = page.get_by_test_id("passkeys-section")
    await expect(passkeys).to_contain_text("You have no passkeys yet.")
    await passkeys.get_by_label("Passkey name").fill("This laptop")
    await passkeys.get_by_role("button", name="Add passkey").click()
    await expect(passkeys.get_by_role("listitem")).to_contain_text("This laptop")
    stored = (await cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator}))[
        "credentials"
    ]
    assert len(stored) == 1 and stored[0]["isResidentCredential"] is True

    # Signed out, the passkey alone signs in: no email, no password typed.
    await sign_out(page)
    passkey_button = page.get_by_role("button", name="Sign in with a passkey")
    await passkey_button.click()
    await heading(page, "Welcome to Accord")
    await expect(page.get_by_test_id("signed-in-user")).to_have_text("First admin")
    assert await session_state(page) == "full"
    await sign_out(page)

    # The fingerprint no longer matches: Chromium refuses to use the passkey, and no
    # session opens. (The server's own refusal of an assertion without the UV flag is
    # tested over HTTP in tests/auth/test_passkeys.py.)
    await cdp.send(
        "WebAuthn.setUserVerified", {"authenticatorId": authenticator, "isUserVerified": False}
    )
    async with page.expect_response("**/api/auth/passkeys/authentication/options"):
        await passkey_button.click()
    await expect(passkey_button).to_be_enabled()  # the attempt is over
    await heading(page, "Sign in")
    assert await session_state(page) == "anonymous"
    await expect(page.get_by_role("main").get_by_role("alert")).to_have_text(
        "The passkey was not used. Try again, or sign in with your password."
    )

    # Verified again, it signs in; removed from the account, the server refuses it, and
    # says so, though the authenticator still holds it.
    await cdp.send(
        "WebAuthn.setUserVerified", {"authenticatorId": authenticator, "isUserVerified": True}
    )
    await passkey_button.click()
    await heading(page, "Welcome to Accord")
    await menu.get_by_role("link", name="Account security").click()
    await expect(passkeys.get_by_role("listitem")).to_contain_text("last used")
    await passkeys.get_by_role("button", name="Remove passkey This laptop").click()
    # Confirmed in the page (a modal dialog), not with the browser's confirm().
    question = page.get_by_role("dialog")
    await expect(question).to_contain_text("This laptop")
    await question.get_by_role("button", name="Remove", exact=True).click()
    await expect(passkeys).to_contain_text("You have no passkeys yet.")
    await sign_out(page)
    await passkey_button.click()
    await expect(page.get_by_role("main").get_by_role("alert")).to_have_text(
        "This passkey is not registered for any account here."
    )
    assert await session_state(page) == "anonymous"
    # Refused on purpose: the server's answer to the assertion of a removed passkey.
    assert len(tab.console.provoked(401, "/api/auth/passkeys/authentication/verify")) == 1
    assert tab.console.problems == []
    await tab.context.close()


# --- 3. accessibility ----------------------------------------------------------------------


async def check_admin_side(page: Page, language: str) -> None:
    """Account security, every administration tab and the status page, in `language`."""
    await page.locator('nav a[href="/account"]').click()
    await heading(page, text(language, "account.title"))
    await account_page_loaded(page, language)
    await assert_accessible(page, f"account security ({language})")

    await page.locator('nav a[href="/admin"]').click()
    await heading(page, text(language, "admin.title"))
    for section in ("organizations", "invitations", "users", "approvals"):
        await admin_tab(page, section)
        title = page.locator("h2.admin__title")
        await expect(title).to_have_text(text(language, f"admin.{section}.title"))
        await settled(page, language)
        await assert_accessible(page, f"administration: {section} ({language})")

    await admin_tab(page, "organizations")
    await page.get_by_test_id("organizations-table").get_by_role("link", name=ORGANIZATION).click()
    await expect(page.get_by_role("heading", level=2, name=ORGANIZATION)).to_be_visible()
    await settled(page, language)
    await assert_accessible(page, f"administration: one organization ({language})")

    # Home: the coalition's organizations, each opening its read-only profile.
    await page.locator("header a.brand").click()
    organizations = page.get_by_test_id("your-organizations")
    await organizations.get_by_role("link", name=ORGANIZATION).click()
    await expect(page.get_by_role("heading", level=1, name=ORGANIZATION)).to_be_visible()
    await settled(page, language)
    await assert_accessible(page, f"organization profile ({language})")
    if SCREENSHOTS:
        await page.set_viewport_size({"width": 390, "height": 844})
        await page.screenshot(path=f"{SCREENSHOTS}/profile-{language}.png", full_page=True)
        await page.set_viewport_size({"width": 1280, "height": 800})

    await page.locator('nav a[href="/status"]').click()
    await expect(page.get_by_test_id("health-status")).to_have_attribute("data-state", "healthy")
    await assert_accessible(page, f"status ({language})")


async def test_every_page_passes_axe_in_english_and_belarusian(
    own_server: OwnServer, browser: Browser
) -> None:
    server = await own_server()
    address, one_time_password = first_admin(server)
    admin = await open_tab(browser)
    page = admin.page

    # Signed out: the sign-in and status pages.
    await page.goto(f"{server.url}/status")
    await expect(page.get_by_test_id("health-status")).to_have_attribute("data-state", "healthy")
    await assert_accessible(page, "status (en, signed out)")
    await page.goto(f"{server.url}/sign-in")
    await heading(page, "Sign in")
    await assert_accessible(page, "sign-in (en)")
    await sign_in(page, address, "not the password")
    await expect(page.get_by_role("alert")).to_be_visible()
    await assert_accessible(page, "sign-in with an error (en)")

    # The first admin's required steps: a new password, then a second factor.
    await sign_in(page, address, one_time_password)
    await heading(page, "Choose your own password")
    await assert_accessible(page, "new password (en)")
    await choose_new_password(page, ADMIN_PASSWORD)
    await heading(page, "Set up a second factor")
    await assert_accessible(page, "enrolment (en)")
    totp = await start_totp_enrolment(page)
    await assert_accessible(page, "enrolment: authenticator app (en)")
    await confirm_totp(page, totp)
    await assert_accessible(page, "enrolment: recovery codes (en)")
    await save_recovery_codes(page)
    await heading(page, "Welcome to Accord")
    await assert_accessible(page, "home (en, signed in)")

    # Something in every table, then each page in English and in Belarusian.
    await create_organization(page)
    await invite_coordinator(page, INVITEE_EMAIL, "en")
    await check_admin_side(page, "en")
    await switch_language(page, "be")
    await check_admin_side(page, "be")
    await switch_language(page, "en")

    # The invitation link, from the development mailbox.
    await (
        page.get_by_role("navigation", name="Main menu")
        .get_by_role("link", name="Mailbox (development)")
        .click()
    )
    message = page.get_by_test_id("mailbox-message").filter(has_text=INVITEE_EMAIL)
    await message.get_by_role("button", name="Show message").click()
    link = await message.get_by_role("link", name=re.compile("invitation#")).get_attribute("href")
    assert link
    await assert_accessible(page, "development mailbox (en)")
    await sign_out(page)
    await switch_language(page, "be")
    await assert_accessible(page, "sign-in (be)")
    assert len(admin.console.provoked(401, "/api/auth/sign-in")) == 1  # the wrong password
    assert admin.console.problems == []
    await admin.context.close()

    # The invitee: the invitation page and the enrolment a coordinator must go through.
    invitee = await open_tab(browser)
    page = invitee.page
    await page.goto(link)
    await expect(page.get_by_test_id("invitation-offer")).to_be_visible()
    await assert_accessible(page, "invitation (en)")
    await switch_language(page, "be")
    await assert_accessible(page, "invitation (be)")
    await switch_language(page, "en")
    await page.get_by_label("Your name").fill(INVITEE_NAME)
    await page.get_by_label("New password", exact=True).fill(INVITEE_PASSWORD)
    await page.get_by_label("Repeat the new password").fill(INVITEE_PASSWORD)
    await page.get_by_role("button", name="Create account and accept").click()
    await heading(page, "Set up a second factor")
    await switch_language(page, "be")
    await heading(page, text("be", "enrol.title"))
    await assert_accessible(page, "enrolment (be)")
    await page.get_by_label(re.compile("^" + text("be", "enrol.totp.title"))).check()
    await page.get_by_role("button", name=text("be", "totp.start")).click()
    await expect(page.get_by_test_id("totp-secret")).to_be_visible()
    await assert_accessible(page, "enrolment: authenticator app (be)")

    # The checker does see what a screen reader user would stumble on.
    await page.evaluate(
        "() => document.querySelector('main').append(document.createElement('input'))"
    )
    assert [line for line in await blocking_violations(page) if line.startswith("label (")]
    assert invitee.console.problems == []
    await invitee.context.close()


async def test_the_mailbox_probe_logs_no_error_where_mail_goes_out_over_smtp(
    own_server: OwnServer, browser: Browser
) -> None:
    """A production-like server (mail over SMTP) logs no error in a visitor's console."""
    server = await own_server({"ACCORD_MAIL__MODE": "smtp", "ACCORD_MAIL__SMTP_PORT": "9"})
    tab = await open_tab(browser)
    await tab.page.goto(f"{server.url}/sign-in")
    await heading(tab.page, "Sign in")
    await tab.page.get_by_role("link", name="Status").click()
    await expect(tab.page.get_by_test_id("health-status")).to_have_text("Healthy")
    await expect(tab.page.get_by_role("link", name="Mailbox (development)")).to_have_count(0)
    await tab.context.close()
    assert tab.console.problems == []


def test_the_served_policy_still_forbids_foreign_and_inline_scripts(
    live_server: LiveServer,
) -> None:
    """axe runs through DevTools, not through a loosened policy: the page's CSP is as strict
    as before (no 'unsafe-inline', no 'unsafe-eval', no other origin)."""
    csp = httpx.get(f"{live_server.url}/sign-in").headers["content-security-policy"]
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert script_src.split() == ["script-src", "'self'"]
