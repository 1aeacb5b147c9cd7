"""Signing, whole journeys in Chromium.

(a) Custodians make their custody keys in their browsers, a member signs with the name
    withheld, and two of the three custodians, each in their own browser, open the withheld
    name in the requester's browser (the CSV lists it). The server only ever sees
    ciphertexts: the custody keys are X25519 pairs made by WebCrypto, the shares are opened
    and sealed again in the custodians' browsers, the names are opened in the requester's.
(b) Two organizations sign, one of them with two officers: the first officer's signature
    waits, the second officer confirms it. Then a coordinator moves the appeal back to
    review, its text changes, it is approved and opened again, and a signer consents to
    the new text while the other signature still waits for it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from playwright.async_api import Browser, Locator, Page, expect

from app.appeals.text.blocks import new_block_id
from app.kit.crypto import generate_sealing_keypair
from app.signatories.schemas import key_text
from tests.e2e.axe import assert_accessible
from tests.e2e.cast import PASSWORD as SEEDED_PASSWORD
from tests.e2e.cast import Person, seed
from tests.e2e.conftest import LiveServer, OwnServer
from tests.e2e.test_appeals_journeys import (
    confirm_dialog,
    create_by_api,
    csrf_headers,
    current_text,
    lifecycle,
    open_appeal,
    state_is,
)
from tests.e2e.test_journeys import (  # noqa: F401 - patient_expect is an autouse fixture
    SCREENSHOTS,
    Tab,
    heading,
    open_tab,
    patient_expect,
    settled,
    sign_in,
)

pytestmark = pytest.mark.e2e

LEAD = "Lead Human Rights Centre"
SECOND = "Second Legal Initiative"
WITHHELD_NAME = "Ales Withheld-Canary"


def _person(email: str, name: str, organization: str, role: str) -> Person:
    return Person(email, name, organization, role, totp=pyotp.random_base32())


LEAD_REP = _person("leo.rep@example.org", "Leo Representative", "lead", "representative")
LEAD_MEMBER = _person("lena.member@example.org", "Lena Member", "lead", "member")
SECOND_REP = _person("sam.rep@example.org", "Sam Representative", "second", "representative")
SIGNER = Person("sasha.member@example.org", "Sasha Member", "second", "member")
COORDINATOR = Person(
    "cora.coordinator@example.org", "Cora Coordinator", None, "member", True, pyotp.random_base32()
)


async def signs_in(browser: Browser, server: LiveServer, person: Person) -> Tab:
    """A fresh browser (its own IndexedDB) of ``person``, with their code when they have one."""
    tab = await open_tab(browser)
    page = tab.page
    await page.goto(f"{server.url}/sign-in")
    await sign_in(page, person.email, SEEDED_PASSWORD)
    if person.totp:
        await heading(page, "Confirm it is you")
        await page.get_by_label("Code from your authenticator app").fill(
            pyotp.TOTP(person.totp).now()
        )
        await page.get_by_role("button", name="Confirm").click()
    await heading(page, "Welcome to Accord")
    return tab


async def makes_a_custody_key(page: Page, server: LiveServer) -> str:
    """On the account page: a passphrase twice, Create; the key file downloads. Returns it."""
    await page.goto(f"{server.url}/account")
    section = page.get_by_test_id("custody-key")
    passphrase = "correct horse battery staple"
    await section.get_by_label("Passphrase for the key file").fill(passphrase)
    await section.get_by_label("Passphrase again").fill(passphrase)
    async with page.expect_download() as download_info:
        await section.get_by_role("button", name="Create custody key").click()
    download = await download_info.value
    await expect(section.get_by_test_id("custody-key-current")).to_be_visible()
    path = await download.path()
    return path.read_text() if path else ""


async def api(page: Page, server: LiveServer, method: str, path: str, **body: object) -> dict:  # type: ignore[type-arg]
    answer = await page.request.fetch(
        f"{server.url}{path}", method=method, headers=await csrf_headers(page, server), data=body
    )
    assert answer.ok, await answer.text()
    return await answer.json()  # type: ignore[no-any-return]


async def test_two_of_three_custodians_open_a_withheld_name_in_the_requesters_browser(
    own_server: OwnServer, browser: Browser
) -> None:
    server = await own_server()
    ids = seed(
        server,
        {"lead": LEAD, "second": SECOND},
        [LEAD_REP, LEAD_MEMBER, SECOND_REP, SIGNER, COORDINATOR],
    )
    people = ids["people"]

    # Three custodians make their keys, each in their own browser.
    custodians = {}
    for person in (LEAD_REP, SECOND_REP, LEAD_MEMBER):
        tab = await signs_in(browser, server, person)
        key_file = await makes_a_custody_key(tab.page, server)
        assert (
            '"format": "accord-custody-key"' in key_file
            or '"format":"accord-custody-key"' in key_file
        )
        custodians[person.email] = tab

    # The appeal, approved and opened over the API (the appeals journeys show those pages).
    lead_page = custodians[LEAD_REP.email].page
    appeal_id = await create_by_api(
        lead_page,
        _cast(server, ids),
        "Free the imprisoned reporters",
        [
            {"id": new_block_id(), "kind": "title", "text": "Free the imprisoned reporters"},
            {"id": new_block_id(), "kind": "ask", "text": "Release every reporter."},
        ],
    )
    base = f"/api/appeals/{appeal_id}"
    await api(lead_page, server, "POST", f"{base}/transitions", action="submit_for_review")
    head = await api(lead_page, server, "GET", base)
    await api(
        lead_page,
        server,
        "POST",
        f"{base}/approvals",
        organization_id=ids["organizations"]["lead"],
        sha256=head["head_sha256"],
    )
    coordinator = await signs_in(browser, server, COORDINATOR)
    await api(
        coordinator.page,
        server,
        "POST",
        f"{base}/signing",
        closes_at=(datetime.now(UTC) + timedelta(days=7)).isoformat(),
        tiers=["public", "withheld", "counted"],
        allow_organizations=True,
        allow_members=True,
        custodians=[
            {"user_id": people[LEAD_REP.email], "organization_id": ids["organizations"]["lead"]},
            {
                "user_id": people[SECOND_REP.email],
                "organization_id": ids["organizations"]["second"],
            },
            {"user_id": people[LEAD_MEMBER.email], "organization_id": ids["organizations"]["lead"]},
        ],
        threshold=2,
    )

    # A member of the second organization signs from the signing page, name withheld.
    signer = await signs_in(browser, server, SIGNER)
    page = signer.page
    await page.get_by_test_id("open-appeals").get_by_role("link").click()
    form = page.get_by_test_id("sign-form")
    await form.get_by_label("Name as printed").fill(WITHHELD_NAME)
    await form.get_by_role("radio", name="Withheld").check()
    await form.get_by_role("checkbox").check()
    await form.get_by_role("button", name="Sign", exact=True).click()
    await expect(page.get_by_test_id("receipt-code")).to_be_visible()

    # The lead's representative asks; they and the second representative give their shares.
    await lead_page.goto(f"{server.url}/appeals/{appeal_id}?tab=signatures")
    unsealing = lead_page.get_by_test_id("unsealing")
    await unsealing.get_by_label("Why the names must be opened").fill(
        "An embassy asks whom to protect before the hearing."
    )
    await unsealing.get_by_role("button", name="Ask to open the names").click()
    request = unsealing.get_by_test_id("unseal-request")
    await expect(request).to_have_count(1)
    await request.get_by_role("button", name="Give my share").click()
    await expect(request.get_by_test_id("unseal-progress")).to_have_text("1 of 2 custodians agreed")

    second_page = custodians[SECOND_REP.email].page
    await second_page.goto(f"{server.url}/appeals/{appeal_id}/sign")
    second_request = second_page.get_by_test_id("unseal-request")
    await second_request.get_by_role("button", name="Give my share").click()
    await expect(second_request.get_by_test_id("unseal-progress")).to_have_text(
        "2 of 2 custodians agreed"
    )

    # The requester opens the names in their browser and saves the CSV there.
    await lead_page.reload()
    await request.get_by_role("button", name="Open the names").click()
    opened = unsealing.get_by_test_id("unsealed")
    await expect(opened.get_by_role("table")).to_contain_text(WITHHELD_NAME)
    async with lead_page.expect_download() as download_info:
        await opened.get_by_role("button", name="Save as CSV").click()
    csv = (await (await download_info.value).path()).read_text()  # type: ignore[union-attr]
    assert WITHHELD_NAME in csv
    assert csv.startswith("name,line,kind,tier,status,mandate")
    # The custodians' section passes the accessibility checks and fits a phone.
    await assert_accessible(lead_page, "the unsealing section")

    # The coordinator invalidates what was signed in the last hour, previewed first.
    cpage = coordinator.page
    await cpage.goto(f"{server.url}/appeals/{appeal_id}?tab=signatures")
    section = cpage.get_by_test_id("invalidation")
    since = (datetime.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    await section.get_by_label("Signed from (optional)").fill(since)
    await section.get_by_role("button", name="Preview").click()
    preview = section.get_by_test_id("invalidation-preview")
    await expect(preview).to_contain_text("Signatures matching this condition: 1.")
    await preview.get_by_label("Reason (recorded in the audit log)").fill(
        "Signed from a device the coalition lost."
    )
    await preview.get_by_role("button", name="Invalidate these signatures (1)").click()
    question = cpage.get_by_role("dialog", name="Invalidate these signatures (1)?")
    await question.get_by_role("button", name="Invalidate", exact=True).click()
    await expect(section.get_by_role("status")).to_have_text("The signatures were invalidated.")
    await expect(cpage.get_by_test_id("count-invalidated")).to_have_text("1")
    await expect(cpage.get_by_test_id("count-total")).to_have_text("0")
    await assert_accessible(cpage, "the invalidation section")
    if SCREENSHOTS:
        await section.screenshot(path=f"{SCREENSHOTS}/signing-invalidation.png")


def _cast(server: LiveServer, ids: dict) -> object:  # type: ignore[type-arg]
    """What create_by_api reads of a cast: the server and the organizations' ids."""

    class View:
        pass

    view = View()
    view.server = server  # type: ignore[attr-defined]
    view.organizations = ids["organizations"]  # type: ignore[attr-defined]
    return view


