"""A dispatch records the text each recipient's letter is made from: with no language
asked for, the recipient's own when an approved translation of the frozen text exists (the
rule the letters follow), and the emailed letter is that one."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.kit.clock import ManualClock
from app.notifications.worker import deliver_due
from tests.appeals.conftest import Cast
from tests.notifications.conftest import SmtpServer, smtp_server, smtp_settings
from tests.outreach.letters.conftest import LetterWorld, world
from tests.support.pdf import pdf_text

__all__ = ["smtp_server", "world"]


async def test_a_batch_records_each_recipients_letter_language(
    cast: Cast, world: LetterWorld
) -> None:
    ids = [str(world.recipients[key].id) for key in ("dk", "lt", "fr")]
    body = {
        "recipient_ids": ids,
        "channel": "post",
        "sent_on": cast.now.date().isoformat(),
    }
    url = f"/api/appeals/{world.appeal_id}/dispatches/batch"
    headers = {"Idempotency-Key": "language-batch-0001"}
    made = await cast["coordinator"].post(url, json=body, headers=headers)
    assert made.status_code == 201, made.text
    by_recipient = {d["recipient"]["id"]: d for d in made.json()["items"]}
    dk, lt, fr = (by_recipient[i] for i in ids)
    assert (dk["language"], dk["translation_revision_id"]) == ("en", None)
    # An approved Belarusian translation of exactly the frozen text: the letter is in it.
    assert lt["language"] == "be" and lt["translation_revision_id"] is not None
    # No French translation: the appeal's own text.
    assert (fr["language"], fr["translation_revision_id"]) == ("en", None)
    # The letters index says the same for each.
    letters = await cast["coordinator"].get(f"/api/appeals/{world.appeal_id}/letters")
    index = {r["recipient_id"]: r["language"] for r in letters.json()["recipients"]}
    assert [index[i] for i in ids] == ["en", "be", "en"]

    # A retry of the same request records nothing new.
    again = await cast["coordinator"].post(url, json=body, headers=headers)
    assert again.status_code == 200, again.text
    assert sorted(d["id"] for d in again.json()["items"]) == sorted(
        d["id"] for d in made.json()["items"]
    )

    # Asking for a language sends that text to everyone.
    asked = await cast["coordinator"].post(
        url, json={**body, "channel": "embassy", "language": "en"}
    )
    assert asked.status_code == 201, asked.text
    assert {d["language"] for d in asked.json()["items"]} == {"en"}


async def test_the_emailed_letter_is_in_the_recipients_language(  # type: ignore[no-untyped-def]
    cast: Cast,
    world: LetterWorld,
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    database_url: str,
    smtp_server: SmtpServer,
    tmp_path: Path,
) -> None:
    lt = world.recipients["lt"]
    lt.email = "mfa@lt.example"
    session.add(lt)
    await session.commit()
    made = await cast["coordinator"].post(
        f"/api/appeals/{world.appeal_id}/dispatches",
        json={
            "recipient_id": str(lt.id),
            "channel": "email",
            "sent_on": cast.now.date().isoformat(),
            "send": True,
        },
    )
    assert made.status_code == 201, made.text
    assert made.json()["language"] == "be"
    settings = smtp_settings(database_url, tmp_path, smtp_server.port)
    assert await deliver_due(sessionmaker, settings, ManualClock(cast.now)) >= 1
    [received] = [r for r in smtp_server.received if r.rcpt_tos == ["mfa@lt.example"]]
    body = received.message.get_body(preferencelist=("plain",))
    assert body is not None
    assert "1. Патрабаваць вызвалення" in body.get_content()
    [attached] = list(received.message.iter_attachments())
    text = pdf_text(attached.get_content(), tmp_path, "-layout")
    assert "Адчыніце турмы для журналістаў Беларусі" in text
    assert "Спадару Міністру" in text
