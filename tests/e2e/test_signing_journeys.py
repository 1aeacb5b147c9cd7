"""Signing, a whole journey in Chromium: custodians make their custody keys in their
browsers, a member signs with the name withheld, and two of the three custodians, each in
their own browser, open the withheld name in the requester's browser (the CSV lists it).

The server only ever sees ciphertexts: the custody keys are X25519 pairs made by WebCrypto,
the shares are opened and sealed again in the custodians' browsers, the names are opened in
the requester's.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from playwright.async_api import Browser, Page, expect

from app.appeals.text.blocks import new_block_id
from tests.e2e.axe import assert_accessible
from tests.e2e.cast import PASSWORD as SEEDED_PASSWORD
from tests.e2e.cast import Person, seed
from tests.e2e.conftest import LiveServer, OwnServer
from tests.e2e.test_appeals_journeys import create_by_api, csrf_headers
from tests.e2e.test_journeys import (  # noqa: F401 - patient_expect is an autouse fixture
    SCREENSHOTS,
    Tab,
    heading,
    open_tab,
    patient_expect,
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
