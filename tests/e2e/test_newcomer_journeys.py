"""What a newcomer meets (issue #8), one journey per point, each in Belarusian and Russian.

The older journeys (test_journeys.py) walk the first admin and an invited coordinator
through the pages in English, with axe and the 390 px check over every page; these take
each of the issue's points as a person meets it, in the two languages a coalition of
exiled Belarusian organizations works in. People and organizations are written straight
into the server's database (tests/e2e/cast.py); everything they then do goes through the
pages. Every page's console must stay clean: a signed-out visitor's session probe, too.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from playwright.async_api import Browser, Page, expect

from tests.e2e.cast import PASSWORD, Person, seed
from tests.e2e.conftest import LiveServer, OwnServer, first_admin
from tests.e2e.test_journeys import (
    Console,
    Tab,
    add_virtual_authenticator,
    session_state,
    settled,
    text,
)

pytestmark = pytest.mark.e2e
# Where to save screenshots for a person to look at (only when set), as test_journeys.py.
SCREENSHOTS = os.environ.get("ACCORD_SCREENSHOT_DIR")

LANGUAGES = ("be", "ru")
LOCALES = {"be": "be-BY", "ru": "ru-RU"}
# Month names as a date reads in each language ("30 лістапада 2026"): dates are not ISO.
MONTHS = {
    "be": "студзеня лютага сакавіка красавіка мая чэрвеня ліпеня жніўня верасня кастрычніка "
    "лістапада снежня".split(),
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября "
    "декабря".split(),
}
NEW_PASSWORD = "birch river lantern 58 copper"
# A development log line for a request: "15:47:17 GET /healthz 200 4.96 ms".
REQUEST_LINE = re.compile(r"^\d\d:\d\d:\d\d (GET|POST|PUT|PATCH|DELETE|HEAD) /\S* \d{3} ")


@pytest.fixture(autouse=True)
def patient_expect() -> Iterator[None]:
    """Up to 15 s a step: hashing and the mail worker share two cores with the browser."""
    expect.set_options(timeout=15_000)
    yield
    expect.set_options(timeout=None)


@pytest.fixture(params=LANGUAGES)
def language(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def unique() -> str:
    """Tests share one server: names and addresses of their own."""
    return uuid.uuid4().hex[:8]


def an_admin(token: str, language: str) -> Person:
    """An admin of this test's own, with an authenticator app, reading `language`."""
    return Person(
        f"admin-{token}@example.org",
        "Admin",
        admin=True,
        totp=pyotp.random_base32(),
        language=language,
    )


async def open_tab(browser: Browser, language: str, *, width: int = 1200) -> Tab:
    """A fresh browser whose person reads `language` (no choice saved: the browser's own)."""
    context = await browser.new_context(
        viewport={"width": width, "height": 900}, locale=LOCALES[language]
    )
    page = await context.new_page()
    console = Console()
    console.listen(page)
    return Tab(context, page, console)


async def heading(page: Page, title: str) -> None:
    await expect(page.get_by_role("heading", level=1)).to_have_text(title)


async def sign_in(page: Page, language: str, address: str, password: str = PASSWORD) -> None:
    await heading(page, text(language, "signIn.title"))
    await page.get_by_label(text(language, "signIn.email"), exact=True).fill(address)
    await page.get_by_label(text(language, "signIn.password"), exact=True).fill(password)
    submit = text(language, "signIn.submit")
    await page.get_by_role("main").get_by_role("button", name=submit, exact=True).click()


async def second_factor(page: Page, language: str, code: str) -> None:
    await heading(page, text(language, "secondFactor.title"))
    await page.get_by_label(text(language, "secondFactor.totpLabel")).fill(code)
    await page.get_by_role("button", name=text(language, "secondFactor.confirm")).click()


