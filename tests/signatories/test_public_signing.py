"""Public signers over HTTP: the page, the proof of work, the emailed code, receipts,
withdrawal, limits, expiry — and what the server keeps of an email (only sealed, and a
per-appeal keyed hash until signing closes)."""

from __future__ import annotations

import base64
import json
import re
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from app.kit.crypto.proof_of_work import Challenge, solve
from app.models.audit import AuditEvent
from app.models.outbox import OutboxMessage
from app.models.signatories import Signature
from app.signatories.service import expire_unconfirmed
from tests.appeals.conftest import open_for_signing, transition
from tests.signatories.conftest import approved_appeal
from tests.signatories.test_signing import view

EMAIL = "canary.signer@example.org"
NAME = "Hanna Canary-Public"


@pytest.fixture
async def public_appeal(cast) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    appeal = await approved_appeal(cast)
    opened = await open_for_signing(cast, appeal["id"], allow_public=True)
    assert opened.status_code == 201, opened.text
    return opened.json()


async def proof(client: httpx.AsyncClient) -> str:
    made = await client.post("/api/public/challenges")
    assert made.status_code == 201, made.text
    return solve(Challenge(**made.json()))


async def start(
    client: httpx.AsyncClient, appeal: dict[str, Any], *, pow_: str | None = None, **body: Any
) -> httpx.Response:
    payload = {
        "name": NAME,
        "line": "Teacher, Minsk",
        "country": "by",
        "email": EMAIL,
        "tier": "public",
        "revision_sha256": appeal["revision_sha256"],
        "consent": True,
        "language": "en",
        "proof_of_work": pow_ if pow_ is not None else await proof(client),
        **body,
    }
    return await client.post(f"/api/public/appeals/{appeal['appeal_id']}/signatures", json=payload)


async def mails(session, kind: str, to: str = EMAIL) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    rows = (
        await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind == kind)
            .order_by(OutboxMessage.created_at, OutboxMessage.id)
            .execution_options(populate_existing=True)
        )
    ).all()
    return [m for m in rows if m.recipient == to]


def code_in(message: OutboxMessage) -> str:
    found = re.search(r"\n\n(\d{6})\n\n", message.body)
    assert found, "the email carries no code"
    return found.group(1)


async def confirm(
    client: httpx.AsyncClient, appeal: dict[str, Any], code: str, email: str = EMAIL
) -> httpx.Response:
    return await client.post(
        f"/api/public/appeals/{appeal['appeal_id']}/signatures/confirm",
        json={"email": email, "code": code},
    )


async def signed_up(client, session, appeal: dict[str, Any], **body: Any) -> str:  # type: ignore[no-untyped-def]
    """Start and confirm; the receipt code."""
    started = await start(client, appeal, **body)
    assert started.status_code == 202, started.text
    email = body.get("email", EMAIL)
    code = code_in((await mails(session, "signing_code", email))[-1])
    confirmed = await confirm(client, appeal, code, email)
    assert confirmed.status_code == 201, confirmed.text
    return str(confirmed.json()["receipt_code"])


async def rows(session, appeal: dict[str, Any]) -> list[Signature]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return list(
        (
            await session.scalars(
                select(Signature).where(Signature.appeal_id == uuid.UUID(appeal["appeal_id"]))
            )
        ).all()
    )


async def test_the_page_shows_the_frozen_text_and_only_where_the_public_may_sign(  # type: ignore[no-untyped-def]
    cast, client, public_appeal, signing
) -> None:
    page = await client.get(f"/api/public/appeals/{public_appeal['appeal_id']}")
    assert page.status_code == 200, page.text
    body = page.json()
    assert body["open"] is True
    assert body["revision_sha256"] == public_appeal["revision_sha256"]
    assert body["blocks"] == public_appeal["blocks"]
    assert body["tiers"] == ["public", "withheld", "counted"]
    assert body["counts"]["total"] is None  # fewer than 10
    # An appeal that did not opt in answers as if it did not exist.
    assert (await client.get(f"/api/public/appeals/{signing['appeal_id']}")).status_code == 404
    assert (await client.get(f"/api/public/appeals/{uuid.uuid4()}")).status_code == 404
    refused = await start(client, signing)
    assert refused.status_code == 404


