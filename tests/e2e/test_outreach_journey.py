"""Outreach, the whole journey in Chromium (issue #13's "done when"): a coordinator imports
recipients from CSV, downloads a letter as PDF (read as a reader would: its addressee
block and signature block), records a dispatch by email and one by post with a proof of
posting, records a response with a stance on each ask and the reply's scan, sees the
overdue follow-up, reads the dashboard, publishes the tracker; an anonymous visitor reads
it, and the public signer who asked for updates receives the email.

The appeal is opened today; the script below moves its opening three weeks back, so that
dispatches can be dated in the past and a follow-up (7 days here) be overdue.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from app.appeals.text.blocks import new_block_id
from app.migrate import ROOT
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import LiveServer, OwnServer, awaited_mail
from tests.e2e.test_appeals_journeys import (
    assert_no_canary_at_rest,
    canary,
    cast_of,
    confirm_dialog,
    fits_a_phone,
    open_appeal,
)
from tests.e2e.test_journeys import (  # noqa: F401 - patient_expect is an autouse fixture
    SCREENSHOTS,
    open_tab,
    patient_expect,
    settled,
    switch_language,
    text,
)
from tests.e2e.test_public_signing_journey import emailed_code, open_to_the_public
from tests.support.pdf import pdf_text

pytestmark = pytest.mark.e2e

TITLE = "Release the jailed journalists of the Baltic coast"
ASKS = ("Release every jailed journalist at once.", "Send observers to their trials.")
SIGNER_EMAIL = "marta.updates@example.org"
SIGNER_NAME = "Марта Лукашэвіч"
POW_MAX = "20000"
UPDATE_SUBJECT = "A response to the appeal you signed"
LITHUANIA = "Lithuania — Minister of Foreign Affairs"
POLAND = "Poland — Minister of Foreign Affairs"


def _days_ago(days: int) -> str:
    return (datetime.now(UTC).date() - timedelta(days=days)).isoformat()


def _opened_weeks_ago(server: LiveServer, appeal_id: str) -> None:
    """Test set-up, not a user's step: the signing window (when the text was frozen) moves
    three weeks back, with the server's own settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")} | server.settings
    script = (
        "import asyncio, uuid\n"
        "from datetime import timedelta\n"
        "from sqlalchemy import select\n"
        "from app.config import get_settings\n"
        "from app.db import create_engine, create_sessionmaker, unit_of_work\n"
        "from app.models.signatories import SigningWindow\n"
        "async def main():\n"
        "    engine = create_engine(get_settings().database_url)\n"
        "    async with unit_of_work(create_sessionmaker(engine)) as s:\n"
        "        window = (await s.scalars(select(SigningWindow)\n"
        f"            .where(SigningWindow.appeal_id == uuid.UUID('{appeal_id}')))).one()\n"
        "        window.created_at = window.created_at - timedelta(days=21)\n"
        "    await engine.dispose()\n"
        "asyncio.run(main())\n"
    )
    moved = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert moved.returncode == 0, moved.stderr


async def _screenshot(page: Page, name: str) -> None:
    """Only when ACCORD_SCREENSHOT_DIR is set, as in the other journeys."""
    if SCREENSHOTS:
        await page.screenshot(path=f"{SCREENSHOTS}/outreach-journey-{name}.png", full_page=True)


async def _sign_publicly_with_updates(page: Page, url: str) -> None:
    await page.goto(url)
    form = page.get_by_test_id("public-sign-form")
    await form.get_by_label("Name as printed").fill(SIGNER_NAME)
    await form.get_by_label("Line under the name (optional)").fill("Journalist, Vilnius")
    await form.get_by_label("Email", exact=True).fill(SIGNER_EMAIL)
    await form.get_by_role("radio", name="Public").check()
    await form.get_by_role("checkbox", name="I have read the text").check()
    await form.get_by_role("button", name="Sign", exact=True).click()
    await expect(page.get_by_test_id("code-sent")).to_be_visible(timeout=60_000)


