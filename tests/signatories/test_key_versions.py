"""Signing across a key rotation and a retirement (app/key_lifecycle.py).

A signer index is a keyed hash under one key version. If a rotation changed the version
mid-signing, a person's second signature would hash differently and slip past the unique
index: a window pins its version when it opens. Retiring that version waits for signing to
close (``keys status`` says until when); ``--force`` erases the indexes and forgets the
receipts, and says so.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select, update

from app.key_lifecycle import describe, end_uses, version_report
from app.keys import KeyMaterial, current_keys, install_keys
from app.kit.clock import as_utc
from app.models.memberships import Organization
from app.models.signatories import Signature, SigningWindow
from tests.signatories.test_signing import sign, view


def rotate() -> int:
    """What `accord keys rotate` leaves every server with: a new current version, the old
    ones kept for what they still protect. Returns the version the window was opened under."""
    before = current_keys()
    install_keys(KeyMaterial(before.keyring.with_new_version(), before.audit_signing_key, None))
    return before.keyring.current_version


async def receipt_checks(cast: Any, code: str) -> bool:
    response = await cast["c_member"].post("/api/signature-receipts/check", json={"code": code})
    assert response.status_code in (200, 404), response.text
    return response.status_code == 200


async def test_after_a_rotation_a_person_still_signs_only_once(cast, signing) -> None:  # type: ignore[no-untyped-def]
    first = await sign(cast["a_member"], signing)
    assert first.status_code == 201, first.text
    rotate()

    again = await sign(cast["a_member"], signing, tier="withheld")
    assert again.status_code == 409 and again.json()["code"] == "already_signed"
    assert [m["status"] for m in (await view(cast["a_member"], signing))["mine"]] == ["counted"]
    assert await receipt_checks(cast, first.json()["receipt_code"])
    # Someone signing for the first time after the rotation is recognised the same way.
    assert (await sign(cast["b_member"], signing)).status_code == 201
    assert (await sign(cast["b_member"], signing)).json()["code"] == "already_signed"


async def test_retiring_the_version_waits_for_signing_to_close_or_erases_by_force(  # type: ignore[no-untyped-def]
    cast, signing, session, settings, clock
) -> None:
    await session.execute(
        update(Organization)
        .where(Organization.id == cast.org_c.id)
        .values(signing_two_officers=True)
    )
    await session.commit()
    member = await sign(cast["a_member"], signing)
    pending = await sign(
        cast["c_rep"], signing, kind="organization", organization_id=str(cast.org_c.id)
    )
    assert member.status_code == pending.status_code == 201
    assert pending.json()["signature"]["status"] == "pending_second_officer"
    opened_under = rotate()

    report = await version_report(session, opened_under, now=clock.now(), settings=settings)
    window = await session.scalar(
        select(SigningWindow).where(SigningWindow.appeal_id == uuid.UUID(signing["appeal_id"]))
    )
    assert window is not None
    uses = {use.holder.short: use for use in report.uses}
    assert uses["signer indexes"].count == 2
    assert uses["signer indexes"].ends_by == as_utc(window.closes_at)
    assert uses["signature receipts"].count == 2
    said = "\n".join(describe(report))
    assert "2 signer indexes of appeals open for signatures" in said
    assert "2 signature receipts: they never expire" in said

    # What `keys retire --force` does to them (after `keys rotate` re-encrypted the rest).
    ended = await end_uses(session, report, now=clock.now(), settings=settings)
    assert ended["signatures"] == 4  # two rows' indexes, two rows' receipts
    session.expire_all()
    rows = (
        await session.scalars(
            select(Signature).where(Signature.appeal_id == uuid.UUID(signing["appeal_id"]))
        )
    ).all()
    assert [(r.dedupe_index, r.signer_index, r.receipt_mac) for r in rows] == [
        (None, None, None)
    ] * 2
    assert sorted(r.status for r in rows) == ["counted", "lapsed"]
    assert not await receipt_checks(cast, member.json()["receipt_code"])
    # Nothing of it is live any more.
    after = await version_report(session, opened_under, now=clock.now(), settings=settings)
    assert {use.holder.short for use in after.uses} & {
        "signer indexes",
        "signature receipts",
    } == set()