async def test_a_code_from_the_email_makes_it_count_and_the_email_stays_sealed(  # type: ignore[no-untyped-def]
    cast, client, session, public_appeal
) -> None:
    started = await start(client, public_appeal)
    assert started.status_code == 202 and started.json() == {"status": "code_sent"}
    [row] = await rows(session, public_appeal)
    assert (row.kind, row.status) == ("public", "unconfirmed")
    sent = await mails(session, "signing_code")
    assert len(sent) == 1 and sent[0].delete_when_sent
    code = code_in(sent[0])
    # Not counted before the code.
    assert (await view(cast["a_rep"], public_appeal))["counts"]["total"] == 0

    confirmed = await confirm(client, public_appeal, code)
    assert confirmed.status_code == 201, confirmed.text
    receipt = confirmed.json()
    assert receipt["status"] == "counted" and receipt["tier"] == "public"
    assert receipt["revision_sha256"] == public_appeal["revision_sha256"]
    checked = await client.post(
        "/api/signature-receipts/check", json={"code": receipt["receipt_code"].lower()}
    )
    assert checked.json() == {"status": "counted", "revision_sha256": receipt["revision_sha256"]}
    counts = (await view(cast["a_rep"], public_appeal))["counts"]
    assert (counts["total"], counts["people"]) == (1, 1)
    printed = await cast["a_rep"].get(f"/api/appeals/{public_appeal['appeal_id']}/signatures")
    assert [i["name"] for i in printed.json()["items"]] == [NAME]

    # The email is nowhere in the row in the clear, nor its local part.
    [row] = await rows(session, public_appeal)
    stored = b"".join(
        v if isinstance(v, bytes) else str(v).encode()
        for v in (getattr(row, c.key) for c in Signature.__table__.columns)
        if v is not None
    )
    assert EMAIL.encode() not in stored and b"canary.signer" not in stored
    assert row.code_mac is None and row.receipt_mac is not None
    # The same code cannot confirm twice.
    again = await confirm(client, public_appeal, code)
    assert again.status_code == 422 and again.json()["code"] == "code_invalid"


async def test_the_page_never_says_whether_an_email_already_signed(  # type: ignore[no-untyped-def]
    client, session, public_appeal
) -> None:
    await signed_up(client, session, public_appeal)
    second = await start(client, public_appeal, name="Someone Else", tier="counted")
    assert second.status_code == 202 and second.json() == {"status": "code_sent"}
    # The email says it; the signature is unchanged.
    assert len(await mails(session, "signing_already")) == 1
    [row] = await rows(session, public_appeal)
    assert (row.status, row.tier, row.public_name) == ("counted", "public", NAME)


async def test_a_second_submission_before_confirming_replaces_the_first(  # type: ignore[no-untyped-def]
    client, session, public_appeal
) -> None:
    # Someone typed the address first, with a name of their own: the owner's submission
    # replaces it, and only the owner's code works.
    assert (await start(client, public_appeal, name="Squatter")).status_code == 202
    assert (await start(client, public_appeal, tier="withheld")).status_code == 202
    first, second = [code_in(m) for m in await mails(session, "signing_code")]
    assert len(await rows(session, public_appeal)) == 1
    stale = await confirm(client, public_appeal, first)
    assert stale.status_code == 422
    assert (await confirm(client, public_appeal, second)).status_code == 201
    [row] = await rows(session, public_appeal)
    assert (row.tier, row.public_name) == ("withheld", None)


async def test_proof_of_work_is_required_and_spent_once(client, public_appeal) -> None:  # type: ignore[no-untyped-def]
    solved = await proof(client)
    assert (await start(client, public_appeal, pow_=solved)).status_code == 202
    reused = await start(client, public_appeal, pow_=solved, email="other@example.org")
    assert reused.status_code == 422 and reused.json()["code"] == "proof_of_work_invalid"
    for junk in ("x", "eyJ9", "bm90IGpzb24="):
        refused = await start(client, public_appeal, pow_=junk, email="other@example.org")
        assert refused.status_code == 422, refused.text
    made = (await client.post("/api/public/challenges")).json()
    unsolved = Challenge(**made)
    tampered = json.loads(base64.b64decode(solve(unsolved)))
    tampered["signature"] = "0" * 64
    wrong = base64.b64encode(json.dumps(tampered).encode()).decode()
    refused = await start(client, public_appeal, pow_=wrong, email="other@example.org")
    assert refused.json()["code"] == "proof_of_work_invalid"