async def test_a_coordinator_tracks_an_appeal_from_letters_to_a_published_response(
    own_server: OwnServer, browser: Browser, tmp_path: Path
) -> None:
    server = await own_server(
        {
            "ACCORD_THROTTLE__PROOF_OF_WORK_MAX_NUMBER": POW_MAX,
            "ACCORD_OUTREACH__FOLLOW_UP_DAYS": "7",
        }
    )
    cast = cast_of(server)
    appeal_id, head, lead, coordinator = await open_to_the_public(
        browser,
        server,
        cast,
        [
            {"id": new_block_id(), "kind": "title", "text": TITLE},
            {"id": new_block_id(), "kind": "salutation", "text": "Dear Minister,"},
            {"id": new_block_id(), "kind": "paragraph", "text": "Eleven reporters are held."},
            {"id": new_block_id(), "kind": "ask", "text": ASKS[0]},
            {"id": new_block_id(), "kind": "ask", "text": ASKS[1]},
        ],
    )
    _opened_weeks_ago(server, appeal_id)
    page = coordinator.page

    # A signer with no account signs in public and asks for updates.
    visitor = await open_tab(browser)
    await _sign_publicly_with_updates(visitor.page, f"{server.url}/sign/{appeal_id}")
    code = emailed_code(server, SIGNER_EMAIL, "Your code to confirm your signature")
    await visitor.page.get_by_label("Code from the email").fill(code)
    await visitor.page.get_by_test_id("updates-opt-in").get_by_role("checkbox").check()
    await visitor.page.get_by_role("button", name="Confirm my signature").click()
    await expect(visitor.page.get_by_test_id("receipt-hash")).to_have_text(head["head_sha256"])

    # Recipients from a CSV, checked first, then imported all at once.
    contact = canary("contact")
    csv = (
        "kind,country,language,name,addressee,salutation,email,postal_address,tags,group\n"
        f'government,LT,en,{LITHUANIA},"The Honorable Kęstutis Pavyzdys / Minister of Foreign '
        f'Affairs of the Republic of Lithuania / Vilnius","Dear Minister,",{contact}@lt.example,'
        ",baltic,Baltic ministers\n"
        f'government,PL,en,{POLAND},"Pan Radosław Przykładowy / Minister Spraw Zagranicznych / '
        'Warszawa","Dear Minister,",,"al. J. Ch. Szucha 23, 00-580 Warszawa",baltic,'
        "Baltic ministers\n"
    )
    await page.goto(f"{server.url}/recipients")
    await page.get_by_label("Or paste the CSV here").fill(csv)
    await page.get_by_role("button", name="Check file").click()
    await expect(page.get_by_text("Every row is valid. Rows to import: 2.")).to_be_visible()
    await page.get_by_role("button", name="Import all 2 rows").click()
    await expect(page.get_by_text("Imported rows: 2.")).to_be_visible()
    await expect(page.get_by_test_id("recipient")).to_have_count(2)
    await settled(page, "en")
    await assert_accessible(page, "the recipients registry after an import")
    await page.set_viewport_size({"width": 390, "height": 844})
    await fits_a_phone(page, "the recipients registry")
    await page.set_viewport_size({"width": 1280, "height": 900})

    # The letter to Lithuania, as PDF: addressee block, the ask, the signer, the hash.
    await open_appeal(page, server, appeal_id, tab="outreach")
    letters = page.get_by_test_id("letters")
    # The server's first letter loads typst and its fonts: seconds alone, more beside
    # another browser suite on two cores (it once passed 30 s on CI).
    async with page.expect_download(timeout=90_000) as download:
        await letters.get_by_role("link", name=re.compile(f"^PDF.*{LITHUANIA}")).click()
    pdf = tmp_path / "letter.pdf"
    await (await download.value).save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    letter = " ".join(pdf_text(pdf.read_bytes(), tmp_path, "-layout").split())
    for expected in (
        "The Honorable Kęstutis Pavyzdys",
        "Minister of Foreign Affairs of the Republic of Lithuania",
        "Dear Minister,",
        f"1. {ASKS[0]}",
        SIGNER_NAME,
        "Journalist, Vilnius",
        head["head_sha256"],
        "/verify/",
    ):
        assert expected in letter, f"{expected!r} not in the letter:\n{letter}"

    # Two dispatches: by email ten days ago, by post twelve days ago with a reference.
    form = page.get_by_test_id("dispatch-form")
    await form.get_by_label("Recipient", exact=True).select_option(label=f"{LITHUANIA} (LT)")
    await form.get_by_label("Sent on").fill(_days_ago(10))
    await form.get_by_role("button", name="Record a dispatch").click()
    await expect(form.get_by_role("status")).to_contain_text("The dispatch was recorded")
    await form.get_by_label("Recipient", exact=True).select_option(label=f"{POLAND} (PL)")
    await form.get_by_label("Channel").select_option("post")
    await form.get_by_label("Sent on").fill(_days_ago(12))
    await form.get_by_label("Reference (tracking number)").fill("RR123456785PL")
    await form.get_by_role("button", name="Record a dispatch").click()
    await expect(form.get_by_role("status")).to_contain_text("The dispatch was recorded")

    # The post dispatch gets its proof; its follow-up (7 days) is overdue.
    table = page.get_by_test_id("outreach").get_by_role("table")
    poland = table.get_by_role("row").filter(has_text=POLAND)
    await expect(poland).to_contain_text("Overdue")
    await expect(poland).to_contain_text(f"overdue since {_days_ago(5)}")
    await poland.get_by_role("button", name=POLAND).click()
    dispatch = page.get_by_test_id("dispatch")
    proof = dispatch.get_by_test_id("dispatch-documents")
    receipt_text = canary("receipt")
    await proof.get_by_label("Document").set_input_files(
        {
            "name": "../../posting receipt.pdf",
            "mimeType": "application/pdf",
            "buffer": b"%PDF-1.4\n% " + receipt_text.encode() + b"\n%%EOF\n",
        }
    )
    await proof.get_by_role("button", name="Upload").click()
    stored = proof.get_by_role("link", name="posting receipt.pdf")
    await expect(stored).to_be_visible()
    assert (await stored.get_attribute("href") or "").startswith("/api/documents/")
    await expect(page.get_by_test_id("my-follow-ups")).to_contain_text(POLAND)
    # A program disguised by its name is refused, in words, and nothing is listed.
    await proof.get_by_label("Document").set_input_files(
        {"name": "receipt.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00" * 64}
    )
    await proof.get_by_role("button", name="Upload").click()
    await expect(proof.get_by_role("alert")).to_contain_text(
        "This file is not a PDF, an image or an office document"
    )
    await expect(proof.get_by_role("link")).to_have_count(1)
    assert len(coordinator.console.provoked(415, "/documents")) == 1

    # Lithuania answered: a stance on each ask, a quote, shown on the tracker, with a scan.
    await table.get_by_role("button", name=LITHUANIA).click()
    await expect(dispatch.get_by_role("heading", name=LITHUANIA)).to_be_visible()
    summary = canary("summary")
    response_form = dispatch.get_by_test_id("response-form")
    await response_form.get_by_label("Received on").fill(_days_ago(2))
    await response_form.get_by_label("Summary", exact=True).fill(
        f"The minister promises action {summary}"
    )
    await response_form.get_by_label(f"1. {ASKS[0]}").select_option("supports")
    await response_form.get_by_label("Quote from the reply on ask 1 (optional)").fill(
        "Lithuania calls for their release."
    )
    await response_form.get_by_label(f"2. {ASKS[1]}").select_option("partially_supports")
    await response_form.get_by_role("checkbox", name="Show this response on the public").check()
    await response_form.get_by_role("button", name="Record a response").click()
    response = dispatch.get_by_test_id("response")
    await expect(response).to_contain_text("on the public tracker")
    await expect(response).to_contain_text("Lithuania calls for their release.")
    scan = canary("scan")
    await response.get_by_label("Document").set_input_files(
        {
            "name": "reply.pdf",
            "mimeType": "application/pdf",
            "buffer": b"%PDF-1.4\n% " + scan.encode() + b"\n%%EOF\n",
        }
    )
    await response.get_by_role("button", name="Upload").click()
    await expect(response.get_by_role("link", name="reply.pdf")).to_be_visible()
    await expect(table.get_by_role("row").filter(has_text=LITHUANIA)).to_contain_text("Responded")
    await settled(page, "en")
    await assert_accessible(page, "the outreach tab with a dispatch open")
    await _screenshot(page, "outreach-tab")
    await page.set_viewport_size({"width": 390, "height": 844})
    await fits_a_phone(page, "the outreach tab")
    await _screenshot(page, "outreach-tab-phone")
    # Belarusian and Russian words are longer: the same tab still fits, fully translated.
    for language in ("be", "ru"):
        await switch_language(page, language)
        await settled(page, language)
        await expect(dispatch.get_by_test_id("response-form")).to_contain_text(
            text(language, "outreachDispatches.recordResponse")
        )
        await fits_a_phone(page, f"the outreach tab ({language})")
        await _screenshot(page, f"outreach-tab-phone-{language}")
    await switch_language(page, "en")
    await page.set_viewport_size({"width": 1280, "height": 900})

    # The dashboard: the appeal against both recipients, and the stance on each ask.
    await page.goto(f"{server.url}/outreach")
    dashboard = page.get_by_test_id("outreach-dashboard")
    await expect(dashboard).to_contain_text(TITLE)
    body = await dashboard.inner_text()
    for expected in ("Responded", "Overdue", "Supports", "Partially supports"):
        assert expected in body, f"{expected!r} not on the dashboard"
    await settled(page, "en")
    await assert_accessible(page, "the outreach dashboard")
    await _screenshot(page, "outreach-dashboard")

    # The tracker is published; an anonymous visitor reads it.
    await open_appeal(page, server, appeal_id, tab="outreach")
    section = page.get_by_test_id("tracker-section")
    await section.get_by_role("button", name="Publish the tracker").click()
    await confirm_dialog(page, "Publish this appeal's tracker?", "Publish the tracker")
    await expect(section.get_by_role("status")).to_contain_text("The tracker is published.")

    anonymous = await browser.new_context()
    public = await anonymous.new_page()
    await public.goto(f"{server.url}/track/{appeal_id}")
    tracker = public.get_by_test_id("public-tracker")
    await expect(tracker).to_contain_text(TITLE)
    recipients = public.get_by_test_id("tracker-recipients")
    await expect(recipients.get_by_role("row").filter(has_text="Lithuania")).to_contain_text(
        "Responded"
    )
    await expect(public.get_by_test_id("stance-matrix")).to_contain_text("Supports")
    seen = await public.inner_text("body")
    for internal in (contact, summary, "posting receipt", "reply.pdf", "RR123456785PL"):
        assert internal not in seen, f"{internal!r} is on the public tracker"
    assert SIGNER_NAME in seen
    await assert_accessible(public, "the public tracker")
    # The address in the letter's footer shows the text with its hash to whoever holds it.
    await public.goto(f"{server.url}/verify/{head['head_sha256']}")
    await expect(public.get_by_test_id("verified-hash")).to_have_text(head["head_sha256"])
    await expect(public.get_by_test_id("verified-text")).to_contain_text(ASKS[1])
    await assert_accessible(public, "the text checked by its hash")
    await public.set_viewport_size({"width": 390, "height": 844})
    await fits_a_phone(public, "the text checked by its hash")
    await anonymous.close()

    # The signer who asked for updates is told, with the tracker's address.
    update = awaited_mail(server, SIGNER_EMAIL, UPDATE_SUBJECT)
    plain = update.get_body(preferencelist=("plain",))
    assert plain is not None
    assert f"{server.url}/track/{appeal_id}" in plain.get_content()
    assert LITHUANIA in plain.get_content()

    # Nothing typed into contacts, summaries or documents is readable at rest.
    assert_no_canary_at_rest(server, [contact, summary, receipt_text, scan])
    for tab in (lead, coordinator, visitor):
        assert tab.console.problems == [], tab.console.problems
        await tab.context.close()
