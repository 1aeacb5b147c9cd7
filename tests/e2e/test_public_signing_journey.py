"""The public signing page, a whole journey in Chromium: a coordinator opens an appeal and
lets anyone sign on its public page; a visitor with no account opens the link, signs (the
proof of work is solved in the page), confirms with the code emailed to them, gets a
receipt, checks it, and withdraws the signature with a second emailed code.

The codes are read from the development mail spool (<data dir>/mail/*.eml): a public
signer's message is deleted from the outbox once delivered, so the mailbox page may not
list it any more by the time the test looks.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from app.appeals.text.blocks import new_block_id
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import LiveServer, OwnServer, awaited_mail
from tests.e2e.test_appeals_journeys import (
    LEAD,
    LEAD_REP,
    SECOND,
    SECOND_REP,
    Cast,
    cast_of,
    coordinator_signs_in,
    create_by_api,
    fits_a_phone,
    open_appeal,
    signed_in,
    state_is,
)
from tests.e2e.test_journeys import (  # noqa: F401 - patient_expect is an autouse fixture
    SCREENSHOTS,
    Tab,
    open_tab,
    patient_expect,
    settled,
    switch_language,
    text,
)
from tests.e2e.test_signing_journeys import api

pytestmark = pytest.mark.e2e

TITLE = "Free the imprisoned reporters"
SIGNER_EMAIL = "hanna.public@example.org"
SIGNER_NAME = "Hanna Public-Signer"
# A small search keeps the journey quick; the page solves whatever the server asks.
POW_MAX = "20000"
# app/notifications/templates.py: the codes come in the page's language.
CONFIRM_SUBJECT_EN = "Your code to confirm your signature"
WITHDRAW_SUBJECT_BE = "Ваш код, каб адклікаць подпіс"


def emailed_code(server: LiveServer, to: str, subject: str) -> str:
    """The six-digit code in the newest message to ``to`` with ``subject``."""
    body = awaited_mail(server, to, subject).get_body(preferencelist=("plain",))
    assert body is not None
    found = re.search(r"^(\d{6})\s*$", body.get_content(), re.MULTILINE)
    assert found, body.get_content()
    return found.group(1)


async def open_to_the_public(
    browser: Browser, server: LiveServer, cast: Cast, blocks: list[dict[str, str]]
) -> tuple[str, dict[str, Any], Tab, Tab]:
    """An appeal written and approved over the API (the appeals journeys show those pages),
    then opened in the page by the coordinator with custodians of both organizations and
    the public allowed to sign. The appeal's id, its head, the lead representative's tab
    and the coordinator's."""
    lead = await signed_in(browser, server, LEAD_REP)
    title = next(block["text"] for block in blocks if block["kind"] == "title")
    appeal_id = await create_by_api(lead.page, cast, title, blocks)
    base = f"/api/appeals/{appeal_id}"
    await api(lead.page, server, "POST", f"{base}/transitions", action="submit_for_review")
    head = await api(lead.page, server, "GET", base)
    await api(
        lead.page,
        server,
        "POST",
        f"{base}/approvals",
        organization_id=cast.organizations["lead"],
        sha256=head["head_sha256"],
    )

    coordinator = await coordinator_signs_in(browser, cast)
    cpage = coordinator.page
    await open_appeal(cpage, server, appeal_id)
    await state_is(cpage, "approved")
    await (
        cpage.get_by_role("group", name="Appeal actions")
        .get_by_role("button", name=text("en", "appeals.lifecycle.actions.open"))
        .click()
    )
    opening = cpage.get_by_test_id("open-signing-form")
    choices = opening.get_by_test_id("custodian-choices")
    await choices.get_by_label(f"{LEAD_REP.name} — {LEAD}").check()
    await choices.get_by_label(f"{SECOND_REP.name} — {SECOND}").check()
    await opening.get_by_role("checkbox", name=text("en", "signing.open.public")).check()
    await opening.get_by_role("button", name=text("en", "signing.open.submit")).click()
    await state_is(cpage, "open")
    return appeal_id, head, lead, coordinator


async def screenshot(page: Page, name: str, *, phone: bool = True) -> None:
    """As the other journeys: only when ACCORD_SCREENSHOT_DIR is set; a phone's width by
    default, since that is where most signers will read the page."""
    if not SCREENSHOTS:
        return
    before = page.viewport_size
    if phone:
        await page.set_viewport_size({"width": 390, "height": 844})
    await page.screenshot(path=f"{SCREENSHOTS}/public-signing-{name}.png", full_page=True)
    if phone and before:
        await page.set_viewport_size(before)