async def signed_in_with_code(
    server: LiveServer, tab: Tab, language: str, address: str, totp: pyotp.TOTP
) -> None:
    """Password, then the code of the next 30-second step (a code is never taken twice, and
    another browser of this test may have used the current one)."""
    await tab.page.goto(f"{server.url}/sign-in")
    await sign_in(tab.page, language, address)
    await second_factor(tab.page, language, totp.at(datetime.now() + timedelta(seconds=30)))
    await heading(tab.page, text(language, "home.title"))


async def sign_out(page: Page, language: str) -> None:
    signing_out = page.get_by_role("banner").get_by_role(
        "button", name=text(language, "common.signOut")
    )
    await signing_out.click()
    await heading(page, text(language, "signIn.title"))


async def admin_section(page: Page, section: str) -> None:
    await page.locator('nav a[href="/admin"]').click()
    await page.locator(f'nav.tabs a[href="/admin/{section}"]').click()
    await expect(page).to_have_url(re.compile(f"/admin/{section}$"))


async def no_sideways_scroll(page: Page) -> None:
    """WCAG reflow: the document is never wider than the window."""
    widths = await page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"the page scrolls sideways: {widths}"


async def mailed_link(page: Page, server: LiveServer, address: str) -> str:
    """The invitation link of the newest email to `address`, from the development mailbox."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        answer = await page.request.get(f"{server.url}/api/dev/mailbox")
        for message in (await answer.json())["items"]:  # newest first
            found = re.findall(rf"{re.escape(server.url)}/invitation#[\w-]+", message["body"])
            if message["to"] == address and found:
                return str(found[0])
        await page.wait_for_timeout(200)
    pytest.fail(f"no invitation for {address} in the mailbox")


def status(page: Page, message: str):  # type: ignore[no-untyped-def]
    """The status region that says what just happened."""
    return page.get_by_role("status").filter(has_text=message)


# --- 1 and 2: another port, a readable terminal, the credentials last ----------------------


async def test_on_another_port_the_terminal_stays_readable_and_ends_with_the_credentials(
    own_server: OwnServer, browser: Browser, language: str
) -> None:
    """`accord serve --port N` with no public URL set: the server derives it from the port,
    so signing in (whose origin check compares against it) works in the browser. The
    one-time credentials are printed after the start-up lines and written to a 0600 file;
    what follows is one short line per request, never SQL, and nothing while idle."""
    server = await own_server(public_url=False)
    assert "ACCORD_HTTP__PUBLIC_URL" not in server.settings
    address, one_time_password = first_admin(server)  # after start-up, and in a 0600 file
    printed_before = server.output.read_text()
    # The start-up ends with the credentials and the address, derived from the port; only
    # request lines (the test's own readiness probe) follow them.
    block = printed_before[printed_before.index(one_time_password) :].splitlines()
    block = [line for line in block if line.strip() and not REQUEST_LINE.match(line)]
    assert len(block) <= 4, block
    assert block[-1].endswith(f"Open {server.url}"), block

    tab = await open_tab(browser, language)
    requests: list[str] = []
    tab.page.on("request", lambda request: requests.append(request.url))
    page = tab.page
    await page.goto(f"{server.url}/sign-in")
    # The first admin's account was made on the command line, in English: their choice in
    # the language menu wins over it.
    await page.locator("#language-select").select_option(language)
    await sign_in(page, language, address, one_time_password)
    # The one-time password was typed a moment ago: not asked again (item 10).
    await heading(page, text(language, "newPassword.title"))
    await expect(page.get_by_label(text(language, "password.current"))).to_have_count(0)
    await page.get_by_label(text(language, "password.new"), exact=True).fill(NEW_PASSWORD)
    await page.get_by_label(text(language, "password.repeat")).fill(NEW_PASSWORD)
    await page.get_by_role("button", name=text(language, "newPassword.submit")).click()
    await heading(page, text(language, "enrol.title"))
    assert await session_state(page) != "anonymous"
    assert tab.console.problems == []
    await tab.context.close()

    api_requests = [url for url in requests if url.startswith(f"{server.url}/api/")]
    after = server.output.read_text()[len(printed_before) :]
    lines = [line for line in after.splitlines() if line.strip()]
    # The browser's requests (the test's own readiness probe of /healthz aside).
    logged = [line for line in lines if REQUEST_LINE.match(line) and " /healthz " not in line]
    assert len(logged) <= len(requests), lines  # at most one line a request
    assert len(logged) >= len(api_requests), lines  # and every API request is there
    assert not [line for line in logged if " unmatched " in line], lines  # assets: /assets/*
    for line in lines:
        assert len(line) < 200, line
        assert not re.search(r"\b(SELECT|INSERT|UPDATE|BEGIN|COMMIT)\b", line), line
        assert "Traceback" not in line and not line.startswith("{"), line
        assert one_time_password not in line and NEW_PASSWORD not in line, line
    # Idle, the terminal stays still: the mail worker polls every 2 s and speaks only when
    # it delivered something (the security notices of this sign-in, first).
    await asyncio.sleep(4)
    quiet_from = len(server.output.read_text())
    await asyncio.sleep(6)
    assert server.output.read_text()[quiet_from:].strip() == ""


# --- 3 and 7: a home for everyone; invitations survive reloads and signing in --------------


async def test_a_member_finds_a_home_and_an_invitation_survives_signing_in(
    live_server: LiveServer, browser: Browser, language: str
) -> None:
    token = unique()
    home_org, other_org = f"Viasna {token}", f"Forum {token}"
    admin = an_admin(token, language)
    member = Person(
        f"member-{token}@example.org", f"Member {token}", organization="home", language=language
    )
    coordinator = Person(
        f"coord-{token}@example.org",
        "Coordinator",
        coordinator=True,
        totp=pyotp.random_base32(),
        language=language,
    )
    newcomer = f"new-{token}@example.org"
    seed(live_server, {"home": home_org, "other": other_org}, [admin, member, coordinator])

    # The admin invites the member (who has an account) to a second organization, and a
    # newcomer; each action says what happened, "Resend" too.
    desk = await open_tab(browser, language)
    await signed_in_with_code(
        live_server, desk, language, admin.email, pyotp.TOTP(admin.totp or "")
    )
    await admin_section(desk.page, "invitations")
    for address, role in ((member.email, "representative"), (newcomer, "member")):
        await desk.page.get_by_label(text(language, "admin.invitations.email"), exact=True).fill(
            address
        )
        await desk.page.get_by_label(
            text(language, "admin.invitations.organization")
        ).select_option(label=other_org)
        await desk.page.get_by_label(text(language, "admin.invitations.role")).select_option(role)
        await desk.page.get_by_role("button", name=text(language, "admin.invitations.send")).click()
        sent = text(language, "admin.invitations.sent").replace("{{email}}", address)
        await expect(status(desk.page, sent)).to_have_text(sent)
    resend = text(language, "admin.invitations.resendTo").replace("{{email}}", member.email)
    await desk.page.get_by_role("button", name=resend).click()
    resent = text(language, "admin.invitations.resent").replace("{{email}}", member.email)
    await expect(status(desk.page, resent)).to_have_text(resent)
    # The message of the first invitation no longer stands beside it.
    first_sent = text(language, "admin.invitations.sent").replace("{{email}}", newcomer)
    await expect(status(desk.page, first_sent)).to_have_count(0)
    member_link = await mailed_link(desk.page, live_server, member.email)
    newcomer_link = await mailed_link(desk.page, live_server, newcomer)
    assert desk.console.problems == []
    await desk.context.close()

    # The member, signed out, first opens the invitation page without the link, then
    # pastes the link into the same tab: it is read, and a reload keeps it.
    tab = await open_tab(browser, language)
    page = tab.page
    await page.goto(f"{live_server.url}/invitation")
    await expect(page.get_by_role("alert")).to_have_text(text(language, "invitation.noToken"))
    await page.goto(member_link)
    offer = page.get_by_test_id("invitation-offer")
    representative = text(language, "roles.representative")
    await expect(offer).to_contain_text(
        text(language, "invitation.offer")
        .replace("{{organization}}", other_org)
        .replace("{{role}}", representative)
    )
    assert "#" not in page.url
    await page.reload()
    await expect(page.get_by_test_id("invitation-offer")).to_contain_text(other_org)
    # An existing account signs in from the invitation and comes back to accept it.
    await expect(page.get_by_role("main")).to_contain_text(text(language, "invitation.signInFirst"))
    await page.get_by_role("main").get_by_role("link", name=text(language, "signIn.title")).click()
    await sign_in(page, language, member.email)
    await heading(page, text(language, "invitation.title"))
    accept_as = text(language, "invitation.acceptAs").replace("{{email}}", member.email)
    await expect(page.get_by_role("main")).to_contain_text(accept_as)

    # Home, before accepting: their organization and role, and the invitation waiting.
    await page.locator("header a.brand").click()
    await heading(page, text(language, "home.title"))
    organizations = page.get_by_test_id("your-organizations")
    await expect(organizations.get_by_role("heading")).to_have_text(
        text(language, "home.organizations.yours")
    )
    member_role = text(language, "home.organizations.yourRole").replace(
        "{{role}}", text(language, "roles.member")
    )
    await expect(organizations.get_by_role("listitem")).to_have_count(1)
    await expect(organizations.get_by_role("listitem")).to_contain_text(member_role)
    waiting = page.get_by_test_id("your-invitations")
    await expect(waiting).to_contain_text(other_org)
    await expect(waiting).to_contain_text(text(language, "home.invitations.howToAccept"))

    # The link again: accepted, and home now lists both, each with its role.
    await page.goto(member_link)
    await page.get_by_role("button", name=text(language, "invitation.accept")).click()
    await heading(page, text(language, "home.title"))
    await expect(organizations.get_by_role("listitem")).to_have_count(2)
    await expect(organizations.get_by_role("listitem").filter(has_text=other_org)).to_contain_text(
        representative
    )
    await expect(page.get_by_test_id("your-invitations")).to_have_count(0)
    # The organization's profile opens from home; a representative sees its members.
    await organizations.get_by_role("link", name=other_org).click()
    await expect(page.get_by_role("heading", level=1, name=other_org)).to_be_visible()
    await expect(page.get_by_role("main")).to_contain_text(member.name)
    await no_sideways_scroll(page)
    # Where they are a plain member: fellow members by name and role, no addresses.
    await page.locator("header a.brand").click()
    await organizations.get_by_role("link", name=home_org).click()
    people = page.get_by_test_id("colleagues")
    await expect(people.get_by_role("heading")).to_have_text(
        text(language, "organizations.colleagues")
    )
    await expect(people.get_by_role("listitem")).to_have_text(
        [f"{member.name} · {text(language, 'roles.member')}"]
    )
    assert "@" not in (await people.text_content() or "")
    await page.set_viewport_size({"width": 390, "height": 844})
    await no_sideways_scroll(page)
    if SCREENSHOTS:
        await page.screenshot(path=f"{SCREENSHOTS}/colleagues-{language}.png", full_page=True)
    assert tab.console.problems == []
    await tab.context.close()

    # The newcomer picks English as their language on the invitation page ("for this site
    # and emails"): the form stays in the language it is being read in until the account
    # is made, then the site speaks the language chosen for it.
    fresh = await open_tab(browser, language)
    await fresh.page.goto(newcomer_link)
    await expect(fresh.page.get_by_test_id("invitation-offer")).to_contain_text(other_org)
    await fresh.page.get_by_label(text(language, "invitation.language")).select_option("en")
    await expect(fresh.page.locator("html")).to_have_attribute("lang", language)
    await fresh.page.get_by_label(text(language, "invitation.displayName")).fill("Newcomer")
    await fresh.page.get_by_label(text(language, "password.new"), exact=True).fill(NEW_PASSWORD)
    await fresh.page.get_by_label(text(language, "password.repeat")).fill(NEW_PASSWORD)
    await fresh.page.get_by_role(
        "button", name=text(language, "invitation.createAndAccept")
    ).click()
    await heading(fresh.page, text("en", "home.title"))
    await expect(fresh.page.locator("html")).to_have_attribute("lang", "en")
    await expect(fresh.page.get_by_test_id("your-organizations")).to_contain_text(other_org)
    assert fresh.console.problems == []
    await fresh.context.close()

    # A coordinator's home: every organization of the coalition, read only.
    watch = await open_tab(browser, language)
    await signed_in_with_code(
        live_server, watch, language, coordinator.email, pyotp.TOTP(coordinator.totp or "")
    )
    everyone = watch.page.get_by_test_id("your-organizations")
    await expect(everyone.get_by_role("heading")).to_have_text(
        text(language, "home.organizations.all")
    )
    await everyone.get_by_role("link", name=home_org).click()
    await expect(watch.page.get_by_role("heading", level=1, name=home_org)).to_be_visible()
    await settled(watch.page, language)
    await expect(
        watch.page.get_by_role("link", name=text(language, "organizations.manage"))
    ).to_have_count(0)
    assert watch.console.problems == []
    await watch.context.close()


# --- 4: a passkey-only account gets recovery codes -----------------------------------------


async def test_a_first_passkey_comes_with_recovery_codes_that_sign_in(
    live_server: LiveServer, browser: Browser, language: str
) -> None:
    token = unique()
    person = Person(
        f"passkey-{token}@example.org", "Passkey person", coordinator=True, language=language
    )
    seed(live_server, {}, [person])
    tab = await open_tab(browser, language)
    page = tab.page
    await add_virtual_authenticator(page)
    await page.goto(f"{live_server.url}/sign-in")
    await sign_in(page, language, person.email)
    # A coordinator must have a second factor: a passkey, and its recovery codes with it.
    await heading(page, text(language, "enrol.title"))
    await page.get_by_label(
        re.compile("^" + re.escape(text(language, "enrol.passkey.title")))
    ).check()
    await page.get_by_label(text(language, "passkeys.nameLabel")).fill("Phone")
    await page.get_by_role("button", name=text(language, "passkeys.add")).click()
    codes = page.get_by_test_id("recovery-codes").get_by_role("listitem")
    await expect(codes).to_have_count(10)
    first_code = (await codes.first.text_content() or "").strip()
    await page.get_by_label(text(language, "enrol.codesSaved")).check()
    await page.get_by_role("button", name=text(language, "enrol.continue")).click()
    await heading(page, text(language, "home.title"))
    await page.locator('nav a[href="/account"]').click()
    remaining = text(language, "recoveryCodes.remaining").replace("{{number}}", "10")
    await expect(page.get_by_test_id("recovery-codes-remaining")).to_have_text(remaining)

    # The passkey is lost: the password and a saved code still get them in.
    await sign_out(page, language)
    await sign_in(page, language, person.email)
    await heading(page, text(language, "secondFactor.title"))
    # No authenticator app: the passkey, or else a recovery code, is offered at once.
    await expect(
        page.get_by_role("button", name=text(language, "secondFactor.usePasskey"))
    ).to_be_visible()
    await page.get_by_label(text(language, "secondFactor.recoveryLabel")).fill(first_code)
    await page.get_by_role("button", name=text(language, "secondFactor.confirm")).click()
    await heading(page, text(language, "home.title"))
    assert await session_state(page) == "full"
    assert tab.console.problems == []
    await tab.context.close()


# --- 6: consequential changes are confirmed, said, and explained to the person -------------


async def test_a_role_change_is_confirmed_and_the_member_is_told_why_they_were_signed_out(
    live_server: LiveServer, browser: Browser, language: str
) -> None:
    token = unique()
    organization = f"Dom {token}"
    admin = an_admin(token, language)
    member = Person(
        f"m-{token}@example.org", f"Member {token}", organization="org", language=language
    )
    seed(live_server, {"org": organization}, [admin, member])

    theirs = await open_tab(browser, language)
    await theirs.page.goto(f"{live_server.url}/sign-in")
    await sign_in(theirs.page, language, member.email)
    await heading(theirs.page, text(language, "home.title"))

    desk = await open_tab(browser, language)
    page = desk.page
    await signed_in_with_code(
        live_server, desk, language, admin.email, pyotp.TOTP(admin.totp or "")
    )
    await admin_section(page, "organizations")
    await page.get_by_test_id("organizations-table").get_by_role("link", name=organization).click()
    role = page.get_by_label(
        text(language, "admin.members.roleOf").replace("{{name}}", member.name)
    )
    await expect(role).to_have_value("member")
    representative = text(language, "roles.representative")
    question_title = (
        text(language, "admin.members.roleConfirm")
        .replace("{{name}}", member.name)
        .replace("{{role}}", representative)
    )
    # Asked in the page; Cancel changes nothing.
    await role.select_option("representative")
    question = page.get_by_role("dialog", name=question_title)
    await expect(question).to_contain_text(
        text(language, "admin.members.signedOutNotice").replace("{{name}}", member.name)
    )
    await question.get_by_role("button", name=text(language, "common.cancel")).click()
    await expect(question).to_have_count(0)
    await expect(role).to_have_value("member")
    await theirs.page.reload()
    await heading(theirs.page, text(language, "home.title"))
    # Confirmed: said in the page, and the member is signed out and told why.
    await role.select_option("representative")
    await question.get_by_role("button", name=text(language, "admin.members.changeRole")).click()
    changed = (
        text(language, "admin.members.roleChanged")
        .replace("{{name}}", member.name)
        .replace("{{role}}", representative)
    )
    await expect(status(page, changed)).to_have_text(changed)
    await expect(role).to_have_value("representative")
    # They were reading their home page: a reload says why they are signed out, there and
    # on the sign-in page it leads to.
    await theirs.page.reload()
    await heading(theirs.page, text(language, "home.title"))
    ended = theirs.page.get_by_test_id("session-ended")
    await expect(ended).to_have_text(text(language, "signIn.ended.access_changed"))
    await (
        theirs.page.get_by_role("main")
        .get_by_role("link", name=text(language, "signIn.title"))
        .click()
    )
    await expect(ended).to_have_text(text(language, "signIn.ended.access_changed"))

    # Suspending: confirmed, said, and the person's next sign-in says why it fails.
    await sign_in(theirs.page, language, member.email)
    await heading(theirs.page, text(language, "home.title"))
    await admin_section(page, "users")
    suspend = text(language, "admin.users.suspendNamed").replace("{{name}}", member.name)
    await page.get_by_role("button", name=suspend).click()
    await (
        page.get_by_role("dialog")
        .get_by_role("button", name=text(language, "admin.users.suspend"), exact=True)
        .click()
    )
    suspended = text(language, "admin.users.suspended").replace("{{name}}", member.name)
    await expect(status(page, suspended)).to_have_text(suspended)
    await theirs.page.reload()
    await heading(theirs.page, text(language, "home.title"))
    await expect(ended).to_have_text(text(language, "signIn.ended.suspended"))
    assert desk.console.problems == []
    assert theirs.console.problems == []
    await desk.context.close()
    await theirs.context.close()


# --- 8: long names wrap; names that look alike are one name --------------------------------


async def test_a_long_name_wraps_and_a_lookalike_name_is_refused(
    live_server: LiveServer, browser: Browser, language: str
) -> None:
    token = unique()
    admin = an_admin(token, language)
    seed(live_server, {}, [admin])
    words = "Беларускі нацыянальны камітэт абароны палітвязняў і іх сем'яў у выгнанні"
    long_name = f"{words} {token} " + "Coalition " * 20
    # Under the 200-character limit by enough that the lookalike below (three spaces
    # doubled) still fits the field.
    long_name = long_name[:190].strip()
    desk = await open_tab(browser, language)
    page = desk.page
    await signed_in_with_code(
        live_server, desk, language, admin.email, pyotp.TOTP(admin.totp or "")
    )
    await admin_section(page, "organizations")

    async def create(name: str) -> None:
        await page.get_by_label(text(language, "admin.organizations.name"), exact=True).fill(name)
        await page.get_by_label(text(language, "admin.organizations.shortName")).fill(token)
        await page.get_by_role("button", name=text(language, "admin.organizations.create")).click()

    await create(long_name)
    created = text(language, "admin.organizations.created").replace("{{name}}", long_name)
    await expect(status(page, created)).to_have_text(created)
    table = page.get_by_test_id("organizations-table")
    await expect(table.get_by_role("link", name=long_name, exact=True)).to_be_visible()
    await no_sideways_scroll(page)
    await page.set_viewport_size({"width": 390, "height": 844})
    await no_sideways_scroll(page)
    await page.set_viewport_size({"width": 1200, "height": 900})

    # The same name in capitals, with its spaces doubled: refused, said why, nothing made.
    await create(long_name.upper().replace(" ", "  ", 3))
    await expect(page.get_by_role("alert")).to_have_text(
        text(language, "errors.organization_name_taken")
    )
    await page.get_by_role("search").get_by_label(text(language, "lists.search")).fill(token)
    await expect(table.get_by_role("row")).to_have_count(2)  # the header and the one
    assert desk.console.provoked(409, "/api/organizations")
    assert desk.console.problems == []
    await desk.context.close()


# --- 9: administration past a demo ---------------------------------------------------------


async def test_an_admin_finds_one_person_among_many_and_sees_their_security(
    live_server: LiveServer, browser: Browser, language: str
) -> None:
    token = unique()
    organization = f"Sieć {token}"
    admin = an_admin(token, language)
    # The one to find is made first: newest first, so it is past the first page of 50.
    wanted = Person(
        f"wanted-{token}@example.org",
        f"Aliaksandra Łoika {token}",
        organization="org",
        role="representative",
        coordinator=True,
        language=language,
    )
    crowd = [Person(f"p{n}-{token}@example.org", f"Person {n} {token}") for n in range(55)]
    seed(live_server, {"org": organization}, [wanted, *crowd, admin])

    desk = await open_tab(browser, language)
    page = desk.page
    await signed_in_with_code(
        live_server, desk, language, admin.email, pyotp.TOTP(admin.totp or "")
    )
    await admin_section(page, "users")
    search = page.get_by_role("search")
    await search.get_by_label(text(language, "lists.search")).fill(token)
    rows = page.get_by_test_id("user-row")
    await expect(rows).to_have_count(57)  # every page of the list was read
    # Found without the mark on its letter; the filter narrows to coordinators.
    await search.get_by_label(text(language, "lists.search")).fill(f"loika {token}")
    await expect(rows).to_have_count(1)
    await search.get_by_label(text(language, "lists.show")).select_option("coordinator")
    await expect(rows).to_have_count(1)
    await search.get_by_label(text(language, "lists.search")).fill(token)
    await expect(rows).to_have_count(1)
    shown = text(language, "lists.shown").replace("{{shown}}", "1").replace("{{total}}", "")
    await expect(search).to_contain_text(shown)
    # Their organization by name (not "organizations: 1"), and their security at a glance.
    row = rows.first
    await expect(row).to_contain_text(
        text(language, "admin.users.membership")
        .replace("{{role}}", text(language, "roles.representative"))
        .replace("{{organization}}", organization)
    )
    await expect(row.get_by_test_id("user-security")).to_contain_text(
        text(language, "admin.users.factorOff")
    )
    await expect(row.get_by_test_id("user-security")).to_contain_text(
        text(language, "admin.users.neverActive")
    )
    # The admin's own row: a second factor, and a last activity dated in words.
    await search.get_by_label(text(language, "lists.show")).select_option("admin")
    await search.get_by_label(text(language, "lists.search")).fill(admin.email)
    own = page.get_by_test_id("user-security")
    await expect(own).to_contain_text(text(language, "admin.users.factorOn"))
    activity = await own.text_content() or ""
    today = datetime.now(UTC)
    months = {MONTHS[language][(today + timedelta(days=d)).month - 1] for d in (-1, 0, 1)}
    # In words, perhaps shortened ("30 нояб. 2026 г." in Russian), never as digits.
    assert any(month[:3] in activity for month in months), activity
    assert not re.search(r"\d{4}-\d{2}-\d{2}", activity), activity
    await page.set_viewport_size({"width": 390, "height": 844})
    await no_sideways_scroll(page)
    assert desk.console.problems == []
    await desk.context.close()


# --- 10: the small things ------------------------------------------------------------------


async def test_a_reused_code_and_a_forced_password_change_say_what_to_do(
    live_server: LiveServer, browser: Browser, language: str
) -> None:
    token = unique()
    coordinator = Person(
        f"code-{token}@example.org",
        "Coordinator",
        coordinator=True,
        totp=pyotp.random_base32(),
        language=language,
    )
    fresh = Person(
        f"otp-{token}@example.org", "Fresh", password_change_required=True, language=language
    )
    seed(live_server, {}, [coordinator, fresh])

    # A signed-out visitor's pages log nothing (the session probe answers 200 "anonymous").
    tab = await open_tab(browser, language)
    page = tab.page
    await page.goto(f"{live_server.url}/")
    await heading(page, text(language, "home.title"))
    await page.goto(f"{live_server.url}/sign-in")
    assert await session_state(page) == "anonymous"

    # A code already used is named as such, not as a wrong code.
    totp = pyotp.TOTP(coordinator.totp or "")
    code = totp.at(datetime.now() + timedelta(seconds=30))
    await sign_in(page, language, coordinator.email)
    await second_factor(page, language, code)
    await heading(page, text(language, "home.title"))
    await sign_out(page, language)
    await sign_in(page, language, coordinator.email)
    await second_factor(page, language, code)
    await expect(page.get_by_role("main").get_by_role("alert")).to_have_text(
        text(language, "errors.second_factor_reused")
    )
    assert tab.console.provoked(401, "/api/auth/second-factor/totp") or tab.console.provoked(
        400, "/api/auth/second-factor/totp"
    ), tab.console.problems
    await page.get_by_role("button", name=text(language, "secondFactor.cancel")).click()
    await heading(page, text(language, "signIn.title"))

    # A one-time password: the new-password page does not ask for it again.
    await sign_in(page, language, fresh.email)
    await heading(page, text(language, "newPassword.title"))
    await expect(page.get_by_label(text(language, "password.current"))).to_have_count(0)
    await page.get_by_label(text(language, "password.new"), exact=True).fill(NEW_PASSWORD)
    await page.get_by_label(text(language, "password.repeat")).fill(NEW_PASSWORD)
    await page.get_by_role("button", name=text(language, "newPassword.submit")).click()
    await heading(page, text(language, "home.title"))
    await sign_out(page, language)
    await sign_in(page, language, fresh.email, NEW_PASSWORD)
    await heading(page, text(language, "home.title"))
    assert tab.console.problems == [], tab.console.problems
    await tab.context.close()
