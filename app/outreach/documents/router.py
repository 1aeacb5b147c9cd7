"""Documents of outreach: upload to a dispatch or a response (the raw file as the body,
streamed), list, download (streamed), delete.

Thin: access and the work in service.py. Uploads never go through multipart parsing, whose
spooling would write the plaintext to a temporary file on disk.
"""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Any
from urllib.parse import unquote

from fastapi import APIRouter, Header, Request, status
from fastapi.responses import StreamingResponse
from starlette.requests import ClientDisconnect

from app.auth.dependencies import AppSettings, SignedIn
from app.db import DbSession, UnitOfWorkRoute
from app.kit.schemas import Outcome
from app.models.outreach import Document
from app.outreach.access import OutreachRight
from app.outreach.documents import service, sniff
from app.outreach.documents.errors import (
    DocumentTooLarge,
    DocumentTypeRefused,
    FilenameMissing,
    UploadIncomplete,
)
from app.outreach.documents.schemas import DocumentList, DocumentRead

router = APIRouter(tags=["outreach"], route_class=UnitOfWorkRoute)

# The upload routes, for the outermost body limit (app/middleware.py): theirs is the
# document limit plus UPLOAD_SLACK, so that the route's own, exact refusal answers first.
DOCUMENT_UPLOADS = re.compile(r"/api/(dispatches|responses)/[^/]+/documents")
UPLOAD_SLACK = 65_536

ACCEPTED_TYPES = ", ".join(t.extension for t in sniff.ACCEPTED)
UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": f"The file itself, as the raw body ({ACCEPTED_TYPES}).",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}
UPLOAD_REFUSALS: dict[int | str, dict[str, Any]] = {
    400: {"description": "upload_incomplete: the body ended early"},
    413: {"description": "document_too_large: past ACCORD_OUTREACH__DOCUMENT_MAX_BYTES"},
    415: {
        "description": "document_type_refused (content not an accepted type), "
        "document_container_refused (a damaged or unsafe office document)"
    },
    422: {"description": "document_empty, filename_invalid"},
}
DOWNLOAD_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        "description": "the file, streamed, as an attachment",
    },
    404: {"description": "document_not_found"},
    500: {"description": "document_damaged: stored chunks missing or failing to decrypt"},
}
# Optional to validation so that access is decided first; missing, it is refused after.
FilenameHeader = Annotated[
    str | None,
    Header(
        alias="X-Filename",
        max_length=1024,
        description="The file's name, percent-encoded UTF-8 (the stored name is sanitized).",
    ),
]


def document_read(document: Document) -> DocumentRead:
    return DocumentRead(
        id=document.id,
        role=document.role,  # type: ignore[arg-type]
        dispatch_id=document.dispatch_id,
        response_id=document.response_id,
        filename=document.filename,
        media_type=sniff.media_type_of(document.media_type),
        size=document.size,
        uploaded_at=document.created_at,
        uploaded_by=document.uploaded_by,
    )


def _filename(value: str | None) -> str:
    if value is None:
        raise FilenameMissing()
    try:
        name = unquote(value, errors="strict")
    except UnicodeDecodeError:
        raise FilenameMissing() from None
    if not name.strip():
        raise FilenameMissing()
    return name


async def _upload(
    request: Request,
    session: DbSession,
    actor: SignedIn,
    settings: AppSettings,
    parent: service.Parent,
    x_filename: str | None,
) -> DocumentRead:
    limit = settings.outreach.document_max_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise DocumentTooLarge(f"The limit is {limit} bytes.")
    if request.headers.get("content-type", "").lower().startswith("multipart/"):
        raise DocumentTypeRefused("Send the file itself as the body, not a form.")
    raw_name = _filename(x_filename)
    try:
        document = await service.upload(
            session, actor, parent, request.stream(), raw_filename=raw_name, max_bytes=limit
        )
    except ClientDisconnect:
        raise UploadIncomplete() from None
    return document_read(document)


