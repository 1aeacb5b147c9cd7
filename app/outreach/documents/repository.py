"""Queries of documents and their chunks. Chunks go in and out through Core statements, one
at a time or a few, so a file never sits whole in the session's identity map."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models.outreach import Dispatch, Document, DocumentChunk, Response


async def dispatch(session: AsyncSession, dispatch_id: uuid.UUID) -> Dispatch | None:
    return await session.get(Dispatch, dispatch_id)


async def response_with_appeal(
    session: AsyncSession, response_id: uuid.UUID
) -> tuple[Response, uuid.UUID] | None:
    row = (
        await session.execute(
            select(Response, Dispatch.appeal_id)
            .join(Dispatch, Dispatch.id == Response.dispatch_id)
            .where(Response.id == response_id)
        )
    ).first()
    return (row[0], row[1]) if row else None


async def document_with_appeal(
    session: AsyncSession, document_id: uuid.UUID
) -> tuple[Document, uuid.UUID] | None:
    """The document and the appeal it belongs to (through its dispatch or response's)."""
    via_response = select(Response.dispatch_id).where(Response.id == Document.response_id)
    dispatch_id = func.coalesce(Document.dispatch_id, via_response.scalar_subquery())
    row = (
        await session.execute(
            select(Document, Dispatch.appeal_id)
            .join(Dispatch, Dispatch.id == dispatch_id)
            .where(Document.id == document_id, Document.state == "stored")
        )
    ).first()
    return (row[0], row[1]) if row else None


async def documents_of(
    session: AsyncSession,
    *,
    dispatch_id: uuid.UUID | None = None,
    response_id: uuid.UUID | None = None,
) -> Sequence[Document]:
    statement = select(Document).where(Document.state == "stored").order_by(Document.id)
    if dispatch_id is not None:
        statement = statement.where(Document.dispatch_id == dispatch_id)
    else:
        statement = statement.where(Document.response_id == response_id)
    return (await session.scalars(statement)).all()


async def add_chunk(
    session: AsyncSession, document_id: uuid.UUID, seq: int, ciphertext: bytes
) -> None:
    await session.execute(
        insert(DocumentChunk).values(document_id=document_id, seq=seq, ciphertext=ciphertext)
    )


async def chunk_count(session: AsyncSession, document_id: uuid.UUID) -> int:
    return int(
        await session.scalar(select(func.count()).where(DocumentChunk.document_id == document_id))
        or 0
    )


async def chunks(
    session: AsyncSession, document_id: uuid.UUID, *, from_seq: int, limit: int
) -> list[tuple[int, bytes]]:
    rows = await session.execute(
        select(DocumentChunk.seq, DocumentChunk.ciphertext)
        .where(DocumentChunk.document_id == document_id, DocumentChunk.seq >= from_seq)
        .order_by(DocumentChunk.seq)
        .limit(limit)
    )
    return [(int(seq), bytes(blob)) for seq, blob in rows]


async def delete_document(session: AsyncSession, document_id: uuid.UUID) -> bool:
    """Atomic: of two deletes of one document, exactly one finds it."""
    await session.execute(delete(DocumentChunk).where(DocumentChunk.document_id == document_id))
    gone = await session.execute(
        delete(Document).where(Document.id == document_id).returning(Document.id)
    )
    return gone.first() is not None
