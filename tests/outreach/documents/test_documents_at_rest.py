"""A document at rest: its content and name are nowhere readable in a raw copy of the
database, and a key rotation re-wraps its file key without touching (or breaking) it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from app.actors import SYSTEM
from app.db import create_engine, create_sessionmaker, unit_of_work
from app.keys import KeyMaterial, current_keys, install_keys
from app.kit.crypto.aead import key_version_of
from app.models.outreach import Dispatch, Document
from app.outreach.documents import service
from app.outreach.documents.service import CHUNK_SIZE
from app.rotation import reencrypt_all
from tests.outreach.documents.conftest import pdf, upload
from tests.security.test_canaries_at_rest import _raw_copy
from tests.support.canaries import encodings, plant_everywhere


async def _pieces(content: bytes) -> AsyncIterator[bytes]:
    for start in range(0, len(content), 100_000):
        yield content[start : start + 100_000]


async def test_no_canary_of_a_document_in_a_raw_copy(fresh_database_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    tag = uuid.uuid4().hex[:12]
    in_content = f"Canary document content {tag}"
    in_name = f"Canary document name {tag}"
    # The canary in every chunk: the first, the middle ones and the last.
    content = pdf(3 * CHUNK_SIZE, marker=in_content.encode())
    content += b"\n" + in_content.encode() * 10_000
    engine = create_engine(fresh_database_url)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            planted = await plant_everywhere(session)
            dispatch = await session.scalar(select(Dispatch))
            assert dispatch is not None
            parent = service.Parent("dispatch_proof", dispatch.appeal_id, dispatch_id=dispatch.id)
            document = await service.upload(
                session,
                SYSTEM,
                parent,
                _pieces(content),
                raw_filename=f"{in_name}.pdf",
                max_bytes=25_000_000,
            )
            assert document.chunk_count == len(content) // CHUNK_SIZE + 1
    finally:
        await engine.dispose()
    dump = _raw_copy(fresh_database_url, tmp_path)
    assert len(dump) > len(content)  # the copy is real: the chunks are in it
    found = [
        (value, encoded)
        for value in (in_content, in_name)
        for encoded in encodings(value)
        if encoded in dump
    ]
    assert found == []
    assert planted.found_in(dump) == []
    assert tag.encode() not in dump


class _OnConnection:
    """The test's connection where app/rotation.py wants an engine: its batches become
    savepoints of the test's transaction."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncConnection]:
        async with self.connection.begin_nested():
            yield self.connection


async def test_a_document_uploaded_before_a_rotation_downloads_intact_after(  # type: ignore[no-untyped-def]
    cast, dispatch, session, connection
) -> None:
    content = pdf(2 * CHUNK_SIZE + 77)
    sent = await upload(cast["coordinator"], content, to=f"dispatches/{dispatch.id}")
    assert sent.status_code == 201, sent.text
    document_id = uuid.UUID(sent.json()["id"])
    before = current_keys()
    old_version = before.keyring.current_version
    rotated = before.keyring.with_new_version()
    install_keys(KeyMaterial(rotated, before.audit_signing_key, None))
    try:
        assert await reencrypt_all(_OnConnection(connection), rotated) > 0  # type: ignore[arg-type]
        session.expire_all()
        wrapped = await session.scalar(
            select(Document.file_key_ct).where(Document.id == document_id)
        )
        assert wrapped is not None
        assert key_version_of(wrapped) == rotated.current_version != old_version
        # (The old version stays for what rotation cannot re-key: the sessions' token MACs.)
        got = await cast["a_rep"].get(f"/api/documents/{document_id}")
        assert got.status_code == 200, got.text
        assert got.content == content
        assert got.headers["content-disposition"].startswith('attachment; filename="proof.pdf"')
    finally:
        install_keys(before)
