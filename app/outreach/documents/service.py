"""Use cases of outreach documents: upload (streamed in, encrypted chunk by chunk), list,
download (streamed out, decrypted chunk by chunk) and delete. They flush, never commit.

An upload is one unit of work: the document row (state "uploading") and each chunk are
written as the body arrives, and the row becomes "stored" only once the last byte is in
and the content has passed every check. A refusal or failure half way rolls the request's
transaction back: nothing half-stored remains. Only the first chunk is ever buffered for
detection, plus a zip's tail (its central directory) to check an office document.
"""

from __future__ import annotations

import base64
import logging
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.actors import Actor
from app.appeals.errors import AppealNotFound
from app.audit import AuditAction, record_event
from app.errors import AppError
from app.kit.crypto.errors import DecryptionError
from app.kit.crypto.file_chunks import decrypt_chunk, encrypt_chunk, new_file_key
from app.models.outreach import Document
from app.outreach.access import OutreachRight, access_outreach
from app.outreach.documents import repository, sniff
from app.outreach.documents.errors import (
    DispatchNotFound,
    DocumentContainerRefused,
    DocumentDamaged,
    DocumentEmpty,
    DocumentNotFound,
    DocumentTooLarge,
    DocumentTypeRefused,
    ResponseNotFound,
)

log = logging.getLogger("accord.outreach.documents")

CHUNK_SIZE = 256 * 1024
# Chunks read per short read when serving a download.
DOWNLOAD_BATCH = 4


@dataclass(frozen=True)
class Parent:
    """What a document is attached to: a dispatch (its proof) or a response."""

    role: str
    appeal_id: uuid.UUID
    dispatch_id: uuid.UUID | None = None
    response_id: uuid.UUID | None = None


async def _access(
    session: AsyncSession,
    actor: Actor,
    appeal_id: uuid.UUID,
    need: OutreachRight,
    not_found: type[AppError],
) -> None:
    # Someone who may not see the appeal learns nothing, not even that the id exists.
    try:
        await access_outreach(session, actor, appeal_id, need)
    except AppealNotFound:
        raise not_found() from None


async def dispatch_parent(
    session: AsyncSession, actor: Actor, dispatch_id: uuid.UUID, need: OutreachRight
) -> Parent:
    dispatch = await repository.dispatch(session, dispatch_id)
    if dispatch is None:
        raise DispatchNotFound()
    await _access(session, actor, dispatch.appeal_id, need, DispatchNotFound)
    return Parent("dispatch_proof", dispatch.appeal_id, dispatch_id=dispatch.id)


async def response_parent(
    session: AsyncSession, actor: Actor, response_id: uuid.UUID, need: OutreachRight
) -> Parent:
    found = await repository.response_with_appeal(session, response_id)
    if found is None:
        raise ResponseNotFound()
    response, appeal_id = found
    await _access(session, actor, appeal_id, need, ResponseNotFound)
    return Parent("response", appeal_id, response_id=response.id)


async def _blocks(stream: AsyncIterator[bytes], max_bytes: int) -> AsyncIterator[bytes]:
    """The body cut in CHUNK_SIZE blocks (the last shorter), refused the moment it passes
    ``max_bytes``."""
    buffer = bytearray()
    total = 0
    async for piece in stream:
        total += len(piece)
        if total > max_bytes:
            raise DocumentTooLarge(f"The limit is {max_bytes} bytes.")
        buffer += piece
        while len(buffer) >= CHUNK_SIZE:
            with memoryview(buffer) as view:  # one copy of the block, not two
                block = bytes(view[:CHUNK_SIZE])
            del buffer[:CHUNK_SIZE]
            yield block
    if buffer:
        yield bytes(buffer)


def file_key(document: Document) -> bytes:
    return base64.b64decode(document.file_key_b64)


async def upload(
    session: AsyncSession,
    actor: Actor,
    parent: Parent,
    stream: AsyncIterator[bytes],
    *,
    raw_filename: str,
    max_bytes: int,
) -> Document:
    """Store the streamed file under ``parent``; see the module docstring."""
    blocks = _blocks(stream, max_bytes)
    first = await anext(blocks, None)
    if first is None:
        raise DocumentEmpty()
    detected = sniff.detect(first[: sniff.HEAD])
    if detected is None:
        raise DocumentTypeRefused()
    key = new_file_key()
    document = Document(
        dispatch_id=parent.dispatch_id,
        response_id=parent.response_id,
        role=parent.role,
        state="uploading",
        media_type=detected.extension,
        size=0,
        chunk_count=0,
        uploaded_by=actor.user_id,
    )
    document.filename = sniff.sanitize_filename(raw_filename, detected)
    document.file_key_b64 = base64.b64encode(key).decode("ascii")
    session.add(document)
    await session.flush()

    seq, size = 0, 0
    tail = bytearray()
    pending = first
    async for block in blocks:
        await repository.add_chunk(
            session,
            document.id,
            seq,
            encrypt_chunk(key, pending, file_id=document.id, seq=seq, last=False),
        )
        seq, size = seq + 1, size + len(pending)
        if detected.is_zip:
            tail = _keep_tail(tail, pending)
        pending = block
    await repository.add_chunk(
        session,
        document.id,
        seq,
        encrypt_chunk(key, pending, file_id=document.id, seq=seq, last=True),
    )
    size += len(pending)
    if detected.is_zip:
        tail = _keep_tail(tail, pending)
        try:
            final = sniff.check_container(bytes(tail), size, detected)
        except sniff.ContainerRefused as exc:
            raise DocumentContainerRefused(f"Refused: {exc}.") from None
        if final is not detected:
            document.media_type = final.extension
            document.filename = sniff.sanitize_filename(raw_filename, final)
    document.size, document.chunk_count, document.state = size, seq + 1, "stored"
    await session.flush()
    await record_event(
        session,
        actor=actor,
        action=AuditAction.DOCUMENT_UPLOADED,
        target=document,
        details={
            "role": document.role,
            "type": document.media_type,
            "size": size,
            "dispatch_id": str(parent.dispatch_id) if parent.dispatch_id else None,
            "response_id": str(parent.response_id) if parent.response_id else None,
        },
    )
    return document