# --- two officers, then a new text asks for re-consent --------------------------------------


def _key() -> str:
    """A custody public key, as if made in the custodian's browser."""
    return key_text(generate_sealing_keypair()[1])


A_REP = Person(
    "ada.rep@example.org", "Ada Representative", "lead", "representative", custody_key=_key()
)
A_EDITOR = Person("eli.editor@example.org", "Eli Editor", "lead", "member")
B_FIRST = Person(
    "ben.first@example.org", "Ben First-Officer", "second", "representative", custody_key=_key()
)
B_SECOND = Person("bea.second@example.org", "Bea Second-Officer", "second", "representative")
B_MEMBER = Person("bo.member@example.org", "Bo Member", "second", "member")
NEW_PASSAGE = "Release every reporter, and return their seized equipment."


def count(page: Page, label: str) -> Locator:
    """A figure in the Counts section, by its label (the counts a writer sees are exact)."""
    return (
        page.get_by_test_id("signing-counts")
        .locator("dt", has_text=label)
        .locator("xpath=following-sibling::dd[1]")
    )


async def counts_are(page: Page, **figures: str) -> None:
    labels = {
        "total": "Signatures counted",
        "organizations": "Organizations",
        "awaiting": "Awaiting re-consent to a new text",
    }
    for name, value in figures.items():
        await expect(count(page, labels[name])).to_have_text(value)


