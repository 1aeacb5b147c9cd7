"""Keyset pages: the one way lists are paged.

Lists run over the UUIDv7 primary key, newest first: the cost of a page does not grow with
the table, and names (encrypted) cannot be sorted by the database anyway. Routers take
``cursor: Cursor = None, limit: Limit = 50``; repositories call :func:`keyset_page`;
schemas declare ``class XPage(Page[XRead])``.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

Cursor = Annotated[uuid.UUID | None, Query(description="next_cursor of the previous page")]
Limit = Annotated[int, Query(ge=1, le=200)]

Item = TypeVar("Item")


class Page(BaseModel, Generic[Item]):
    """One page of a list, newest first; ``next_cursor`` is null on the last page."""

    items: list[Item]
    next_cursor: uuid.UUID | None


async def keyset_page(
    session: AsyncSession,
    statement: Select[Any] | Any,
    key: Any,
    *,
    cursor: uuid.UUID | None,
    limit: int,
) -> tuple[list[Any], uuid.UUID | None]:
    """Rows of ``statement`` after ``cursor`` (newest first) and the next cursor, if any."""
    if cursor is not None:
        statement = statement.where(key < cursor)
    rows = list((await session.execute(statement.order_by(key.desc()).limit(limit + 1))).all())
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1][0].id if more and rows else None)