def _keep_tail(tail: bytearray, block: bytes) -> bytearray:
    tail += block
    if len(tail) > sniff.ZIP_TAIL:
        del tail[: len(tail) - sniff.ZIP_TAIL]
    return tail


async def documents_of(session: AsyncSession, parent: Parent) -> list[Document]:
    return list(
        await repository.documents_of(
            session, dispatch_id=parent.dispatch_id, response_id=parent.response_id
        )
    )


async def _document(
    session: AsyncSession, actor: Actor, document_id: uuid.UUID, need: OutreachRight
) -> Document:
    found = await repository.document_with_appeal(session, document_id)
    if found is None:
        raise DocumentNotFound()
    document, appeal_id = found
    await _access(session, actor, appeal_id, need, DocumentNotFound)
    return document


@dataclass(frozen=True)
class Download:
    document: Document
    filename: str
    # The first chunks, already decrypted: a file damaged at its start is refused before
    # any header is sent.
    first: list[bytes]


async def open_download(session: AsyncSession, actor: Actor, document_id: uuid.UUID) -> Download:
    document = await _document(session, actor, document_id, OutreachRight.READ)
    if await repository.chunk_count(session, document.id) != document.chunk_count:
        log.error("document chunks missing", extra={"document_id": str(document.id)})
        raise DocumentDamaged()
    key = file_key(document)
    first = list(
        _decrypted(
            key,
            document,
            await repository.chunks(session, document.id, from_seq=0, limit=DOWNLOAD_BATCH),
            from_seq=0,
        )
    )
    return Download(document, document.filename, first)


def _decrypted(
    key: bytes, document: Document, rows: list[tuple[int, bytes]], *, from_seq: int
) -> Iterator[bytes]:
    """The batch's plaintext, one chunk at a time. Each ciphertext is let go as it is
    decrypted (``rows`` is emptied), so a batch costs its ciphertext and one plaintext
    chunk, not both whole."""
    expected = min(DOWNLOAD_BATCH, document.chunk_count - from_seq)
    if len(rows) != expected:
        log.error("document chunks missing", extra={"document_id": str(document.id)})
        raise DocumentDamaged()
    rows.reverse()
    seq_expected = from_seq
    while rows:
        seq, blob = rows.pop()
        if seq != seq_expected:
            raise DocumentDamaged()
        seq_expected += 1
        try:
            plain = decrypt_chunk(
                key, blob, file_id=document.id, seq=seq, last=seq == document.chunk_count - 1
            )
        except DecryptionError:
            log.error("document chunk failed to decrypt", extra={"document_id": str(document.id)})
            raise DocumentDamaged() from None
        del blob
        yield plain


async def stream_download(
    sessionmaker: async_sessionmaker[AsyncSession], download: Download
) -> AsyncIterator[bytes]:
    """The plaintext, a few chunks per short read of their own (no transaction stays open
    while the client reads slowly). A chunk missing or failing to decrypt ends the stream
    with an error instead of a silently short file."""
    document = download.document
    key = file_key(document)
    seq = len(download.first)
    # Handed on and let go one by one: the response holds no more than the chunk it sends.
    download.first.reverse()
    while download.first:
        yield download.first.pop()
    while seq < document.chunk_count:
        async with sessionmaker() as session:
            rows = await repository.chunks(session, document.id, from_seq=seq, limit=DOWNLOAD_BATCH)
        count = len(rows)
        for plain in _decrypted(key, document, rows, from_seq=seq):
            yield plain
            del plain
        seq += count


async def delete(session: AsyncSession, actor: Actor, document_id: uuid.UUID) -> None:
    document = await _document(session, actor, document_id, OutreachRight.TRACK)
    if not await repository.delete_document(session, document.id):
        raise DocumentNotFound()
    await record_event(
        session,
        actor=actor,
        action=AuditAction.DOCUMENT_DELETED,
        target=("documents", document.id),
        details={"role": document.role, "type": document.media_type},
    )