async def signs_for_the_organization(page: Page, organization: str) -> None:
    """On a signing panel: for the organization, printed under the letter."""
    form = page.get_by_test_id("sign-form")
    await form.get_by_role("radio", name=f"For {organization}").check()
    await expect(form.get_by_label("Name as printed")).to_have_value(organization)
    await form.get_by_role("radio", name=re.compile("^Public")).check()
    await form.get_by_role("checkbox", name=re.compile("^I have read the text")).check()
    await form.get_by_role("button", name="Sign", exact=True).click()
    await expect(page.get_by_test_id("receipt-code")).to_be_visible()
    # The form left to sign as oneself has nothing ticked: that reading was for the other.
    await expect(form.get_by_text("As yourself")).to_be_visible()
    await expect(form.get_by_role("checkbox")).not_to_be_checked()


async def shot(page: Page, name: str) -> None:
    """The whole page, at the desktop width and at a phone's."""
    if not SCREENSHOTS:
        return
    await page.screenshot(path=f"{SCREENSHOTS}/signing-{name}.png", full_page=True)
    before = page.viewport_size
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.screenshot(path=f"{SCREENSHOTS}/signing-{name}-phone.png", full_page=True)
    if before:
        await page.set_viewport_size(before)


async def test_a_second_officer_confirms_and_a_new_text_asks_signers_to_consent_again(
    own_server: OwnServer, browser: Browser
) -> None:
    server = await own_server()
    ids = seed(
        server,
        {"lead": LEAD, "second": SECOND},
        [A_REP, A_EDITOR, B_FIRST, B_SECOND, B_MEMBER, COORDINATOR],
        two_officers=frozenset({"second"}),
    )
    organizations, people = ids["organizations"], ids["people"]

    # Set up over the API (the appeals journey shows these pages): the lead's editor writes
    # the appeal, the second organization co-authors it, both approve, a coordinator opens it.
    editor = await signs_in(browser, server, A_EDITOR)
    epage = editor.page
    appeal_id = await create_by_api(
        epage,
        _cast(server, ids),
        "Free the imprisoned reporters",
        [
            {"id": new_block_id(), "kind": "title", "text": "Free the imprisoned reporters"},
            {"id": new_block_id(), "kind": "ask", "text": "Release every reporter."},
        ],
    )
    base = f"/api/appeals/{appeal_id}"
    await api(epage, server, "POST", f"{base}/co-authors", organization_id=organizations["second"])
    a_rep, b_first = (
        await signs_in(browser, server, A_REP),
        await signs_in(browser, server, B_FIRST),
    )
    apage, bpage = a_rep.page, b_first.page
    await api(
        bpage,
        server,
        "POST",
        f"{base}/co-authors/{organizations['second']}/decision",
        decision="accept",
    )
    await api(epage, server, "POST", f"{base}/transitions", action="submit_for_review")

    async def both_approve() -> None:
        head = (await api(epage, server, "GET", base))["head_sha256"]
        for page, key in ((apage, "lead"), (bpage, "second")):
            await api(
                page,
                server,
                "POST",
                f"{base}/approvals",
                organization_id=organizations[key],
                sha256=head,
            )

    await both_approve()
    coordinator = await signs_in(browser, server, COORDINATOR)
    cpage = coordinator.page
    await api(
        cpage,
        server,
        "POST",
        f"{base}/signing",
        closes_at=(datetime.now(UTC) + timedelta(days=14)).isoformat(),
        tiers=["public", "withheld", "counted"],
        allow_organizations=True,
        allow_members=True,
        allow_public=False,
        custodians=[
            {"user_id": people[A_REP.email], "organization_id": organizations["lead"]},
            {"user_id": people[B_FIRST.email], "organization_id": organizations["second"]},
        ],
        threshold=2,
    )

    # The lead's representative signs for it on the Signatures tab: it counts at once.
    await apage.goto(f"{server.url}/appeals/{appeal_id}?tab=signatures")
    form = apage.get_by_test_id("sign-form")
    await form.get_by_role("radio", name=f"For {LEAD}").check()
    await expect(form).not_to_contain_text("requires two officers")
    await signs_for_the_organization(apage, LEAD)
    mine = apage.get_by_test_id("my-signature")
    await expect(mine.get_by_test_id("signature-status")).to_have_text("counted")
    await counts_are(apage, total="1", organizations="1")

    # The second organization's first officer signs for it: the page says a second must
    # confirm within 7 days, and it does not count yet. They cannot confirm it themselves.
    await bpage.goto(f"{server.url}/appeals/{appeal_id}/sign")
    await heading(bpage, "Free the imprisoned reporters")
    form = bpage.get_by_test_id("sign-form")
    await form.get_by_role("radio", name=f"For {SECOND}").check()
    await expect(form).to_contain_text(
        "Your organization requires two officers: another representative must confirm"
        " within 7 days."
    )
    await signs_for_the_organization(bpage, SECOND)
    pending = bpage.get_by_test_id("my-signature")
    await expect(pending.get_by_test_id("signature-status")).to_have_text(
        "waiting for a second officer"
    )
    await expect(pending).to_contain_text(
        "Another representative of the organization must confirm it within 7 days."
    )
    await expect(pending).to_contain_text("confirm by")
    await expect(pending.get_by_role("button", name="Confirm as second officer")).to_have_count(0)
    await counts_are(bpage, total="1", organizations="1")
    signature_id = (await api(bpage, server, "GET", f"{base}/signing"))["mine"][0]["id"]
    refused = await bpage.request.post(
        f"{server.url}{base}/signatures/{signature_id}/confirm",
        headers=await csrf_headers(bpage, server),
    )
    assert refused.status == 409 and (await refused.json())["code"] == "second_officer_required"
    await settled(bpage, "en")
    await assert_accessible(bpage, "the signing page with a signature awaiting a second officer")
    await shot(bpage, "two-officers-pending")

    # A member of the organization (no officer) sees it waiting, with nothing to do about it.
    b_member = await signs_in(browser, server, B_MEMBER)
    await b_member.page.goto(f"{server.url}/appeals/{appeal_id}/sign")
    theirs = b_member.page.get_by_test_id("my-signature")
    await expect(theirs.get_by_test_id("signature-status")).to_have_text(
        "waiting for a second officer"
    )
    await expect(theirs.get_by_role("button")).to_have_count(0)

    # The second officer sees it waiting and confirms it: two organizations now count.
    b_second = await signs_in(browser, server, B_SECOND)
    spage = b_second.page
    await spage.goto(f"{server.url}/appeals/{appeal_id}/sign")
    waiting = spage.get_by_test_id("my-signature")
    await expect(waiting.get_by_test_id("signature-status")).to_have_text(
        "waiting for a second officer"
    )
    await counts_are(spage, total="1", organizations="1")
    await settled(spage, "en")
    await assert_accessible(spage, "the signing page of the officer asked to confirm")
    await shot(spage, "two-officers-to-confirm")
    await waiting.get_by_role("button", name="Confirm as second officer").click()
    await expect(spage.get_by_role("status").filter(has_text="Confirmed")).to_have_text(
        "Confirmed: the organization's signature now counts."
    )
    await expect(waiting.get_by_test_id("signature-status")).to_have_text("counted")
    await expect(waiting.get_by_role("button", name="Confirm as second officer")).to_have_count(0)
    await counts_are(spage, total="2", organizations="2")
    await bpage.reload()
    await expect(pending.get_by_test_id("signature-status")).to_have_text("counted")
    await counts_are(bpage, total="2", organizations="2")

    # The coordinator moves the appeal back to review, in the page: signing pauses.
    await open_appeal(cpage, server, appeal_id)
    await lifecycle(cpage, "reopen_review")
    await state_is(cpage, "review")
    await apage.reload()
    await expect(apage.get_by_test_id("signing-state")).to_have_text("Signing is not open now.")

    # The editor changes the text; both organizations approve it; the coordinator opens it
    # again, confirmed in the page.
    blocks, etag = await current_text(epage, server, appeal_id)
    blocks[-1]["text"] = NEW_PASSAGE
    saved = await epage.request.put(
        f"{server.url}{base}/text",
        headers={**await csrf_headers(epage, server), "If-Match": etag},
        data={"blocks": blocks, "note": "The equipment too."},
    )
    assert saved.ok, await saved.text()
    await both_approve()
    await cpage.reload()
    await state_is(cpage, "approved")
    await lifecycle(cpage, "open")
    await state_is(cpage, "open")

    # The lead's representative finds their signature waiting for consent to the new text,
    # reads it, and signs it again: it counts; the second organization's still waits.
    await apage.goto(f"{server.url}/appeals/{appeal_id}/sign")
    await expect(apage.locator(".letter")).to_contain_text(NEW_PASSAGE)
    again = apage.get_by_test_id("my-signature")
    await expect(again.get_by_test_id("signature-status")).to_have_text(
        "awaiting your consent to the new text"
    )
    await counts_are(apage, total="0", organizations="0", awaiting="2")
    await settled(apage, "en")
    await assert_accessible(apage, "the signing page asking for re-consent")
    await shot(apage, "reconsent-asked")
    await again.get_by_role("button", name="Sign the new text").click()
    question = apage.get_by_role("dialog", name="Sign the new text?")
    await expect(question).to_contain_text("The text changed after you signed.")
    await shot(apage, "reconsent-dialog")
    await confirm_dialog(apage, "Sign the new text?", "Sign the new text")
    await expect(apage.get_by_role("status").filter(has_text="binds")).to_have_text(
        "Your signature now binds to the new text."
    )
    await expect(again.get_by_test_id("signature-status")).to_have_text("counted")
    await expect(again.get_by_role("button", name="Sign the new text")).to_have_count(0)
    await counts_are(apage, total="1", organizations="1", awaiting="1")
    await shot(apage, "reconsent-given")
    await spage.reload()
    await expect(waiting.get_by_test_id("signature-status")).to_have_text(
        "awaiting your consent to the new text"
    )
    await counts_are(spage, total="1", organizations="1", awaiting="1")

    for tab in (editor, a_rep, b_first, b_second, b_member, coordinator):
        assert tab.console.problems == [], tab.console.problems
        await tab.context.close()
