"""Appeals, whole journeys in Chromium, each against a server of its own (`own_server`).

Two organizations (a lead and a second one) with a member and a representative each, and a
coordinator with an authenticator app, are written straight into the server's database
(cast.py). Then, through the pages only:

(a) a lead member imports the real letter the coalition sent (fixture), creates the appeal
    and invites the second organization; its representative accepts; its member comments on
    a passage and suggests a change to an ask; the lead member accepts it (a revision
    credited to the suggester), submits for review; both representatives approve; the
    coordinator opens it for signatures and the text is frozen, in the page and at the API;
(b) two browsers edit the same revision: different blocks merge, the same block gives the
    conflict view and nothing typed is lost;
(c) a translation goes stale when the source changes, and says what changed.

What people type carries canaries; at the end the raw database (SQLite file and WAL, or a
pg_dump) holds none of them, in any encoding tests/support/canaries.py knows.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
from dataclasses import dataclass
from typing import Any

import pyotp
import pytest
from playwright.async_api import Browser, Page, expect
from sqlalchemy.engine import make_url

from app.kit.crypto import generate_sealing_keypair
from app.migrate import ROOT
from app.signatories.schemas import key_text
from tests.e2e.axe import assert_accessible, overflow_on_a_phone
from tests.e2e.cast import PASSWORD as SEEDED_PASSWORD
from tests.e2e.cast import Person, seed
from tests.e2e.conftest import LiveServer, OwnServer, awaited_mail
from tests.e2e.test_journeys import (  # noqa: F401 - patient_expect is an autouse fixture
    SCREENSHOTS,
    Tab,
    heading,
    open_tab,
    patient_expect,
    settled,
    sign_in,
    text,
)
from tests.support.canaries import encodings

pytestmark = pytest.mark.e2e

FIXTURE = ROOT.parent / "shared" / "fixtures" / "letter-forum-to-denmark-2023-03-16.txt"

LEAD = "Lead Human Rights Centre"
SECOND = "Second Legal Initiative"
LEAD_MEMBER = Person("lena.member@example.org", "Lena Member", "lead", "member")


def _custody_key() -> str:
    return key_text(generate_sealing_keypair()[1])


LEAD_REP = Person(
    "leo.rep@example.org",
    "Leo Representative",
    "lead",
    "representative",
    custody_key=_custody_key(),
)
SECOND_MEMBER = Person("sasha.member@example.org", "Sasha Member", "second", "member")
SECOND_REP = Person(
    "sam.rep@example.org",
    "Sam Representative",
    "second",
    "representative",
    custody_key=_custody_key(),
)


@dataclass
class Cast:
    server: LiveServer
    organizations: dict[str, str]  # "lead"/"second" -> id
    coordinator: Person
    totp: pyotp.TOTP


def cast_of(server: LiveServer) -> Cast:
    secret = pyotp.random_base32()
    coordinator = Person(
        "cora.coordinator@example.org", "Cora Coordinator", None, "member", True, secret
    )
    ids = seed(
        server,
        {"lead": LEAD, "second": SECOND},
        [LEAD_MEMBER, LEAD_REP, SECOND_MEMBER, SECOND_REP, coordinator],
    )
    return Cast(server, ids["organizations"], coordinator, pyotp.TOTP(secret))


def canary(what: str) -> str:
    """A word nobody else writes: it must never reach the database unencrypted."""
    return f"cnry{what}{secrets.token_hex(6)}"


# --- steps ---------------------------------------------------------------------------------


async def signed_in(browser: Browser, server: LiveServer, person: Person) -> Tab:
    """A fresh browser of `person`, signed in with the seeded password, on the home page."""
    tab = await open_tab(browser)
    await tab.page.goto(f"{server.url}/sign-in")
    await sign_in(tab.page, person.email, SEEDED_PASSWORD)
    await heading(tab.page, "Welcome to Accord")
    return tab


async def coordinator_signs_in(browser: Browser, cast: Cast) -> Tab:
    """Password, then a code from the authenticator app (the secret was never used before)."""
    tab = await open_tab(browser)
    page = tab.page
    await page.goto(f"{cast.server.url}/sign-in")
    await sign_in(page, cast.coordinator.email, SEEDED_PASSWORD)
    await heading(page, "Confirm it is you")
    await page.get_by_label("Code from your authenticator app").fill(cast.totp.now())
    await page.get_by_role("button", name="Confirm").click()
    await heading(page, "Welcome to Accord")
    return tab


def _tab_label(key: str) -> str:
    # The outreach tab belongs to the outreach feature's catalogue.
    return text("en", "outreachDispatches.tab" if key == "outreach" else f"appeals.tabs.{key}")


async def open_appeal(page: Page, server: LiveServer, appeal_id: str, tab: str = "text") -> None:
    query = "" if tab == "text" else f"?tab={tab}"
    await page.goto(f"{server.url}/appeals/{appeal_id}{query}")
    tab_button = page.get_by_role("tab", name=_tab_label(tab), exact=True)
    await expect(tab_button).to_have_attribute("aria-selected", "true")


async def choose_tab(page: Page, key: str) -> None:
    tab = page.get_by_role("tab", name=_tab_label(key), exact=True)
    await tab.click()
    await expect(tab).to_have_attribute("aria-selected", "true")


def panel(page: Page) -> Any:
    """The visible tab panel (the others stay mounted but hidden)."""
    return page.locator('[role="tabpanel"]:not([hidden])')


async def state_is(page: Page, state: str) -> None:
    badge = page.locator(".appeal-header .appeal-state")
    await expect(badge).to_have_attribute("data-state", state)
    await expect(badge).to_have_text(text("en", f"appeals.states.{state}"))


async def lifecycle(page: Page, action: str) -> None:
    """A lifecycle button in the header, confirmed in the page where the app asks."""
    label = text("en", f"appeals.lifecycle.actions.{action}")
    await page.get_by_role("group", name="Appeal actions").get_by_role("button", name=label).click()
    if action in ("open", "withdraw", "reopen_review", "close", "archive"):
        question = page.get_by_role(
            "dialog", name=text("en", f"appeals.lifecycle.confirm.{action}.title")
        )
        await question.get_by_role("button", name=label).click()
        await expect(question).to_have_count(0)


async def confirm_dialog(page: Page, title: str, button: str) -> None:
    question = page.get_by_role("dialog", name=title)
    await question.get_by_role("button", name=button, exact=True).click()
    await expect(question).to_have_count(0)


SELECT_PHRASE = """
([selector, phrase]) => {
  for (const element of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.data.indexOf(phrase);
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + phrase.length);
      const selection = document.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);  // fires selectionchange, as a person's drag would
      return element.getAttribute('data-block-id');
    }
  }
  return null;
}
"""


async def select_passage(page: Page, selector: str, phrase: str) -> str:
    """Selects `phrase` in the rendered block `selector` matches; the block's id."""
    selector = f".letter {selector}[data-block-id]"
    await expect(page.locator(selector).filter(has_text=phrase)).to_be_visible()
    block_id = await page.evaluate(SELECT_PHRASE, [selector, phrase])
    assert block_id, f"{phrase!r} is in no block {selector}"
    return str(block_id)


