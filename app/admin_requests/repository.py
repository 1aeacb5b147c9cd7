"""Queries of admin requests. No decisions here."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.kit.pagination import keyset_page
from app.models.memberships import (
    AdminGrantRequest,
)


async def get_admin_grant_request(
    session: AsyncSession, request_id: uuid.UUID, *, lock: bool = False
) -> AdminGrantRequest | None:
    statement = select(AdminGrantRequest).where(AdminGrantRequest.id == request_id)
    if lock:
        statement = statement.with_for_update()
    return await session.scalar(statement)


async def find_pending_grant_request(
    session: AsyncSession, *, user_id: uuid.UUID, kind: str, since: datetime
) -> AdminGrantRequest | None:
    return await session.scalar(
        select(AdminGrantRequest)
        .where(
            AdminGrantRequest.user_id == user_id,
            AdminGrantRequest.kind == kind,
            AdminGrantRequest.status == "pending",
            AdminGrantRequest.created_at > since,
        )
        .limit(1)
    )


async def list_admin_grant_requests(
    session: AsyncSession,
    *,
    status: str | None,
    stale_before: datetime,
    cursor: uuid.UUID | None,
    limit: int,
) -> tuple[list[AdminGrantRequest], uuid.UUID | None]:
    """``stale_before``: pending requests created before it count as expired."""
    statement = select(AdminGrantRequest)
    if status == "pending":
        statement = statement.where(
            AdminGrantRequest.status == "pending", AdminGrantRequest.created_at > stale_before
        )
    elif status == "expired":
        statement = statement.where(
            AdminGrantRequest.status == "pending", AdminGrantRequest.created_at <= stale_before
        )
    elif status is not None:
        statement = statement.where(AdminGrantRequest.status == status)
    rows, next_cursor = await keyset_page(
        session, statement, AdminGrantRequest.id, cursor=cursor, limit=limit
    )
    return [row[0] for row in rows], next_cursor