async def test_anyone_signs_on_the_public_page_confirms_by_email_and_withdraws(
    own_server: OwnServer, browser: Browser
) -> None:
    server = await own_server({"ACCORD_THROTTLE__PROOF_OF_WORK_MAX_NUMBER": POW_MAX})
    cast = cast_of(server)

    appeal_id, head, lead, coordinator = await open_to_the_public(
        browser,
        server,
        cast,
        [
            {"id": new_block_id(), "kind": "title", "text": TITLE},
            {"id": new_block_id(), "kind": "salutation", "text": "Dear Minister,"},
            {"id": new_block_id(), "kind": "paragraph", "text": "Reporters are in prison."},
            {"id": new_block_id(), "kind": "ask", "text": "Release every reporter."},
        ],
    )
    cpage = coordinator.page
    link = cpage.get_by_test_id("public-link").get_by_role("link")
    url = await link.inner_text()
    assert url == f"{server.url}/sign/{appeal_id}"
    await settled(cpage, "en")
    await assert_accessible(cpage, "the Signatures tab with the public link")
    await screenshot(cpage, "coordinator-link", phone=False)

    # A visitor with no account, on a phone, opens the link.
    visitor = await open_tab(browser)
    page = visitor.page
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.goto(url)
    await expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    await expect(page.get_by_test_id("revision-hash")).to_have_text(head["head_sha256"])
    await expect(page.get_by_test_id("count-total")).to_have_text("fewer than 10")
    await settled(page, "en")
    await assert_accessible(page, "the public signing page (en)")
    await screenshot(page, "form-en")

    form = page.get_by_test_id("public-sign-form")
    await form.get_by_label("Name as printed").fill(SIGNER_NAME)
    await form.get_by_label("Line under the name (optional)").fill("Teacher, Minsk")
    await form.get_by_label("Country (optional)").select_option("BY")
    await form.get_by_label("Email", exact=True).fill(SIGNER_EMAIL)
    await form.get_by_role("radio", name=re.compile("^Withheld")).check()
    await form.get_by_role("checkbox", name=re.compile("the server cannot read them")).check()
    await form.get_by_role("button", name="Sign", exact=True).click()

    # The proof of work is solved in the page, then only "we sent an email" is said.
    await expect(page.get_by_test_id("code-sent")).to_have_text(
        f"We sent an email to {SIGNER_EMAIL}. Type the code from it below.", timeout=60_000
    )
    await settled(page, "en")
    await assert_accessible(page, "the code step (en)")
    await screenshot(page, "code-en")
    code = emailed_code(server, SIGNER_EMAIL, CONFIRM_SUBJECT_EN)
    await page.get_by_label("Code from the email").fill(code)
    await page.get_by_role("button", name="Confirm my signature").click()

    # The receipt, shown once, bound to the text's hash.
    receipt = await page.get_by_test_id("receipt-code").inner_text()
    assert len(receipt) >= 16
    await expect(page.get_by_test_id("receipt-hash")).to_have_text(head["head_sha256"])
    await assert_accessible(page, "the receipt (en)")
    await screenshot(page, "receipt-en")

    # Checking the receipt shows its state and hash, and nothing else.
    check = page.get_by_test_id("receipt-check")
    await check.get_by_label("Receipt code").fill(receipt)
    await check.get_by_role("button", name="Check", exact=True).click()
    await expect(check.get_by_test_id("receipt-status")).to_have_text("counted")
    await expect(check.get_by_test_id("receipt-state")).to_contain_text(head["head_sha256"])
    await expect(check.get_by_test_id("receipt-state")).not_to_contain_text(SIGNER_NAME)

    # The same page in Belarusian: the withdrawal code comes in Belarusian too.
    await switch_language(page, "be")
    await expect(page.get_by_test_id("signing-state")).to_contain_text(
        text("be", "signing.openUntil").split("{{")[0].strip()
    )
    withdrawal = page.get_by_test_id("withdrawal")
    await withdrawal.get_by_label(text("be", "signing.public.check.code")).fill(receipt)
    await withdrawal.get_by_label(text("be", "signing.public.withdraw.email")).fill(SIGNER_EMAIL)
    await withdrawal.get_by_role(
        "button", name=text("be", "signing.public.withdraw.submit")
    ).click()
    await expect(page.get_by_test_id("withdraw-code-sent")).to_have_text(
        text("be", "signing.public.code.sent").replace("{{address}}", SIGNER_EMAIL)
    )
    await settled(page, "be")
    await assert_accessible(page, "the withdrawal's code step (be)")
    await screenshot(page, "withdraw-be")
    code = emailed_code(server, SIGNER_EMAIL, WITHDRAW_SUBJECT_BE)
    await withdrawal.get_by_label(text("be", "signing.public.code.label")).fill(code)
    await withdrawal.get_by_role(
        "button", name=text("be", "signing.public.withdraw.confirm")
    ).click()
    await expect(withdrawal).to_contain_text(text("be", "signing.public.withdraw.done"))

    # The receipt no longer finds a signature.
    await check.get_by_role("button", name=text("be", "signing.public.check.submit")).click()
    await expect(check.get_by_role("alert")).to_have_text(text("be", "errors.receipt_not_found"))
    assert len(visitor.console.provoked(404, "/api/signature-receipts/check")) == 1
    await fits_a_phone(page, "the public signing page (be)")
    await screenshot(page, "withdrawn-be")

    # A fresh visit in Russian: the form, before anything is typed, on a phone.
    await switch_language(page, "ru")
    await page.reload()
    await expect(page.get_by_test_id("public-sign-form")).to_be_visible()
    await settled(page, "ru")
    await assert_accessible(page, "the public signing page (ru)")
    await screenshot(page, "form-ru")

    for tab in (lead, coordinator, visitor):
        assert tab.console.problems == [], tab.console.problems
        await tab.context.close()