async def csrf_headers(page: Page, server: LiveServer) -> dict[str, str]:
    """The header the app sends on writes, with this browser's token (GET /api/auth/session)."""
    answer = await page.request.get(f"{server.url}/api/auth/session")
    assert answer.ok
    return {"X-CSRF-Token": (await answer.json())["csrf_token"]}


async def create_by_api(page: Page, cast: Cast, title: str, blocks: list[dict[str, str]]) -> str:
    """An appeal started from this browser's session over the API (journeys (b) and (c) are
    about what happens after; (a) starts one through the page)."""
    answer = await page.request.post(
        f"{cast.server.url}/api/appeals",
        headers=await csrf_headers(page, cast.server),
        data={
            "lead_organization_id": cast.organizations["lead"],
            "title": title,
            "language": "en",
            "blocks": blocks,
        },
    )
    assert answer.status == 201, await answer.text()
    return str((await answer.json())["id"])


async def current_text(
    page: Page, server: LiveServer, appeal_id: str
) -> tuple[list[dict[str, str]], str]:
    answer = await page.request.get(f"{server.url}/api/appeals/{appeal_id}/text")
    assert answer.ok, await answer.text()
    body = await answer.json()
    blocks = [{"id": b["id"], "kind": b["kind"], "text": b["text"]} for b in body["blocks"]]
    return blocks, answer.headers["etag"]


