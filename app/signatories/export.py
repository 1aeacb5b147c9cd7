"""The public signatures as CSV, streamed: a page of rows at a time in a short read of its
own, so a hundred thousand signatures cost the memory of one page, and no transaction stays
open while the client reads slowly.

Only what the letter prints (public tier, counted, bound to the current text) ever leaves
this way; sealed identities leave only through unsealing, in custodians' browsers.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import AsyncIterator

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.models.signatories import Signature
from app.signatories.service import printed_after

PAGE = 1000
HEADER = ("name", "line", "kind", "signed_at")
# A cell a spreadsheet would run as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defused(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _lines(rows: list[tuple[str, ...]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([tuple(defused(cell) for cell in row) for row in rows])
    return buffer.getvalue()


async def public_signatures_csv(
    sessionmaker: async_sessionmaker[AsyncSession],
    appeal_id: uuid.UUID,
    revision_sha256: str | None,
) -> AsyncIterator[str]:
    yield _lines([HEADER])
    after: uuid.UUID | None = None
    while True:
        statement = (
            select(
                Signature.id,
                Signature.public_name,
                Signature.public_line,
                Signature.kind,
                Signature.counted_at,
            )
            .where(
                Signature.appeal_id == appeal_id,
                Signature.tier == "public",
                Signature.status == "counted",
            )
            .order_by(Signature.counted_at, Signature.id)
            .limit(PAGE)
        )
        if revision_sha256 is not None:
            statement = statement.where(Signature.revision_sha256 == revision_sha256)
        async with sessionmaker() as session:
            if after is not None:
                statement = statement.where(await printed_after(session, after))
            rows = (await session.execute(statement)).all()
        if not rows:
            return
        yield _lines(
            [
                (
                    name or "",
                    line or "",
                    kind,
                    counted_at.isoformat() if counted_at else "",
                )
                for _, name, line, kind, counted_at in rows
            ]
        )
        after = rows[-1][0]
