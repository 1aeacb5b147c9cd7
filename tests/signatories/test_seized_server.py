"""A seized server: whoever holds everything the server holds — its keyring (and with it every
internal column), its database, its logs, its mail — cannot recover a withheld signer's name,
and once signing has closed cannot even test a known person against what is stored.

The database is read in full, row by row (what a dump holds; tests/security's canary scan
also searches a raw SQLite file and a pg_dump for every column kind), every encrypted column
is decrypted with the server's own keys, every 32-byte value stored anywhere is tried as the
key that would open a sealed identity, and every log record of the flow is searched.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.keys import current_keyring
from app.kit.crypto import DecryptionError, open_sealed
from app.models import Base
from app.models.base import Encrypted
from app.models.outbox import OutboxMessage
from app.models.signatories import Signature, SigningWindow
from app.notifications.worker import deliver_all_due
from app.signatories.public import email_value
from app.signatories.service import IDENTITY_INFO, dedupe_value, identity_aad, officer_value
from tests.appeals.conftest import open_for_signing, transition
from tests.notifications.conftest import smtp_server, smtp_settings
from tests.signatories.conftest import approved_appeal
from tests.signatories.test_public_signing import signed_up
from tests.signatories.test_signing import sign
from tests.support.canaries import encodings

__all__ = ["smtp_server"]

CANARY_NAME = "Withheldcanary Nameqx7"
CANARY_LINE = "Linecanary of a hunted person zq9"


async def _stored(session: AsyncSession) -> list[tuple[str, str, Any]]:
    """Every value of every row of every table: (table, column, value)."""
    found = []
    for table in Base.metadata.sorted_tables:
        for row in (await session.execute(select(table))).all():
            for column, value in zip(table.columns, row, strict=True):
                found.append((table.name, column.name, value))
    return found


def _decrypted(session: AsyncSession) -> Iterator[tuple[str, str]]:
    """Every encrypted attribute of every loaded object, read with the server's keys."""
    for obj in list(session.identity_map.values()):
        for name, attribute in vars(type(obj)).items():
            if isinstance(attribute, Encrypted):
                value = getattr(obj, name)
                if value:
                    yield f"{type(obj).__tablename__}.{name}", value


def _contains(value: Any, needles: list[bytes]) -> bool:
    if isinstance(value, str):
        value = value.encode()
    if not isinstance(value, (bytes, bytearray, memoryview)):
        value = str(value).encode()
    data = bytes(value)
    return any(needle in data or needle.hex().encode() in data for needle in needles)