async def screenshot(page: Page, name: str, *, phone: bool = False) -> None:
    if not SCREENSHOTS:
        return
    if phone:
        before = page.viewport_size
        await page.set_viewport_size({"width": 390, "height": 844})
        await page.screenshot(path=f"{SCREENSHOTS}/appeals-{name}-phone.png", full_page=True)
        if before:
            await page.set_viewport_size(before)
    else:
        await page.screenshot(path=f"{SCREENSHOTS}/appeals-{name}.png", full_page=True)


async def fits_a_phone(page: Page, where: str) -> None:
    overflow = await overflow_on_a_phone(page)
    assert overflow == [], f"{where} scrolls sideways at 390 px:\n" + "\n".join(overflow)


# --- what is at rest -------------------------------------------------------------------------


def raw_database(server: LiveServer) -> bytes:
    """The server's database as bytes on disk: the SQLite file with its WAL, or a pg_dump."""
    url = server.settings.get("ACCORD_DATABASE__URL")
    if url and url.startswith("postgres"):
        parsed = make_url(url)
        dumped = subprocess.run(
            [
                "pg_dump",
                "-h",
                parsed.host or "127.0.0.1",
                "-p",
                str(parsed.port or 5432),
                "-U",
                parsed.username or "postgres",
                "--no-owner",
                parsed.database or "",
            ],
            capture_output=True,
            check=True,
            env={**os.environ, "PGPASSWORD": parsed.password or ""},
        )
        assert b"CREATE TABLE" in dumped.stdout
        return dumped.stdout
    files = sorted(server.data_dir.rglob("*.db"))
    assert files, f"no SQLite database under {server.data_dir}"
    found = b""
    for path in files:
        for part in (path, path.with_name(path.name + "-wal")):
            if part.exists():
                found += part.read_bytes()
    return found


def assert_no_canary_at_rest(server: LiveServer, canaries: list[str]) -> None:
    blob = raw_database(server)
    assert len(blob) > 10_000
    leaked = [(c, form) for c in canaries for form in encodings(c) if form in blob]
    assert leaked == [], f"typed text stored readable: {leaked}"
    log = server.output.read_bytes()
    assert [c for c in canaries if c.encode() in log] == [], "typed text in the server's log"


# --- (a) from the coalition's letter to an appeal open for signatures --------------------------