async def test_an_expired_challenge_is_refused(client, clock, public_appeal) -> None:  # type: ignore[no-untyped-def]
    solved = await proof(client)
    clock.advance(timedelta(minutes=11))
    refused = await start(client, public_appeal, pow_=solved)
    assert refused.status_code == 422 and refused.json()["code"] == "proof_of_work_invalid"


async def test_wrong_codes_use_up_the_code(client, session, public_appeal, settings) -> None:  # type: ignore[no-untyped-def]
    await start(client, public_appeal)
    code = code_in((await mails(session, "signing_code"))[0])
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(settings.throttle.public_code_attempts):
        refused = await confirm(client, public_appeal, wrong)
        assert refused.status_code == 422
    # The right code now comes too late: ask for a new one.
    assert (await confirm(client, public_appeal, code)).status_code == 422
    assert (await start(client, public_appeal)).status_code == 202
    fresh = code_in((await mails(session, "signing_code"))[-1])
    assert (await confirm(client, public_appeal, fresh)).status_code == 201


async def test_each_email_and_address_has_a_budget(client, public_appeal, settings) -> None:  # type: ignore[no-untyped-def]
    for _ in range(settings.throttle.public_signings_per_email):
        assert (await start(client, public_appeal)).status_code == 202
    refused = await start(client, public_appeal)
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    # Another address of the same person is another budget.
    assert (await start(client, public_appeal, email="second@example.org")).status_code == 202


async def test_bad_input_is_refused_with_a_problem(client, public_appeal) -> None:  # type: ignore[no-untyped-def]
    for bad in (
        {"country": "XX"},
        {"email": "a@x.org,evil@evil.org"},
        {"consent": False},
        {"tier": "secret"},
        {"name": ""},
        {"language": "de"},
    ):
        refused = await start(client, public_appeal, **bad)
        assert refused.status_code == 422, (bad, refused.text)
        assert refused.headers["content-type"].startswith("application/problem+json")
    changed = await start(client, public_appeal, revision_sha256="0" * 64)
    assert changed.status_code == 409 and changed.json()["code"] == "text_changed"


async def test_withdrawal_needs_the_receipt_and_a_code_sent_to_the_same_email(  # type: ignore[no-untyped-def]
    cast, client, session, public_appeal
) -> None:
    receipt = await signed_up(client, session, public_appeal)
    url = f"/api/public/appeals/{public_appeal['appeal_id']}/withdrawals"
    # The wrong email: the same answer, and no email to anyone.
    wrong = await client.post(url, json={"receipt_code": receipt, "email": "x@example.org"})
    assert wrong.status_code == 202 and wrong.json() == {"status": "code_sent"}
    assert await mails(session, "signing_withdraw_code", "x@example.org") == []
    typed = "Canary.Signer@EXAMPLE.org"
    asked = await client.post(url, json={"receipt_code": receipt, "email": typed})
    assert asked.status_code == 202
    # Sent to the address as typed again (the match ignores case).
    code = code_in((await mails(session, "signing_withdraw_code", "Canary.Signer@example.org"))[0])
    bad = await client.post(f"{url}/confirm", json={"receipt_code": receipt, "code": "000000"})
    assert bad.status_code == 422 or code == "000000"
    done = await client.post(f"{url}/confirm", json={"receipt_code": receipt, "code": code})
    assert done.status_code == 200, done.text
    assert await rows(session, public_appeal) == []
    assert (await view(cast["a_rep"], public_appeal))["counts"]["total"] == 0
    events = (
        await session.scalars(select(AuditEvent).where(AuditEvent.action == "signature.withdrawn"))
    ).all()
    assert len(events) == 1 and events[0].actor_id is None
    checked = await client.post("/api/signature-receipts/check", json={"code": receipt})
    assert checked.status_code == 404


async def test_unconfirmed_signatures_expire_uncounted(
    client, session, clock, public_appeal
) -> None:  # type: ignore[no-untyped-def]
    await start(client, public_appeal)
    assert await expire_unconfirmed(session, now=clock.now() + timedelta(hours=23)) == 0
    assert await expire_unconfirmed(session, now=clock.now() + timedelta(hours=24)) == 1
    assert await rows(session, public_appeal) == []


