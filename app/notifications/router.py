"""The development mailbox API (see :mod:`app.notifications.mailbox` for who can read it).

Both routes answer 404, exactly as an unknown path does, unless the server runs outside
production with ``mail.mode == "dev"``: in production they do not exist.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from app.auth.dependencies import AppSettings
from app.db import DbSession, UnitOfWorkRoute
from app.errors import NotFound
from app.notifications.mailbox import (
    MailboxList,
    MailboxMessage,
    get_mailbox_message,
    list_mailbox,
    mailbox_enabled,
)


class MailboxMessageNotFound(NotFound):
    code, title = "mailbox_message_not_found", "No such message"


async def _require_dev_mailbox(settings: AppSettings) -> None:
    if not mailbox_enabled(settings):
        raise NotFound()  # the same answer as a path that does not exist


router = APIRouter(
    prefix="/dev/mailbox",
    tags=["dev"],
    route_class=UnitOfWorkRoute,
    dependencies=[Depends(_require_dev_mailbox)],
)


@router.get(
    "",
    operation_id="listDevMailbox",
    response_model=MailboxList,
    responses={404: {"description": "Not a development server with mail mode dev"}},
)
async def list_dev_mailbox(session: DbSession) -> MailboxList:
    """Development only, no sign-in: the newest 100 emails the server produced, newest
    first, with their delivery status. Anyone who can reach the server can read them."""
    return await list_mailbox(session)


@router.get(
    "/{message_id}",
    operation_id="getDevMailboxMessage",
    response_model=MailboxMessage,
    responses={404: {"description": "No such message, or not a development server"}},
)
async def get_dev_mailbox_message(message_id: uuid.UUID, session: DbSession) -> MailboxMessage:
    """Development only, no sign-in: one email, as the recipient would read it."""
    message = await get_mailbox_message(session, message_id)
    if message is None:
        raise MailboxMessageNotFound()
    return message


class MailboxAvailability(BaseModel):
    available: bool


# Outside the 404 guard: the interface asks whether to show the mailbox entry, and a 404
# there would be logged as an error by every browser on every page load.
availability_router = APIRouter(prefix="/dev", tags=["dev"], route_class=UnitOfWorkRoute)


@availability_router.get(
    "/mailbox-availability",
    operation_id="getDevMailboxAvailability",
    response_model=MailboxAvailability,
)
async def dev_mailbox_availability(settings: AppSettings) -> MailboxAvailability:
    """Whether this server has the development mailbox (never in production)."""
    return MailboxAvailability(available=mailbox_enabled(settings))
