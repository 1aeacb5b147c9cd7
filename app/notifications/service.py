"""Queue email in the caller's transaction (the outbox); a worker sends it after commit.

If the transaction rolls back, the message never existed; if sending fails, the worker
retries. Nothing is sent for a change that did not happen.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.models.outbox import OutboxMessage
from app.notifications.templates import render


async def enqueue_email(
    session: AsyncSession,
    *,
    kind: str,
    to: str,
    language: str,
    now: datetime,
    delete_when_sent: bool = False,
    **values: str,
) -> OutboxMessage:
    """Queue a message; ``delete_when_sent`` for one whose recipient must not outlive its
    delivery (the worker deletes it instead of keeping it as sent)."""
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
    session.add(message)
    await session.flush()
    return message


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
        name=user.display_name,  # type: ignore[attr-defined]
        time=now.strftime("%Y-%m-%d %H:%M"),
        **values,
    )