async def test_a_letter_becomes_an_appeal_that_co_authors_approve_and_a_coordinator_opens(
    own_server: OwnServer, browser: Browser
) -> None:
    if not FIXTURE.is_file():
        pytest.skip(f"fixture letter missing: {FIXTURE}")
    letter = FIXTURE.read_text(encoding="utf-8")
    server = await own_server()
    cast = cast_of(server)
    title_canary, comment_canary, suggestion_canary = (
        canary("title"),
        canary("comment"),
        canary("suggest"),
    )

    # A lead member pastes the letter: three asks; the date, addressees and signatures left out.
    lead = await signed_in(browser, server, LEAD_MEMBER)
    page = lead.page
    await (
        page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Appeals").click()
    )
    await heading(page, "Appeals")
    await expect(page.get_by_text(text("en", "appeals.list.none"))).to_be_visible()
    await page.get_by_label("Title", exact=True).fill(f"Release the prisoners {title_canary}")
    await page.get_by_label("Paste a letter to import").fill(letter)
    await page.get_by_role("button", name="Import", exact=True).click()
    preview = page.get_by_test_id("import-preview")
    await expect(preview.locator(".import-preview__block--ask")).to_have_count(3)
    for number in (1, 2, 3):
        await expect(
            preview.locator(".import-preview__block--ask").nth(number - 1)
        ).to_contain_text(f"Ask {number}")
    await expect(preview.locator(".import-preview__block--ask").first).to_contain_text(
        "Issue an ultimatum"
    )
    skipped = preview.locator(".import-preview__skipped li")
    await expect(skipped.filter(has_text="March 16, 2023")).to_contain_text("Date")
    await expect(skipped.filter(has_text="Prime Minister of Denmark")).to_contain_text("Addressee")
    await expect(skipped.filter(has_text="Valery Tsepkalo")).to_contain_text("Signature")
    await screenshot(page, "import-preview")
    await page.get_by_role("button", name="Create appeal").click()
    await expect(page).to_have_url(re.compile(r"/appeals/[0-9a-f-]{36}$"))
    appeal_id = page.url.rsplit("/", 1)[1]
    await heading(page, f"Release the prisoners {title_canary}")
    await state_is(page, "draft")
    await expect(page.get_by_text("Appeal created.")).to_be_visible()
    await expect(panel(page).locator(".letter__ask")).to_have_count(3)

    # ...and invites the second organization (confirmed in the page).
    await choose_tab(page, "coauthors")
    await page.get_by_label("Organization", exact=True).select_option(label=SECOND)
    await page.get_by_role("button", name="Invite", exact=True).click()
    await confirm_dialog(page, f"Invite {SECOND} to co-author?", "Invite")
    participants = page.get_by_test_id("participants-table")
    await expect(participants.get_by_role("row").filter(has_text=SECOND)).to_contain_text("Invited")

    # The second organization's representative accepts.
    second_rep = await signed_in(browser, server, SECOND_REP)
    await open_appeal(second_rep.page, server, appeal_id, "coauthors")
    await second_rep.page.get_by_role("button", name=f"Accept for {SECOND}").click()
    await expect(
        second_rep.page.get_by_text(f"{SECOND} now co-authors this appeal.")
    ).to_be_visible()
    rows = second_rep.page.get_by_test_id("participants-table").get_by_role("row")
    await expect(rows.filter(has_text=SECOND)).to_contain_text("Accepted")

    # Its member selects a passage of a paragraph and comments...
    second = await signed_in(browser, server, SECOND_MEMBER)
    spage = second.page
    await open_appeal(spage, server, appeal_id)
    toolbar = spage.get_by_role("toolbar", name="Selected passage")
    paragraph = await select_passage(spage, "p.letter__paragraph", "fifty thousand people")
    await toolbar.get_by_role("button", name="Comment").click()
    form = spage.get_by_role("form", name="Comment on a passage")
    await expect(form).to_contain_text("fifty thousand people")
    await form.get_by_label("Your comment").fill(f"Cite the Viasna count here {comment_canary}")
    # ...and asks the lead member to look: chosen among the people who see the appeal.
    await form.get_by_text("Notify people by email").click()
    notify = form.get_by_role("group", name="People to notify")
    await expect(notify.get_by_role("checkbox", name=SECOND_MEMBER.name)).to_have_count(0)
    await notify.get_by_role("checkbox", name=LEAD_MEMBER.name).check()
    await expect(form.get_by_text("Notify people by email (chosen: 1)")).to_be_visible()
    await assert_accessible(spage, "the comment form with people to notify")
    await screenshot(spage, "comment-notify")
    await form.get_by_role("button", name="Add comment").click()
    await expect(spage.get_by_role("status").filter(has_text="Comment added.")).to_be_visible()
    mentioned = awaited_mail(server, LEAD_MEMBER.email, "You were mentioned in a comment")
    said = mentioned.get_body(preferencelist=("plain",))
    assert said is not None
    assert f"/appeals/{appeal_id}" in said.get_content()
    assert comment_canary not in said.get_content()  # the comment stays on the server
    await expect(spage.get_by_test_id(f"comment-count-{paragraph}")).to_have_text(
        "Open comments: 1"
    )

    # ...then a passage of an ask, and suggests a replacement.
    ask = await select_passage(spage, ".letter__ask-text", "all cargo traffic")
    await toolbar.get_by_role("button", name="Suggest a change").click()
    form = spage.get_by_role("form", name="Suggest a change")
    replacement = form.get_by_label("Replace the passage with")
    await expect(replacement).to_have_value("all cargo traffic")
    await replacement.fill(f"all freight and cargo traffic {suggestion_canary}")
    await form.get_by_role("button", name="Send suggestion").click()
    await expect(spage.get_by_role("status").filter(has_text="Suggestion sent")).to_be_visible()
    await screenshot(spage, "text-tab-commented")

    # The lead member accepts the suggestion: a new revision, credited to its author.
    await choose_tab(page, "suggestions")
    suggestion = page.get_by_test_id("suggestion")
    await expect(suggestion).to_have_count(1)
    await expect(suggestion.locator("ins")).to_contain_text(suggestion_canary)
    await expect(suggestion).to_contain_text("Suggested by Sasha Member on revision 1")
    await screenshot(page, "suggestions")
    await suggestion.get_by_role("button", name="Accept").click()
    await confirm_dialog(page, "Accept this suggestion?", "Accept")
    await expect(page.get_by_text("Suggestion accepted: it became revision 2.")).to_be_visible()
    await expect(page.get_by_test_id("appeal-revision")).to_contain_text("Revision 2")
    await choose_tab(page, "history")
    newest = page.get_by_test_id("revisions").get_by_role("listitem").first
    await expect(newest).to_contain_text("Revision 2")
    await expect(newest).to_contain_text("credited to Sasha Member")
    await expect(page.get_by_test_id("diff")).to_contain_text(suggestion_canary)
    await screenshot(page, "history")
    await choose_tab(page, "text")
    letter_view = panel(page).locator(".letter")
    await expect(letter_view.locator(f'[data-block-id="{ask}"]')).to_contain_text(
        f"all freight and cargo traffic {suggestion_canary}"
    )

    # Review: the lead member submits; both organizations' representatives approve.
    await lifecycle(page, "submit_for_review")
    await state_is(page, "review")
    lead_rep = await signed_in(browser, server, LEAD_REP)
    await open_appeal(lead_rep.page, server, appeal_id, "coauthors")
    await lead_rep.page.get_by_role("button", name=f"Approve revision 2 for {LEAD}").click()
    await confirm_dialog(lead_rep.page, f"Approve revision 2 for {LEAD}?", "Approve revision 2")
    await expect(lead_rep.page.get_by_text(f"{LEAD} approved revision 2.")).to_be_visible()
    await state_is(lead_rep.page, "review")
    await open_appeal(second_rep.page, server, appeal_id, "coauthors")
    await second_rep.page.get_by_role("button", name=f"Approve revision 2 for {SECOND}").click()
    await confirm_dialog(second_rep.page, f"Approve revision 2 for {SECOND}?", "Approve revision 2")
    await state_is(second_rep.page, "approved")
    await screenshot(second_rep.page, "co-authors-approved")
    await fits_a_phone(second_rep.page, "the Co-authors tab")

    # The coordinator (password and a code) opens it for signatures, confirmed in the page.
    coordinator = await coordinator_signs_in(browser, cast)
    cpage = coordinator.page
    await open_appeal(cpage, server, appeal_id)
    await state_is(cpage, "approved")
    # Opening the first time asks for the signing window and the custodians.
    await (
        cpage.get_by_role("group", name="Appeal actions")
        .get_by_role("button", name=text("en", "appeals.lifecycle.actions.open"))
        .click()
    )
    opening = cpage.get_by_test_id("open-signing-form")
    await expect(opening).to_be_visible()
    choices = opening.get_by_test_id("custodian-choices")
    await choices.get_by_label(f"{LEAD_REP.name} — {LEAD}").check()
    await choices.get_by_label(f"{SECOND_REP.name} — {SECOND}").check()
    await screenshot(cpage, "open-for-signatures")
    await opening.get_by_role("button", name=text("en", "signing.open.submit")).click()
    await state_is(cpage, "open")
    await expect(cpage.get_by_test_id("signing-state")).to_contain_text("Open for signatures until")

    # The text is frozen: the Edit tab says so and cannot save; the API refuses a save.
    await open_appeal(page, server, appeal_id, "edit")
    await state_is(page, "open")
    frozen = text("en", "appeals.editor.frozen").replace("{{state}}", "Open for signatures")
    await expect(panel(page).locator(".alert--warning")).to_have_text(frozen)
    await expect(panel(page).get_by_role("button", name="Save", exact=True)).to_be_disabled()
    blocks, etag = await current_text(page, server, appeal_id)
    blocks[-1]["text"] += " (changed after opening)"
    refused = await page.request.put(
        f"{server.url}/api/appeals/{appeal_id}/text",
        headers={**await csrf_headers(page, server), "If-Match": etag},
        data={"blocks": blocks, "note": None},
    )
    assert refused.status == 409, await refused.text()
    assert (await refused.json())["code"] == "text_frozen"
    after, etag_after = await current_text(page, server, appeal_id)
    assert etag_after == etag and "(changed after opening)" not in after[-1]["text"]

    # The lead member signs, name withheld: a receipt code comes back once, and checks out.
    await open_appeal(page, server, appeal_id, "signatures")
    form = panel(page).get_by_test_id("sign-form")
    await form.get_by_role("radio", name=re.compile("^Withheld")).check()
    await form.get_by_role("checkbox", name=re.compile("I have read the text")).check()
    await form.get_by_role("button", name="Sign", exact=True).click()
    receipt = await panel(page).get_by_test_id("receipt-code").inner_text()
    await expect(panel(page).get_by_test_id("my-signature")).to_contain_text("counted")
    checked = await page.request.post(
        f"{server.url}/api/signature-receipts/check",
        headers=await csrf_headers(page, server),
        data={"code": receipt},
    )
    assert (await checked.json())["status"] == "counted"
    await settled(page, "en")
    await assert_accessible(page, "the Signatures tab")
    await screenshot(page, "signed-withheld")
    await fits_a_phone(page, "the Signatures tab")

    # The list and the appeal's text pass axe and fit a phone.
    await (
        page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Appeals").click()
    )
    await heading(page, "Appeals")
    listed = page.get_by_test_id("appeals-list").get_by_role("listitem")
    await expect(listed).to_have_count(1)
    await settled(page, "en")
    await assert_accessible(page, "the appeals list")
    await screenshot(page, "list")
    await listed.get_by_role("link").first.click()
    await heading(page, f"Release the prisoners {title_canary}")
    await expect(panel(page).get_by_test_id(f"comment-count-{paragraph}")).to_have_text(
        "Open comments: 1"
    )
    await settled(page, "en")
    await assert_accessible(page, "the appeal's Text tab")
    # Frozen, the text takes comments but no suggestions (the server would refuse them).
    await expect(panel(page)).to_contain_text(text("en", "appeals.text.selectHintComment"))
    await expect(panel(page).get_by_role("button", name=re.compile("^Suggest"))).to_have_count(0)
    await select_passage(page, "p.letter__paragraph", "put an end the terror")
    toolbar_now = page.get_by_role("toolbar", name="Selected passage")
    await expect(toolbar_now.get_by_role("button")).to_have_text(["Comment"])
    await screenshot(page, "text-tab", phone=True)
    await assert_accessible(spage, "the Text tab of a co-author's member")

    assert_no_canary_at_rest(server, [title_canary, comment_canary, suggestion_canary])
    for tab in (lead, second_rep, second, lead_rep, coordinator):
        assert tab.console.problems == [], tab.console.problems
        await tab.context.close()


