"""The appeals tests' people, an appeal open for signing, and a dispatch of it with a
response, inserted through the ORM (the dispatches API is another slice's)."""

from __future__ import annotations

import uuid
import zlib
from datetime import date
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from sqlalchemy import func, select

from app.models.outreach import Dispatch, Document, DocumentChunk, Recipient, Response
from tests.signatories.conftest import browse, cast, clock, signing

__all__ = ["browse", "cast", "clock", "signing"]


@pytest.fixture
async def dispatch(session, signing: dict[str, Any], cast) -> Dispatch:  # type: ignore[no-untyped-def]
    recipient = Recipient(kind="government", country="DK", language="da")
    recipient.name = "Denmark — Prime Minister"
    recipient.addressee = "Prime Minister of Denmark\nCopenhagen"
    session.add(recipient)
    await session.flush()
    sent = Dispatch(
        appeal_id=uuid.UUID(signing["appeal_id"]),
        recipient_id=recipient.id,
        revision_sha256=signing["revision_sha256"],
        language="en",
        channel="email",
        sent_on=date(2023, 3, 16),
        delivery="recorded",
        created_by=cast.people["coordinator"].id,
    )
    session.add(sent)
    await session.commit()
    return sent


@pytest.fixture
async def response(session, dispatch: Dispatch) -> Response:  # type: ignore[no-untyped-def]
    answer = Response(
        dispatch_id=dispatch.id,
        received_on=date(2023, 4, 2),
        channel="email",
        kind="acknowledgement",
    )
    session.add(answer)
    await session.commit()
    return answer


def pdf(size: int, marker: bytes = b"") -> bytes:
    """A PDF-looking file of ``size`` bytes whose bytes differ everywhere (no two chunks
    alike), with ``marker`` inside."""
    head = b"%PDF-1.7\n" + marker + b"\n"
    body = bytearray()
    counter = 0
    while len(head) + len(body) < size:
        body += counter.to_bytes(4, "big")
        counter += 1
    return (head + bytes(body))[:size]


async def upload(
    client: httpx.AsyncClient,
    content: Any,
    *,
    name: str = "proof.pdf",
    to: str,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    return await client.post(
        f"/api/{to}/documents",
        content=content,
        headers={
            "Content-Type": "application/octet-stream",
            "X-Filename": quote(name, safe=""),
            **(headers or {}),
        },
    )


async def stored(session) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Documents and chunks in the database, as a fresh query sees them."""
    documents = await session.scalar(select(func.count()).select_from(Document))
    chunks = await session.scalar(select(func.count()).select_from(DocumentChunk))
    return int(documents or 0), int(chunks or 0)


# --- zip containers, made by hand so that their declarations can lie cheaply -------------


def zip_bytes(entries: list[tuple[str, bytes, int | None]], *, first_stored: bool = False) -> bytes:
    """A zip of (name, content, declared uncompressed size or None for the true one),
    deflated (the first stored when ``first_stored``, as OpenDocument's mimetype is)."""
    import struct

    local = bytearray()
    central = bytearray()
    for index, (name, content, declared) in enumerate(entries):
        stored_entry = first_stored and index == 0
        data = content if stored_entry else zlib.compress(content)[2:-4]
        method = 0 if stored_entry else 8
        crc = zlib.crc32(content)
        size = len(content) if declared is None else declared
        raw_name = name.encode()
        offset = len(local)
        local += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0, crc, len(data), size, len(raw_name), 0
        )
        local += raw_name + data
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            0,
            method,
            0,
            0,
            crc,
            len(data),
            size,
            len(raw_name),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        central += raw_name
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), len(local), 0
    )
    return bytes(local + central + end)


DOCX_ENTRIES = [
    ("[Content_Types].xml", b"<?xml version='1.0'?><Types/>", None),
    ("_rels/.rels", b"<?xml version='1.0'?><Relationships/>", None),
    (
        "word/document.xml",
        b"<?xml version='1.0'?><w:document>" + b"text " * 200 + b"</w:document>",
        None,
    ),
]
