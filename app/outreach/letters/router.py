"""Letters per recipient: the index, one letter (JSON preview, PDF, plain text), a ZIP of
letters for a group, and the closing phrase printed after the signatories.

Thin: access (app/outreach/access.py), one service call, a schema or a file. Letters are
read-only views of a frozen text: reading them needs outreach READ (coordinators and the
writing organizations' representatives); setting the closing phrase needs TRACK.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Header, Query, Response
from fastapi.responses import StreamingResponse

from app.auth.dependencies import AppClock, AppSettings, SignedIn
from app.db import DbSession, UnitOfWorkRoute
from app.kit.preconditions import IF_MATCH_REFUSALS
from app.outreach.access import OutreachRight, access_outreach
from app.outreach.letters import files, service
from app.outreach.letters.schemas import (
    LetterBatchIn,
    LetterClosingIn,
    LetterClosingRead,
    LetterIndex,
    LetterRead,
    LetterRecipient,
)
from app.outreach.letters.text import letter_text
from app.outreach.letters.typeset import letter_pdf

router = APIRouter(prefix="/appeals/{appeal_id}", tags=["letters"], route_class=UnitOfWorkRoute)

MAX_INDEX = 1000
FILE_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}
LETTER_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {
        "description": "appeal_not_found (or not visible), recipient_not_found, "
        "recipient_group_not_found"
    },
    409: {"description": "appeal_not_frozen: the appeal has no text open for signatures"},
    422: {"description": "letter_date_invalid, letter_too_long, request_invalid"},
}
DateQuery = Annotated[
    date | None,
    Query(alias="date", description="The letter's date (a dispatch's); default: today"),
]


def _day(clock_day: date, requested: date | None) -> date:
    return service.check_date(requested or clock_day)


@router.get("/letters", operation_id="listLetters", responses=LETTER_RESPONSES)
async def list_letters(
    appeal_id: uuid.UUID, actor: SignedIn, session: DbSession, settings: AppSettings
) -> LetterIndex:
    """The registry's recipients (not archived), each with the language its letter is in."""
    access = await access_outreach(session, actor, appeal_id, OutreachRight.READ)
    context = await service.letter_context(
        session, access=access, public_url=settings.http.public_url
    )
    items = []
    for recipient in await service.active_recipients(session, limit=MAX_INDEX):
        source = service.source_for(context, recipient.language)
        items.append(
            LetterRecipient(
                recipient_id=recipient.id,
                name=recipient.name or "",
                kind=recipient.kind,
                country=recipient.country,
                preferred_language=recipient.language,
                language=source.language,
                translated=source.translated,
            )
        )
    return LetterIndex(
        sha256=context.sha256, source_language=context.source.language, recipients=items
    )


@router.get(
    "/letters/{recipient_id}.pdf",
    operation_id="downloadLetterPdf",
    response_class=Response,
    responses={**LETTER_RESPONSES, 200: {"content": {"application/pdf": {}}}},
)
async def letter_pdf_file(
    appeal_id: uuid.UUID,
    recipient_id: uuid.UUID,
    actor: SignedIn,
    session: DbSession,
    settings: AppSettings,
    clock: AppClock,
    on: DateQuery = None,
) -> Response:
    """The letter to one recipient as PDF (an attachment)."""
    access = await access_outreach(session, actor, appeal_id, OutreachRight.READ)
    day = _day(clock.now().date(), on)
    recipient = await service.get_recipient(session, recipient_id)
    context = await service.letter_context(
        session, access=access, public_url=settings.http.public_url
    )
    _, letter = service.compose(context, recipient, day)
    pdf = await to_thread.run_sync(service.typeset, letter)
    ascii_name, unicode_name = files.letter_stem(recipient.name or "", str(recipient.id), day)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            **FILE_HEADERS,
            "Content-Disposition": files.content_disposition(
                f"{ascii_name}.pdf", f"{unicode_name}.pdf"
            ),
        },
    )


@router.get(
    "/letters/{recipient_id}.txt",
    operation_id="downloadLetterText",
    response_class=Response,
    responses={**LETTER_RESPONSES, 200: {"content": {"text/plain": {}}}},
)
async def letter_text_file(
    appeal_id: uuid.UUID,
    recipient_id: uuid.UUID,
    actor: SignedIn,
    session: DbSession,
    settings: AppSettings,
    clock: AppClock,
    on: DateQuery = None,
) -> Response:
    """The letter to one recipient as plain text (an email body; an attachment)."""
    access = await access_outreach(session, actor, appeal_id, OutreachRight.READ)
    day = _day(clock.now().date(), on)
    recipient = await service.get_recipient(session, recipient_id)
    context = await service.letter_context(
        session, access=access, public_url=settings.http.public_url
    )
    _, letter = service.compose(context, recipient, day)
    ascii_name, unicode_name = files.letter_stem(recipient.name or "", str(recipient.id), day)
    return Response(
        letter_text(letter).encode(),
        media_type="text/plain; charset=utf-8",
        headers={
            **FILE_HEADERS,
            "Content-Disposition": files.content_disposition(
                f"{ascii_name}.txt", f"{unicode_name}.txt"
            ),
        },
    )