# --- (b) two people editing at once ------------------------------------------------------------


async def block_field(page: Page, number: int) -> Any:
    return (
        panel(page)
        .get_by_role("group", name=f"Block {number}", exact=True)
        .get_by_label("Text", exact=True)
    )


async def test_two_editors_merge_different_blocks_and_resolve_the_same_block_keeping_their_text(
    own_server: OwnServer, browser: Browser
) -> None:
    server = await own_server()
    cast = cast_of(server)
    first_canary, second_canary = canary("blockone"), canary("blocktwo")
    mine_canary, theirs_canary = canary("mine"), canary("theirs")

    member = await signed_in(browser, server, LEAD_MEMBER)
    appeal_id = await create_by_api(
        member.page,
        cast,
        "Two editors",
        [
            {"id": "salutation01", "kind": "salutation", "text": "Dear Minister,"},
            {"id": "paragraph001", "kind": "paragraph", "text": "The first paragraph."},
            {"id": "paragraph002", "kind": "paragraph", "text": "The second paragraph."},
            {"id": "askblock0001", "kind": "ask", "text": "Release every political prisoner."},
        ],
    )
    rep = await signed_in(browser, server, LEAD_REP)
    a, b = member.page, rep.page
    for page in (a, b):
        await open_appeal(page, server, appeal_id, "edit")
        await expect(panel(page)).to_contain_text("Based on revision 1.")

    # Different blocks: the second save is merged with the first, and keeps both.
    await (await block_field(a, 3)).fill(f"The first paragraph, sharpened {first_canary}.")
    await (await block_field(b, 4)).fill(f"The second paragraph, with sources {second_canary}.")
    await panel(a).get_by_role("button", name="Save", exact=True).click()
    await expect(panel(a).get_by_text("Saved as revision 2.")).to_be_visible()
    await panel(b).get_by_role("button", name="Save", exact=True).click()
    await expect(
        panel(b).get_by_text(
            "Saved as revision 3, merged with changes someone else saved meanwhile."
        )
    ).to_be_visible()
    merged = panel(b).locator(".merged-text")
    await expect(merged).to_contain_text(first_canary)
    await expect(merged).to_contain_text(second_canary)
    blocks, _ = await current_text(a, server, appeal_id)
    by_id = {block["id"]: block["text"] for block in blocks}
    assert first_canary in by_id["paragraph001"] and second_canary in by_id["paragraph002"]

    # The same block, from revision 3 in both browsers: the first save wins, the second one
    # shows the conflict, with what its person typed still there.
    await open_appeal(a, server, appeal_id, "edit")
    await expect(panel(a)).to_contain_text("Based on revision 3.")
    await expect(panel(b)).to_contain_text("Based on revision 3.")
    await (await block_field(b, 5)).fill(f"Release every political prisoner now {theirs_canary}.")
    await (await block_field(a, 5)).fill(f"Release all political prisoners at once {mine_canary}.")
    await panel(b).get_by_role("button", name="Save", exact=True).click()
    await expect(panel(b).get_by_text("Saved as revision 4.")).to_be_visible()
    async with a.expect_response(f"**/api/appeals/{appeal_id}/text") as answer:
        await panel(a).get_by_role("button", name="Save", exact=True).click()
    assert (await answer.value).status == 412
    conflict = a.get_by_test_id("edit-conflict")
    await expect(conflict.get_by_role("alert")).to_contain_text("Nothing was saved. Revision 4")
    diff = conflict.get_by_test_id("conflict-diff-askblock0001")
    # Underlined: only in mine; struck out: only in theirs.
    await expect(diff.locator("ins", has_text=mine_canary)).to_have_count(1)
    await expect(diff.locator("del", has_text=theirs_canary)).to_have_count(1)
    await expect(conflict.get_by_label("Keep mine")).to_be_checked()
    # The header names the revision that won, not the one the editor started from.
    await expect(a.get_by_test_id("appeal-revision")).to_contain_text("Revision 4")
    await fits_a_phone(a, "the conflict view")
    await screenshot(a, "edit-conflict")

    # They merge by hand, keeping both people's words, and save.
    await conflict.get_by_label("Edit a merged text").check()
    merged_field = conflict.get_by_role("textbox", name="Merged text")
    await expect(merged_field).to_have_value(
        f"Release all political prisoners at once {mine_canary}."
    )
    both = f"Release all political prisoners at once {mine_canary}, now {theirs_canary}."
    await merged_field.fill(both)
    await conflict.get_by_role("button", name="Save with these choices").click()
    await expect(panel(a).get_by_text("Saved as revision 5.")).to_be_visible()
    await expect(a.get_by_test_id("edit-conflict")).to_have_count(0)
    blocks, _ = await current_text(a, server, appeal_id)
    by_id = {block["id"]: block["text"] for block in blocks}
    assert by_id["askblock0001"] == both
    assert first_canary in by_id["paragraph001"] and second_canary in by_id["paragraph002"]
    await choose_tab(a, "text")
    await expect(panel(a).locator(".letter")).to_contain_text(both)
    await fits_a_phone(a, "the Edit tab")

    assert_no_canary_at_rest(server, [first_canary, second_canary, mine_canary, theirs_canary])
    # The refused save, on purpose: the 412 that carries the current text.
    assert len(member.console.provoked(412, f"/api/appeals/{appeal_id}/text")) == 1
    for tab in (member, rep):
        assert tab.console.problems == [], tab.console.problems
        await tab.context.close()


