"""Outreach documents through the API: what a coordinator uploads comes back byte for byte
to those who may read the outreach, and nothing else gets in or stays half-stored."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from urllib.parse import quote

import pytest
from sqlalchemy import delete, select, update

from app.audit import AuditAction
from app.models.audit import AuditEvent
from app.models.outreach import DocumentChunk
from app.outreach.documents.service import CHUNK_SIZE
from tests.outreach.documents.conftest import DOCX_ENTRIES, pdf, stored, upload, zip_bytes


def dispatch_docs(dispatch) -> str:  # type: ignore[no-untyped-def]
    return f"dispatches/{dispatch.id}"


async def test_a_multi_chunk_file_comes_back_identical(cast, dispatch, session) -> None:  # type: ignore[no-untyped-def]
    content = pdf(3 * CHUNK_SIZE + 1234)
    sent = await upload(
        cast["coordinator"], content, name="Ответ МИД Дании.pdf", to=dispatch_docs(dispatch)
    )
    assert sent.status_code == 201, sent.text
    document = sent.json()
    assert document["filename"] == "Ответ МИД Дании.pdf"
    assert document["media_type"] == "application/pdf"
    assert document["size"] == len(content)
    assert document["role"] == "dispatch_proof"
    assert await stored(session) == (1, 4)

    # A writing organization's representative reads the outreach: they may download it.
    got = await cast["a_rep"].get(f"/api/documents/{document['id']}")
    assert got.status_code == 200, got.text
    assert got.content == content
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["cache-control"] == "no-store"
    assert "sandbox" in got.headers["content-security-policy"]
    disposition = got.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="' in disposition
    assert "filename*=UTF-8''" + quote("Ответ МИД Дании.pdf", safe="") in disposition

    listed = await cast["b_rep"].get(f"/api/dispatches/{dispatch.id}/documents")
    assert listed.status_code == 200
    assert [d["id"] for d in listed.json()["items"]] == [document["id"]]


async def test_a_response_takes_documents_too(cast, response, session) -> None:  # type: ignore[no-untyped-def]
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10
    sent = await upload(cast["coordinator"], png, name="scan.jpeg", to=f"responses/{response.id}")
    assert sent.status_code == 201, sent.text
    assert sent.json()["filename"] == "scan.png"  # the detected type names the extension
    assert sent.json()["role"] == "response"
    listed = await cast["a_rep"].get(f"/api/responses/{response.id}/documents")
    assert [d["filename"] for d in listed.json()["items"]] == ["scan.png"]
    got = await cast["a_rep"].get(f"/api/documents/{sent.json()['id']}")
    assert got.content == png


async def test_who_may_upload_read_and_delete(cast, dispatch, session) -> None:  # type: ignore[no-untyped-def]
    refused = await upload(cast["a_rep"], pdf(1000), to=dispatch_docs(dispatch))
    assert refused.status_code == 403
    outsider = await upload(cast["c_member"], pdf(1000), to=dispatch_docs(dispatch))
    assert outsider.status_code == 404 and outsider.json()["code"] == "dispatch_not_found"
    assert await stored(session) == (0, 0)

    sent = await upload(cast["coordinator"], pdf(1000), to=dispatch_docs(dispatch))
    document_id = sent.json()["id"]
    assert (await cast["a_member"].get(f"/api/documents/{document_id}")).status_code == 403
    hidden = await cast["c_member"].get(f"/api/documents/{document_id}")
    assert hidden.status_code == 404 and hidden.json()["code"] == "document_not_found"
    assert (await cast["a_rep"].delete(f"/api/documents/{document_id}")).status_code == 403

    deleted = await cast["coordinator"].delete(f"/api/documents/{document_id}")
    assert deleted.status_code == 200, deleted.text
    assert await stored(session) == (0, 0)
    assert (await cast["a_rep"].get(f"/api/documents/{document_id}")).status_code == 404
    again = await cast["coordinator"].delete(f"/api/documents/{document_id}")
    assert again.status_code == 404
    actions = (await session.scalars(select(AuditEvent.action))).all()
    assert AuditAction.DOCUMENT_UPLOADED in actions and AuditAction.DOCUMENT_DELETED in actions


async def test_too_large_with_a_declared_length_is_refused_before_reading(  # type: ignore[no-untyped-def]
    cast, dispatch, session, settings
) -> None:
    settings.outreach.document_max_bytes = 2 * CHUNK_SIZE
    refused = await upload(cast["coordinator"], pdf(2 * CHUNK_SIZE + 1), to=dispatch_docs(dispatch))
    assert refused.status_code == 413
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "document_too_large"
    assert await stored(session) == (0, 0)


async def test_too_large_when_streamed_is_refused_and_nothing_stays(  # type: ignore[no-untyped-def]
    cast, dispatch, session, settings
) -> None:
    settings.outreach.document_max_bytes = 2 * CHUNK_SIZE
    content = pdf(4 * CHUNK_SIZE)

    async def chunked() -> AsyncIterator[bytes]:  # no Content-Length: Transfer-Encoding chunked
        for start in range(0, len(content), 65_536):
            yield content[start : start + 65_536]

    refused = await upload(cast["coordinator"], chunked(), to=dispatch_docs(dispatch))
    assert refused.status_code == 413
    assert refused.json()["code"] == "document_too_large"
    # The first chunk had been written when the limit was passed: rolled back with the rest.
    assert await stored(session) == (0, 0)


async def test_an_upload_cut_off_half_way_leaves_nothing(cast, dispatch, session) -> None:  # type: ignore[no-untyped-def]
    content = pdf(3 * CHUNK_SIZE)

    async def cut_off() -> AsyncIterator[bytes]:
        yield content[: 2 * CHUNK_SIZE + 10]
        await asyncio.sleep(0)
        raise ConnectionResetError("the client went away")

    try:
        answer = await upload(cast["coordinator"], cut_off(), to=dispatch_docs(dispatch))
    except ConnectionResetError:
        answer = None
    assert answer is None or answer.status_code >= 400
    assert await stored(session) == (0, 0)


@pytest.mark.parametrize(
    "content",
    [
        b"<!doctype html><html><script>alert(1)</script></html>",
        b"MZ\x90\x00\x03\x00\x00\x00" + bytes(500),  # a Windows executable
        b"#!/bin/sh\nrm -rf /\n",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500),  # legacy OLE (.doc): not accepted
    ],
)
async def test_content_that_is_no_accepted_type_is_refused_whatever_its_name(  # type: ignore[no-untyped-def]
    cast, dispatch, session, content: bytes
) -> None:
    refused = await upload(
        cast["coordinator"], content, name="letter.pdf", to=dispatch_docs(dispatch)
    )
    assert refused.status_code == 415
    assert refused.json()["code"] == "document_type_refused"
    assert await stored(session) == (0, 0)


async def test_an_empty_file_and_a_form_are_refused(cast, dispatch, session) -> None:  # type: ignore[no-untyped-def]
    empty = await upload(cast["coordinator"], b"", to=dispatch_docs(dispatch))
    assert empty.status_code == 422 and empty.json()["code"] == "document_empty"
    form = await upload(
        cast["coordinator"],
        b"--x\r\n",
        to=dispatch_docs(dispatch),
        headers={"Content-Type": "multipart/form-data; boundary=x"},
    )
    assert form.status_code == 415
    nameless = await cast["coordinator"].post(
        f"/api/dispatches/{dispatch.id}/documents", content=pdf(100)
    )
    assert nameless.status_code == 422
    bad_name = await upload(
        cast["coordinator"], pdf(100), to=dispatch_docs(dispatch), headers={"X-Filename": "%ff%fe"}
    )
    assert bad_name.status_code == 422 and bad_name.json()["code"] == "filename_invalid"
    assert await stored(session) == (0, 0)


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("../../etc/passwd", "passwd.pdf"),
        ("C:\\Users\\x\\Desktop\\письмо.pdf", "письмо.pdf"),
        ("reply\u202egnp.exe", "replygnp.pdf"),
        ("a\x00b\x07c.pdf", "abc.pdf"),
        ("..", "document.pdf"),
    ],
)
async def test_file_names_lose_their_paths_and_hidden_characters(  # type: ignore[no-untyped-def]
    cast, dispatch, sent: str, kept: str
) -> None:
    answer = await upload(cast["coordinator"], pdf(100), name=sent, to=dispatch_docs(dispatch))
    assert answer.status_code == 201, answer.text
    assert answer.json()["filename"] == kept
    got = await cast["coordinator"].get(f"/api/documents/{answer.json()['id']}")
    assert "/" not in got.headers["content-disposition"].split("filename*")[0]


async def test_an_office_document_is_recognized_by_its_parts(cast, dispatch) -> None:  # type: ignore[no-untyped-def]
    docx = zip_bytes(DOCX_ENTRIES)
    answer = await upload(cast["coordinator"], docx, name="reply.zip", to=dispatch_docs(dispatch))
    assert answer.status_code == 201, answer.text
    assert answer.json()["filename"] == "reply.docx"
    assert answer.json()["media_type"].endswith("wordprocessingml.document")
    got = await cast["coordinator"].get(f"/api/documents/{answer.json()['id']}")
    assert got.content == docx


@pytest.mark.parametrize(
    "entries",
    [
        # A zip bomb: 2 GB declared for a kilobyte of deflated zeros.
        [*DOCX_ENTRIES[:2], ("word/document.xml", bytes(1_000_000), 2_000_000_000)],
        # Climbing out of the directory it is unpacked in.
        [*DOCX_ENTRIES, ("../../evil.sh", b"#!/bin/sh", None)],
        # Too many parts.
        [*DOCX_ENTRIES, *[(f"word/media/{i}.xml", b"x", None) for i in range(5_001)]],
        # A zip, but no office document.
        [("notes.txt", b"hello", None)],
    ],
    ids=["bomb", "traversal", "entries", "plain-zip"],
)
async def test_unsafe_or_foreign_zip_containers_are_refused(  # type: ignore[no-untyped-def]
    cast, dispatch, session, entries
) -> None:
    refused = await upload(
        cast["coordinator"], zip_bytes(entries), name="reply.docx", to=dispatch_docs(dispatch)
    )
    assert refused.status_code == 415, refused.text
    assert refused.json()["code"] == "document_container_refused"
    assert await stored(session) == (0, 0)


async def test_a_truncated_or_tampered_file_is_not_served(cast, dispatch, session) -> None:  # type: ignore[no-untyped-def]
    sent = await upload(cast["coordinator"], pdf(2 * CHUNK_SIZE + 5), to=dispatch_docs(dispatch))
    document_id = sent.json()["id"]
    chunks = (
        await session.execute(
            select(DocumentChunk.seq, DocumentChunk.ciphertext).order_by(DocumentChunk.seq)
        )
    ).all()
    # Swapped chunks fail: each is bound to its position.
    await session.execute(
        update(DocumentChunk).where(DocumentChunk.seq == 0).values(ciphertext=chunks[1][1])
    )
    await session.commit()
    swapped = await cast["coordinator"].get(f"/api/documents/{document_id}")
    assert swapped.status_code == 500 and swapped.json()["code"] == "document_damaged"
    await session.execute(
        update(DocumentChunk).where(DocumentChunk.seq == 0).values(ciphertext=chunks[0][1])
    )
    # The last chunk dropped: the count says so before a byte is sent.
    await session.execute(delete(DocumentChunk).where(DocumentChunk.seq == 2))
    await session.commit()
    truncated = await cast["coordinator"].get(f"/api/documents/{document_id}")
    assert truncated.status_code == 500 and truncated.json()["code"] == "document_damaged"