@router.get("/letters/{recipient_id}", operation_id="readLetter", responses=LETTER_RESPONSES)
async def read_letter(
    appeal_id: uuid.UUID,
    recipient_id: uuid.UUID,
    actor: SignedIn,
    session: DbSession,
    settings: AppSettings,
    clock: AppClock,
    response: Response,
    on: DateQuery = None,
) -> LetterRead:
    """The letter to one recipient as a preview: its plain text and what it was made from."""
    access = await access_outreach(session, actor, appeal_id, OutreachRight.READ)
    day = _day(clock.now().date(), on)
    recipient = await service.get_recipient(session, recipient_id)
    context = await service.letter_context(
        session, access=access, public_url=settings.http.public_url
    )
    source, letter = service.compose(context, recipient, day)
    response.headers["Cache-Control"] = "no-store"
    return LetterRead(
        recipient_id=recipient.id,
        recipient_name=recipient.name or "",
        language=source.language,
        translated=source.translated,
        date=day,
        sha256=context.sha256,
        verify_url=context.verify_url,
        text=letter_text(letter),
    )


@router.post(
    "/letters/batch",
    operation_id="downloadLetterBatch",
    response_class=StreamingResponse,
    responses={**LETTER_RESPONSES, 200: {"content": {"application/zip": {}}}},
)
async def letter_batch(
    appeal_id: uuid.UUID,
    body: LetterBatchIn,
    actor: SignedIn,
    session: DbSession,
    settings: AppSettings,
    clock: AppClock,
) -> StreamingResponse:
    """The letters to a group (or to the recipients named) as one ZIP, each as PDF and
    plain text, streamed: typeset one at a time while the archive is sent."""
    access = await access_outreach(session, actor, appeal_id, OutreachRight.READ)
    day = _day(clock.now().date(), body.date)
    if body.group_id is not None:
        recipients = await service.group_recipients(session, body.group_id)
    else:
        recipients = await service.recipients_by_ids(session, body.recipient_ids or [])
    context = await service.letter_context(
        session, access=access, public_url=settings.http.public_url
    )
    # Everything the archive needs is read now, inside the unit of work; the stream
    # only typesets (in a worker thread: Starlette iterates a plain iterator off the loop).
    letters = [
        (files.letter_stem(r.name or "", str(r.id), day)[1], service.compose(context, r, day)[1])
        for r in recipients
    ]

    def entries() -> Iterator[tuple[str, bytes]]:
        for number, (stem, letter) in enumerate(letters, start=1):
            name = f"{number:03d}-{stem}"
            yield f"{name}.pdf", letter_pdf(letter)
            yield f"{name}.txt", letter_text(letter).encode()

    return StreamingResponse(
        files.zip_stream(entries()),
        media_type="application/zip",
        headers={
            **FILE_HEADERS,
            "Content-Disposition": files.content_disposition(
                f"letters-{day.isoformat()}.zip", f"letters-{day.isoformat()}.zip"
            ),
        },
    )


@router.get("/letter-closing", operation_id="readLetterClosing", responses=LETTER_RESPONSES)
async def read_letter_closing(
    appeal_id: uuid.UUID, actor: SignedIn, session: DbSession, response: Response
) -> LetterClosingRead:
    """The phrase printed after the signatories; its ETag is what a change sends back."""
    access = await access_outreach(session, actor, appeal_id, OutreachRight.READ)
    text, etag = await service.letter_closing(session, access.appeal)
    response.headers["ETag"] = etag
    return LetterClosingRead(text=text)


@router.put(
    "/letter-closing",
    operation_id="setLetterClosing",
    responses={**LETTER_RESPONSES, **IF_MATCH_REFUSALS},
)
async def set_letter_closing(
    appeal_id: uuid.UUID,
    body: LetterClosingIn,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> LetterClosingRead:
    """Coordinators: set or clear (null) the closing phrase, with If-Match (audited)."""
    access = await access_outreach(session, actor, appeal_id, OutreachRight.TRACK)
    text, etag = await service.set_letter_closing(
        session, actor=actor, access=access, text=body.text, if_match=if_match, now=clock.now()
    )
    response.headers["ETag"] = etag
    return LetterClosingRead(text=text)