# --- (c) a translation that falls behind ----------------------------------------------------


async def test_a_translation_goes_stale_when_the_source_changes_and_shows_what_changed(
    own_server: OwnServer, browser: Browser
) -> None:
    server = await own_server()
    cast = cast_of(server)
    translation_canary, source_canary = canary("perevod"), canary("source")
    member = await signed_in(browser, server, LEAD_MEMBER)
    page = member.page
    appeal_id = await create_by_api(
        page,
        cast,
        "To be translated",
        [
            {"id": "paragraph001", "kind": "paragraph", "text": "We write about the prisoners."},
            {"id": "askblock0001", "kind": "ask", "text": "Release them."},
        ],
    )
    await open_appeal(page, server, appeal_id, "translations")
    translations = page.get_by_test_id("translations-panel")
    await expect(translations).to_contain_text("No translations yet.")
    await translations.get_by_label("Language tag").fill("ru")
    await expect(translations.get_by_test_id("language-preview")).to_have_text(
        "Language: Russian (ru)"
    )
    await translations.get_by_role("button", name="Start translation").click()
    editor = page.get_by_test_id("translation-editor")
    await expect(page.get_by_role("heading", name="Translation: Russian (ru)")).to_be_visible()
    # Blocks: 1 the title (added from the title), 2 the paragraph, 3 the ask.
    target = editor.get_by_label("Block 2 (paragraph), translation")
    await target.fill(f"Мы пишем о заключённых {translation_canary}.")
    await editor.get_by_role("button", name="Save translation").click()
    await expect(editor.get_by_text("Translation saved as revision 2.")).to_be_visible()
    await editor.get_by_role("button", name="← All translations").click()
    row = translations.get_by_test_id("translation")
    await expect(row).to_contain_text("Follows revision 1")

    # The source changes in the Edit tab...
    await choose_tab(page, "edit")
    await (await block_field(page, 2)).fill(
        f"We write about the political prisoners {source_canary}."
    )
    await panel(page).get_by_role("button", name="Save", exact=True).click()
    await expect(panel(page).get_by_text("Saved as revision 2.")).to_be_visible()

    # ...and the translation says it is stale, and what changed in the source.
    await choose_tab(page, "translations")
    await expect(row).to_contain_text("Stale — the source changed since revision 1")
    await row.get_by_role("button", name="Open: Russian (ru)").click()
    await expect(editor).to_contain_text("Stale — the source changed since revision 1")
    changes = editor.get_by_test_id("source-diff")
    await expect(changes).to_contain_text(
        "The source changed since revision 1; it is now revision 2"
    )
    await expect(changes.locator("ins")).to_contain_text(source_canary)
    pair = editor.get_by_test_id("translation-block").nth(1)
    await expect(pair).to_contain_text("The source of this block changed")
    await expect(editor.get_by_label("Block 2 (paragraph), translation")).to_have_value(
        f"Мы пишем о заключённых {translation_canary}."
    )
    await fits_a_phone(page, "the translation editor")
    await screenshot(page, "translation-stale")

    assert_no_canary_at_rest(server, [translation_canary, source_canary])
    assert member.console.problems == [], member.console.problems
    await member.context.close()
