"""A letter emailed from Accord: the outbox worker sends it through a real SMTP server
(aiosmtpd) with the letter's PDF attached, and the dispatch shows how delivery went."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.kit.clock import ManualClock
from app.models.outreach import Recipient
from app.notifications.worker import deliver_due
from tests.appeals.conftest import Cast
from tests.notifications.conftest import SmtpServer, smtp_server, smtp_settings
from tests.outreach.dispatches.conftest import dispatch_body
from tests.support.pdf import pdf_text

__all__ = ["smtp_server"]


async def _send(cast: Cast, signing: dict[str, Any], recipient: Recipient) -> dict[str, Any]:
    made = await cast["coordinator"].post(
        f"/api/appeals/{signing['appeal_id']}/dispatches",
        json=dispatch_body(recipient.id, cast, channel="email", send=True),
    )
    assert made.status_code == 201, made.text
    assert made.json()["delivery"] == "queued"
    return made.json()


async def test_the_emailed_letter_carries_its_pdf_and_shows_as_sent(  # type: ignore[no-untyped-def]
    cast: Cast,
    signing: dict[str, Any],
    recipient: Recipient,
    sessionmaker: async_sessionmaker[AsyncSession],
    database_url: str,
    smtp_server: SmtpServer,
    tmp_path: Path,
) -> None:
    made = await _send(cast, signing, recipient)
    settings = smtp_settings(database_url, tmp_path, smtp_server.port)
    # The cast's own account emails go out in the same pass.
    assert await deliver_due(sessionmaker, settings, ManualClock(cast.now)) >= 1

    [received] = [r for r in smtp_server.received if r.rcpt_tos == ["pm@example.dk"]]
    message = received.message
    assert "1. Call for the release of every imprisoned reporter." in (
        message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    )
    [attached] = list(message.iter_attachments())  # type: ignore[attr-defined]
    assert attached.get_content_type() == "application/pdf"
    filename = attached.get_filename()
    assert re.fullmatch(r"letter-\d{4}-\d{2}-\d{2}-[a-z0-9-]+\.pdf", filename), filename
    pdf = attached.get_content()
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf, tmp_path, "-layout")
    assert "The Honourable Prime Minister" in text
    assert "Denmark — Prime Minister" in text
    assert signing["revision_sha256"] in text.replace(" ", "").replace("\n", "")

    read = await cast["coordinator"].get(f"/api/dispatches/{made['id']}")
    assert read.status_code == 200
    assert read.json()["delivery"] == "sent"
    listed = await cast["coordinator"].get(f"/api/appeals/{signing['appeal_id']}/dispatches")
    assert [d["delivery"] for d in listed.json()["items"]] == ["sent"]
    overview = await cast["coordinator"].get(f"/api/appeals/{signing['appeal_id']}/outreach")
    [row] = overview.json()["recipients"]
    assert row["last_dispatch"]["delivery"] == "sent"


async def test_a_letter_the_relay_never_takes_shows_as_failed(  # type: ignore[no-untyped-def]
    cast: Cast,
    signing: dict[str, Any],
    recipient: Recipient,
    sessionmaker: async_sessionmaker[AsyncSession],
    database_url: str,
    smtp_server: SmtpServer,
    tmp_path: Path,
) -> None:
    made = await _send(cast, signing, recipient)
    smtp_server.handler.refuse_next = 100
    settings = smtp_settings(database_url, tmp_path, smtp_server.port, max_attempts=1)
    assert await deliver_due(sessionmaker, settings, ManualClock(cast.now)) == 0
    assert smtp_server.received == []
    read = await cast["coordinator"].get(f"/api/dispatches/{made['id']}")
    assert read.json()["delivery"] == "failed"