@router.post(
    "/dispatches/{dispatch_id}/documents",
    operation_id="uploadDispatchDocument",
    response_model=DocumentRead,
    status_code=status.HTTP_201_CREATED,
    openapi_extra=UPLOAD_BODY,
    responses={**UPLOAD_REFUSALS, 404: {"description": "dispatch_not_found"}},
)
async def upload_dispatch_document(
    dispatch_id: uuid.UUID,
    request: Request,
    session: DbSession,
    actor: SignedIn,
    settings: AppSettings,
    x_filename: FilenameHeader = None,
) -> DocumentRead:
    """Attach a proof of dispatch (a receipt, the scan of the letter sent): coordinators.
    The type is recognized from the content; the stored name ends in its extension."""
    parent = await service.dispatch_parent(session, actor, dispatch_id, OutreachRight.TRACK)
    return await _upload(request, session, actor, settings, parent, x_filename)


@router.post(
    "/responses/{response_id}/documents",
    operation_id="uploadResponseDocument",
    response_model=DocumentRead,
    status_code=status.HTTP_201_CREATED,
    openapi_extra=UPLOAD_BODY,
    responses={**UPLOAD_REFUSALS, 404: {"description": "response_not_found"}},
)
async def upload_response_document(
    response_id: uuid.UUID,
    request: Request,
    session: DbSession,
    actor: SignedIn,
    settings: AppSettings,
    x_filename: FilenameHeader = None,
) -> DocumentRead:
    """Attach a response's document (the letter received): coordinators."""
    parent = await service.response_parent(session, actor, response_id, OutreachRight.TRACK)
    return await _upload(request, session, actor, settings, parent, x_filename)


@router.get(
    "/dispatches/{dispatch_id}/documents",
    operation_id="listDispatchDocuments",
    response_model=DocumentList,
    responses={404: {"description": "dispatch_not_found"}},
)
async def list_dispatch_documents(
    dispatch_id: uuid.UUID, session: DbSession, actor: SignedIn
) -> DocumentList:
    """A dispatch's documents, oldest first (whoever may read the appeal's outreach)."""
    parent = await service.dispatch_parent(session, actor, dispatch_id, OutreachRight.READ)
    return DocumentList(
        items=[document_read(d) for d in await service.documents_of(session, parent)]
    )


@router.get(
    "/responses/{response_id}/documents",
    operation_id="listResponseDocuments",
    response_model=DocumentList,
    responses={404: {"description": "response_not_found"}},
)
async def list_response_documents(
    response_id: uuid.UUID, session: DbSession, actor: SignedIn
) -> DocumentList:
    """A response's documents, oldest first (whoever may read the appeal's outreach)."""
    parent = await service.response_parent(session, actor, response_id, OutreachRight.READ)
    return DocumentList(
        items=[document_read(d) for d in await service.documents_of(session, parent)]
    )


@router.get(
    "/documents/{document_id}",
    operation_id="downloadDocument",
    response_class=StreamingResponse,
    responses=DOWNLOAD_RESPONSES,
)
async def download_document(
    document_id: uuid.UUID, request: Request, session: DbSession, actor: SignedIn
) -> StreamingResponse:
    """The file, decrypted as it streams, as an attachment that no browser renders inline
    or runs (sandboxed, never sniffed, never cached)."""
    download = await service.open_download(session, actor, document_id)
    document = download.document
    return StreamingResponse(
        service.stream_download(request.app.state.sessionmaker, download),
        media_type=sniff.media_type_of(document.media_type),
        headers={
            "Content-Disposition": sniff.content_disposition(download.filename),
            "Content-Length": str(document.size),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )


@router.delete(
    "/documents/{document_id}",
    operation_id="deleteDocument",
    response_model=Outcome,
    responses={404: {"description": "document_not_found"}},
)
async def delete_document(document_id: uuid.UUID, session: DbSession, actor: SignedIn) -> Outcome:
    """Delete a document and its stored chunks: coordinators (audited)."""
    await service.delete(session, actor, document_id)
    return Outcome()
