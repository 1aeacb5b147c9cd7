"""Queue email in the caller's transaction (the outbox); a worker sends it after commit.

If the transaction rolls back, the message never existed; if sending fails, the worker
retries. Nothing is sent for a change that did not happen.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models.outbox import OutboxMessage
from app.notifications.smtp import Attachment
from app.notifications.templates import render

# A message's state as its sender may see it: pending (or being sent), sent or failed.
OUTBOX_STATES = {"pending": "pending", "sending": "pending", "sent": "sent", "failed": "failed"}


async def enqueue_email(
    session: AsyncSession,
    *,
    kind: str,
    to: str,
    language: str,
    now: datetime,
    delete_when_sent: bool = False,
    attachment: Attachment | None = None,
    **values: str,
) -> OutboxMessage:
    """Queue a message; ``delete_when_sent`` for one whose recipient must not outlive its
    delivery (the worker deletes it instead of keeping it as sent). ``attachment`` is
    stored encrypted with the message and sent with it."""
    rendered = render(kind, language, **values)
    message = OutboxMessage(
        kind=kind,
        status="pending",
        attempts=0,
        next_attempt_at=now,
        delete_when_sent=delete_when_sent,
    )
    message.recipient = to
    message.subject = rendered.subject
    message.body = rendered.body
    if attachment is not None:
        message.attachment_name = attachment.filename
        message.attachment_type = attachment.media_type
        message.attachment = attachment.data
    session.add(message)
    await session.flush()
    return message


async def outbox_states(
    session: AsyncSession, message_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """How queued messages fared, by id: "pending", "sent" or "failed" (OUTBOX_STATES). A
    message no longer in the outbox is left out."""
    ids = list(dict.fromkeys(message_ids))
    found: dict[uuid.UUID, str] = {}
    for start in range(0, len(ids), 500):
        rows = await session.execute(
            select(OutboxMessage.id, OutboxMessage.status).where(
                OutboxMessage.id.in_(ids[start : start + 500])
            )
        )
        found.update({row_id: OUTBOX_STATES.get(status, "pending") for row_id, status in rows})
    return found


async def notify_user(
    session: AsyncSession, *, user: object, kind: str, now: datetime, **values: str
) -> OutboxMessage:
    """An email to a user about their own account, in their language."""
    return await enqueue_email(
        session,
        kind=kind,
        to=user.email,  # type: ignore[attr-defined]
        language=user.language,  # type: ignore[attr-defined]
        now=now,
        delete_when_sent=False,
        attachment=None,
        name=user.display_name,  # type: ignore[attr-defined]
        time=now.strftime("%Y-%m-%d %H:%M"),
        **values,
    )