async def test_closing_erases_every_public_signers_email_index(  # type: ignore[no-untyped-def]
    cast, client, session, public_appeal
) -> None:
    await signed_up(client, session, public_appeal)
    await start(client, public_appeal, email="late@example.org")
    closed = await transition(cast, "coordinator", public_appeal["appeal_id"], "close")
    assert closed.status_code == 200, closed.text
    [row] = await rows(session, public_appeal)
    assert row.status == "counted" and row.dedupe_index is None and row.code_mac is None
    page = (await client.get(f"/api/public/appeals/{public_appeal['appeal_id']}")).json()
    assert page["open"] is False
    refused = await start(client, public_appeal, email="later@example.org")
    assert refused.status_code == 409 and refused.json()["code"] == "signing_closed"


async def test_asking_for_codes_to_sign_does_not_use_up_withdrawal(  # type: ignore[no-untyped-def]
    client, session, public_appeal, settings
) -> None:
    receipt = await signed_up(client, session, public_appeal)
    for _ in range(settings.throttle.public_signings_per_email - 1):
        assert (await start(client, public_appeal)).status_code == 202
    assert (await start(client, public_appeal)).status_code == 429
    asked = await client.post(
        f"/api/public/appeals/{public_appeal['appeal_id']}/withdrawals",
        json={"receipt_code": receipt, "email": EMAIL},
    )
    assert asked.status_code == 202


async def test_a_public_signer_signs_a_reopened_text_with_receipt_and_code(  # type: ignore[no-untyped-def]
    cast, client, session, public_appeal
) -> None:
    from tests.appeals.conftest import approve_all, read_text, save

    receipt = await signed_up(client, session, public_appeal)
    appeal_id = public_appeal["appeal_id"]
    url = f"/api/public/appeals/{appeal_id}/reconsents"
    # Nothing to re-consent yet: the same answer, no email.
    assert (
        await client.post(url, json={"receipt_code": receipt, "email": EMAIL})
    ).status_code == 202
    assert await mails(session, "signing_reconsent_code") == []

    assert (await transition(cast, "coordinator", appeal_id, "reopen_review")).status_code == 200
    etag, blocks = await read_text(cast["a_member"], appeal_id)
    blocks[2]["text"] = "A passage corrected after the public signed."
    assert (await save(cast["a_member"], appeal_id, etag, blocks)).status_code == 200
    await approve_all(cast, appeal_id)
    assert (await transition(cast, "coordinator", appeal_id, "open")).status_code == 200
    page = (await client.get(f"/api/public/appeals/{appeal_id}")).json()
    assert page["revision_sha256"] != public_appeal["revision_sha256"]
    checked = await client.post("/api/signature-receipts/check", json={"code": receipt})
    assert checked.json()["status"] == "awaiting_reconsent"

    asked = await client.post(url, json={"receipt_code": receipt, "email": EMAIL})
    assert asked.status_code == 202
    code = code_in((await mails(session, "signing_reconsent_code"))[0])
    stale = await client.post(
        f"{url}/confirm",
        json={
            "receipt_code": receipt,
            "code": code,
            "revision_sha256": public_appeal["revision_sha256"],
        },
    )
    assert stale.status_code == 409 and stale.json()["code"] == "text_changed"
    done = await client.post(
        f"{url}/confirm",
        json={"receipt_code": receipt, "code": code, "revision_sha256": page["revision_sha256"]},
    )
    assert done.status_code == 200, done.text
    assert done.json() == {"status": "counted", "revision_sha256": page["revision_sha256"]}
    counts = (await view(cast["a_rep"], public_appeal))["counts"]
    assert (counts["total"], counts["awaiting_reconsent"]) == (1, 0)
    again = await client.post(
        f"{url}/confirm",
        json={"receipt_code": receipt, "code": code, "revision_sha256": page["revision_sha256"]},
    )
    assert again.status_code == 422


async def test_receipt_checks_from_one_address_are_limited(client, settings) -> None:  # type: ignore[no-untyped-def]
    """A receipt cannot be guessed, but each check is a read anyone may ask for: an address
    gets its budget, then 429 with Retry-After (not a 404 that invites more)."""
    unknown = {"code": "ABCD-EFGH-JKMN-PQRS-TVWX"}
    for _ in range(settings.throttle.receipt_checks_per_address):
        checked = await client.post("/api/signature-receipts/check", json=unknown)
        assert checked.status_code in (404, 422), checked.text
    refused = await client.post("/api/signature-receipts/check", json=unknown)
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert refused.json()["code"] == "too_many_attempts"
