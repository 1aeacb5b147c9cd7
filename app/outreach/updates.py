"""Updates by email for public signers who asked for them: when a government's response to
an appeal is published on its tracker, each subscriber is told.

A subscription is made only with a proven address (the code that confirmed the signature),
is not linked to the signature (it says nothing about the tier chosen) and is dated to the
day only. Every email carries a link to end it; the link's token sits after ``#``, so it
never reaches a server log, and the page posts it.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime, time

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.keys import current_keyring
from app.kit.crypto.blind_index import blind_index
from app.kit.upsert import insert_for
from app.models.outreach import SUBSCRIPTION_EMAIL_DOMAIN, UpdateSubscription
from app.notifications.service import enqueue_email

UNSUBSCRIBE_PATH = "/updates/unsubscribe"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def subscribe(
    session: AsyncSession,
    *,
    appeal_id: uuid.UUID,
    email: str,
    language: str,
    now: datetime,
) -> None:
    """Subscribe a proven address to an appeal's updates; a second time changes nothing."""
    token = secrets.token_urlsafe(32)
    subscription = UpdateSubscription(
        appeal_id=appeal_id,
        email_index=blind_index(current_keyring(), email, domain=SUBSCRIPTION_EMAIL_DOMAIN),
        language=language,
        unsubscribe_sha256=_token_hash(token),
        # The day, not the moment: a confirmation time could point at a signature.
        created_at=datetime.combine(now.date(), time.min, tzinfo=now.tzinfo),
    )
    subscription.email = email
    subscription.unsubscribe_token = token
    values = {
        column.key: getattr(subscription, column.key)
        for column in UpdateSubscription.__table__.columns
    }
    # One statement: two confirmations racing for the same address leave one row.
    await session.execute(
        insert_for(session)(UpdateSubscription)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["appeal_id", "email_index"])
    )


async def unsubscribe(session: AsyncSession, *, token: str) -> None:
    """End the subscription the token belongs to; an unknown token changes nothing (and is
    answered the same, so the page says nothing about which tokens exist)."""
    await session.execute(
        delete(UpdateSubscription).where(
            UpdateSubscription.unsubscribe_sha256 == _token_hash(token)
        )
    )


async def tell_subscribers(
    session: AsyncSession,
    *,
    appeal_id: uuid.UUID,
    title: str,
    recipient_name: str,
    tracker_url: str,
    public_url: str,
    now: datetime,
) -> int:
    """Queue one email per subscriber of the appeal: a response from ``recipient_name`` was
    published on the tracker. Returns how many were queued."""
    rows = (
        await session.scalars(
            select(UpdateSubscription).where(UpdateSubscription.appeal_id == appeal_id)
        )
    ).all()
    for subscription in rows:
        await enqueue_email(
            session,
            kind="appeal_update",
            to=subscription.email,
            language=subscription.language,
            now=now,
            # The address must not outlive the delivery in the outbox.
            delete_when_sent=True,
            title=title,
            recipient=recipient_name,
            tracker_url=tracker_url,
            unsubscribe_url=f"{public_url}{UNSUBSCRIBE_PATH}#{subscription.unsubscribe_token}",
        )
    return len(rows)