async def test_nothing_the_server_holds_gives_a_withheld_name_or_ties_a_person_to_it(  # type: ignore[no-untyped-def]
    cast, signing, session, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    signed = await sign(
        cast["c_member"], signing, tier="withheld", name=CANARY_NAME, line=CANARY_LINE
    )
    assert signed.status_code == 201, signed.text
    assert (
        await sign(cast["b_member"], signing, tier="counted", name="Also Counted")
    ).status_code == 201
    appeal_id = uuid.UUID(signing["appeal_id"])
    needles = [n for canary in (CANARY_NAME, CANARY_LINE) for n in encodings(canary)]

    # The database, row by row, and every encrypted value opened with the server's keys.
    session.expire_all()
    stored = await _stored(session)
    assert [(t, c) for t, c, v in stored if _contains(v, needles)] == []
    for model in Base.registry.mappers:
        await session.execute(select(model.class_))
    assert [place for place, text in _decrypted(session) if _contains(text, needles)] == []

    # No key the server holds opens the sealed identity.
    withheld = (
        await session.scalars(
            select(Signature).where(Signature.appeal_id == appeal_id, Signature.tier == "withheld")
        )
    ).one()
    candidates = {bytes(v) for _, _, v in stored if isinstance(v, bytes) and len(v) == 32}
    candidates |= {
        bytes(text.encode()[:32]) for _, text in _decrypted(session) if len(text.encode()) >= 32
    }
    assert candidates, "the scan found no 32-byte values at all: it would prove nothing"
    for candidate in candidates:
        try:
            open_sealed(
                candidate,
                withheld.sealed_identity or b"",
                info=IDENTITY_INFO,
                aad=identity_aad(appeal_id, withheld.id),
            )
        except DecryptionError:
            continue
        raise AssertionError("a value stored on the server opens a sealed identity")

    # The logs of the whole flow.
    leaked = [
        record.getMessage()
        for record in caplog.records
        if _contains(record.getMessage(), needles) or _contains(repr(record.__dict__), needles)
    ]
    assert leaked == []

    # Signing closes: afterwards the known person's keyed values match nothing stored.
    assert (await transition(cast, "coordinator", signing["appeal_id"], "close")).status_code == 200
    keyring = current_keyring()
    person = cast.people["c_member"].id
    session.expire_all()
    window = await session.scalar(select(SigningWindow).where(SigningWindow.appeal_id == appeal_id))
    assert window is not None
    tests = [
        dedupe_value(keyring, window, "member", person),
        officer_value(keyring, window, person),
    ]
    after = await _stored(session)
    assert [(t, c) for t, c, v in after if _contains(v, tests)] == []
    # Nor does when they signed: random ids, and every sealed signature's times are the
    # moment signing ended.
    sealed = (
        await session.scalars(
            select(Signature).where(
                Signature.appeal_id == appeal_id, Signature.tier.in_(("withheld", "counted"))
            )
        )
    ).all()
    assert len(sealed) == 2
    assert {s.id.version for s in sealed} == {4}
    assert len({(s.created_at, s.counted_at) for s in sealed}) == 1
    assert window.ended_at is not None
    assert sealed[0].created_at == window.ended_at == sealed[0].counted_at
    # The signature itself still counts.
    counts = (await cast["a_rep"].get(f"/api/appeals/{appeal_id}/signing")).json()["counts"]
    assert counts["total"] == 2


CANARY_EMAIL = "emailcanary.hunted.zq4@example.org"


async def test_a_public_signers_email_is_only_sealed_and_gone_once_signing_closes(  # type: ignore[no-untyped-def]
    cast, client, session, sessionmaker, settings, clock, caplog, smtp_server, tmp_path
) -> None:
    caplog.set_level(logging.DEBUG)
    appeal = await approved_appeal(cast)
    opened = await open_for_signing(cast, appeal["id"], allow_public=True)
    assert opened.status_code == 201, opened.text
    signing = opened.json()
    await signed_up(client, session, signing, email=CANARY_EMAIL, name=CANARY_NAME, tier="withheld")
    # The code's email goes out through a real SMTP relay, as in production; then the
    # outbox forgets it, and no mail file is left on the server.
    relayed = smtp_settings(settings.database.url, tmp_path, smtp_server.port)
    assert await deliver_all_due(sessionmaker, relayed, clock) >= 1
    assert any(CANARY_EMAIL in r.rcpt_tos for r in smtp_server.received)
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert [p for p in files if _contains(p.read_bytes(), [CANARY_EMAIL.encode()])] == []
    session.expire_all()
    left = await session.scalars(
        select(OutboxMessage.kind).where(OutboxMessage.kind.like("signing_%"))
    )
    assert left.all() == []
    needles = [
        n for canary in (CANARY_EMAIL, CANARY_NAME, "emailcanary.hunted") for n in encodings(canary)
    ]
    session.expire_all()
    stored = await _stored(session)
    assert [(t, c) for t, c, v in stored if _contains(v, needles)] == []
    for model in Base.registry.mappers:
        await session.execute(select(model.class_))
    assert [place for place, text in _decrypted(session) if _contains(text, needles)] == []
    # (The test's SMTP relay, aiosmtpd, logs under "mail.log": it is not the server.)
    leaked = [
        r.getMessage()
        for r in caplog.records
        if not r.name.startswith("mail.log") and _contains(repr(r.__dict__), needles)
    ]
    assert leaked == []

    # While signing is open the keyed hash of the email is there (the threat model says so);
    # once it closes, testing the known email against everything stored finds nothing.
    appeal_id = uuid.UUID(signing["appeal_id"])
    window = await session.scalar(select(SigningWindow).where(SigningWindow.appeal_id == appeal_id))
    assert window is not None
    tested = [email_value(current_keyring(), window, CANARY_EMAIL)]
    assert [c for _, c, v in stored if _contains(v, tested)] == ["dedupe_index"]
    assert (await transition(cast, "coordinator", signing["appeal_id"], "close")).status_code == 200
    session.expire_all()
    assert [(t, c) for t, c, v in await _stored(session) if _contains(v, tested)] == []
