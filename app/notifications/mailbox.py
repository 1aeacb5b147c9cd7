"""The development mailbox: mail kept on this machine instead of being sent.

With ``ACCORD_MAIL__MODE=dev`` the worker writes each message to ``<data_dir>/mail/<id>.eml``
(directory 0700, files 0600: they hold invitation and reset links) and the dev mailbox API
lists the outbox so that ``make run`` works without any SMTP server.

Anyone who can reach a development server can read this mailbox, sign-in links included:
that is acceptable only because development binds to localhost and holds no real users.
Production refuses ``mode=dev`` at start (``app.config.production_problems``; the server
and ``accord worker`` both check it), the routes answer 404 there whatever the mode, and
:func:`spool_message` refuses to write a file there even if something got past the check:
the spool is plaintext mail, sign-in links included.
"""

from __future__ import annotations

import os
import uuid
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.kit.clock import as_utc
from app.kit.private_files import private_directory
from app.models.outbox import OutboxMessage

MAILBOX_SIZE = 100

MessageStatus = Literal["pending", "sending", "sent", "failed"]


def mailbox_enabled(settings: Settings) -> bool:
    return not settings.is_production and settings.mail.mode == "dev"


def mail_dir(settings: Settings) -> Path:
    return settings.data_dir / "mail"


class DevMailRefused(RuntimeError):
    """Mail mode dev outside development: plaintext mail is never written to disk there."""


def spool_message(settings: Settings, message_id: uuid.UUID, content: bytes) -> Path:
    """Keep a message in the development spool (``<data_dir>/mail/<id>.eml``)."""
    if not mailbox_enabled(settings):
        raise DevMailRefused("the development mail spool is refused in production")
    private_directory(settings.data_dir)
    return write_eml(mail_dir(settings), message_id, content)


def write_eml(directory: Path, message_id: uuid.UUID, content: bytes) -> Path:
    """Write one message as ``<id>.eml``, readable by the owner only.

    Written to a temporary name and renamed, so a reader never sees half a message and a
    retry after a crash replaces the file instead of failing on it.
    """
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    directory.chmod(0o700)  # mkdir leaves an existing directory's mode alone
    final = directory / f"{message_id}.eml"
    partial = directory / f".{message_id}.eml.partial"
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # a leftover partial file may have been created otherwise
    with os.fdopen(fd, "wb") as file:
        file.write(content)
        file.flush()
        os.fsync(file.fileno())
    os.replace(partial, final)
    return final


class MailboxMessage(BaseModel):
    id: uuid.UUID
    to: str
    subject: str
    body: str
    created_at: datetime
    status: MessageStatus


class MailboxList(BaseModel):
    items: list[MailboxMessage]


def _read(message: OutboxMessage) -> MailboxMessage:
    return MailboxMessage(
        id=message.id,
        to=message.recipient,
        subject=message.subject,
        body=message.body,
        created_at=as_utc(message.created_at),
        status=message.status,  # type: ignore[arg-type]
    )


async def list_mailbox(session: AsyncSession, *, limit: int = MAILBOX_SIZE) -> MailboxList:
    """The newest messages in the outbox, whatever their delivery state."""
    rows = await session.scalars(
        select(OutboxMessage)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(limit)
    )
    return MailboxList(items=[_read(row) for row in rows])


async def get_mailbox_message(
    session: AsyncSession, message_id: uuid.UUID
) -> MailboxMessage | None:
    message = await session.get(OutboxMessage, message_id)
    return None if message is None else _read(message)
