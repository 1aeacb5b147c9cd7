"""Letters per recipient: the use cases behind app/outreach/letters/router.py.

A letter is made from the appeal's frozen revision (the text signatures bind to), in the
recipient's language when an approved translation of exactly that revision exists, with the
printed (public, counted) signatories, the counts of withheld ones, and the closing phrase a
coordinator set. Nothing here writes except :func:`set_letter_closing`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from anyio import to_thread
from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import Actor
from app.appeals import translations
from app.appeals.service import revision_blocks
from app.appeals.text.blocks import Block, BlockKind
from app.audit import AuditAction, record_event
from app.kit.preconditions import check_if_match, row_etag
from app.models.appeals import Appeal
from app.models.outreach import Recipient
from app.outreach import appeal_settings
from app.outreach.access import OutreachAccess
from app.outreach.letters import files, layout
from app.outreach.letters.errors import AppealNotFrozen, LetterDateInvalid, LetterTooLong
from app.outreach.letters.typeset import TypesetFailed, letter_pdf
from app.outreach.recipients import service as recipients
from app.signatories import counts as counting
from app.signatories import service as signatories

# The printed list is read in pages of this many; a letter prints at most MAX_PRINTED names
# (beyond that, a coalition attaches the list: see signatures.csv).
PAGE = 1000
MAX_PRINTED = 5000
INDIVIDUAL_KINDS = ("member", "public")
UNPRINTED_TIERS = ("withheld", "counted")


@dataclass(frozen=True)
class Source:
    """The frozen text in one language."""

    blocks: list[Block]
    language: str
    translated: bool


@dataclass(frozen=True)
class LetterContext:
    """What every letter of one appeal shares: loaded once for a batch."""

    appeal: Appeal
    sha256: str
    source: Source
    translated: dict[str, Source]  # language tag (lower case) -> approved current translation
    signatories: layout.Signatories
    verify_url: str


def check_date(day: date) -> date:
    if not 2000 <= day.year <= 2100:
        raise LetterDateInvalid()
    return day


def verify_url(public_url: str, sha256: str) -> str:
    """Where a reader of the letter checks the text against the hash its footer prints: the
    public page that shows a frozen or sent text by its hash (``/verify/<sha256>``)."""
    return f"{public_url.rstrip('/')}/verify/{sha256}"


async def _frozen_source(session: AsyncSession, appeal: Appeal) -> tuple[str, Source]:
    sha256 = appeal.frozen_sha256
    if sha256 is None:
        raise AppealNotFrozen()
    revision = await signatories.frozen_revision(session, appeal, sha256)
    if revision is None:
        raise AppealNotFrozen()
    return sha256, Source(revision_blocks(revision), appeal.language, False)


async def _translations(session: AsyncSession, appeal: Appeal, sha256: str) -> dict[str, Source]:
    """Approved translations of exactly the frozen revision, by language."""
    found: dict[str, Source] = {}
    for item in await translations.list_translations(session, appeal=appeal):
        if not item.approved or item.source_sha256 != sha256:
            continue
        translation = await translations.get_translation(session, appeal, item.language)
        read = await translations.translation_read(session, appeal=appeal, translation=translation)
        blocks = [Block(b.id, BlockKind(b.kind), b.text) for b in read.blocks]
        found[item.language.lower()] = Source(blocks, item.language, True)
    return found


async def _signatories(
    session: AsyncSession, appeal: Appeal, closing: str | None
) -> layout.Signatories:
    organizations: list[layout.Signer] = []
    individuals: list[layout.Signer] = []
    after: uuid.UUID | None = None
    printed = 0
    while printed < MAX_PRINTED:
        page = await signatories.public_signatures(session, appeal, after=after, limit=PAGE)
        if not page:
            break
        for signature in page:
            signer = layout.Signer(signature.public_name or "", signature.public_line or None)
            (organizations if signature.kind == "organization" else individuals).append(signer)
        printed += len(page)
        after = page[-1].id
    counts = await counting.read(session, appeal.id)
    return layout.Signatories(
        organizations=organizations[:MAX_PRINTED],
        individuals=individuals[: max(0, MAX_PRINTED - len(organizations))],
        withheld_organizations=sum(
            counts.get("counted", "organization", tier) for tier in UNPRINTED_TIERS
        ),
        withheld_people=sum(
            counts.get("counted", kind, tier)
            for kind in INDIVIDUAL_KINDS
            for tier in UNPRINTED_TIERS
        ),
        closing_phrase=closing,
    )


async def letter_context(
    session: AsyncSession, *, access: OutreachAccess, public_url: str
) -> LetterContext:
    appeal = access.appeal
    sha256, source = await _frozen_source(session, appeal)
    row = await appeal_settings.find(session, appeal.id)
    closing = row.signature_closing if row is not None else None
    return LetterContext(
        appeal=appeal,
        sha256=sha256,
        source=source,
        translated=await _translations(session, appeal, sha256),
        signatories=await _signatories(session, appeal, closing),
        verify_url=verify_url(public_url, sha256),
    )


def letter_language(wanted: str, source_language: str, translated: Iterable[str]) -> str | None:
    """Which approved translation (a lower-case tag of ``translated``) a letter to a reader
    of ``wanted`` is made from: an exact tag first, then its primary language; None for the
    appeal's own text (the reader's language is the appeal's, or nothing fits). The one rule
    for letters and for the dispatches that record them."""
    tag = wanted.lower()
    if tag.split("-")[0] == source_language.lower().split("-")[0]:
        return None
    available = list(translated)
    if tag in available:
        return tag
    primary = tag.split("-")[0]
    return next((key for key in available if key.split("-")[0] == primary), None)


def source_for(context: LetterContext, language: str) -> Source:
    """The recipient's language when an approved current translation exists, else the
    appeal's own text (see :func:`letter_language`)."""
    chosen = letter_language(language, context.source.language, context.translated)
    return context.source if chosen is None else context.translated[chosen]


def compose(
    context: LetterContext, recipient: Recipient, day: date, *, language: str | None = None
) -> tuple[Source, layout.Letter]:
    """The letter to the recipient, in ``language`` when given (a dispatch's), else in the
    recipient's (see :func:`source_for`)."""
    source = source_for(context, language or recipient.language)
    letter = layout.build_letter(
        source.blocks,
        language=source.language,
        recipient=layout.Recipient(
            addressee=recipient.addressee or "",
            salutation=recipient.salutation,
            language=recipient.language,
        ),
        signatories=context.signatories,
        day=check_date(day),
        sha256=context.sha256,
        verify_url=context.verify_url,
    )
    return source, letter


def typeset(letter: layout.Letter) -> bytes:
    """The letter as PDF (CPU-bound: run it in a worker thread); 422 when it cannot be
    typeset."""
    try:
        return letter_pdf(letter)
    except TypesetFailed:
        raise LetterTooLong() from None


async def letter_pdfs(
    session: AsyncSession,
    *,
    access: OutreachAccess,
    recipients: list[tuple[Recipient, str]],
    day: date,
    public_url: str,
) -> dict[uuid.UUID, tuple[str, bytes]]:
    """(file name, PDF) of the letter to each recipient, by recipient id: what the letter
    endpoint gives, in the language paired with the recipient (its dispatch's), dated
    ``day``."""
    context = await letter_context(session, access=access, public_url=public_url)
    made: dict[uuid.UUID, tuple[str, bytes]] = {}
    for recipient, language in recipients:
        _, letter = compose(context, recipient, day, language=language)
        stem, _ = files.letter_stem(recipient.name or "", str(recipient.id), day)
        made[recipient.id] = (f"{stem}.pdf", await to_thread.run_sync(typeset, letter))
    return made


# --- recipients --------------------------------------------------------------------------


# One place reads recipients and groups: the registry (app/outreach/recipients).
get_recipient = recipients.get_recipient
group_recipients = recipients.list_group_recipients
recipients_by_ids = recipients.recipients_by_ids
active_recipients = recipients.active_recipients


# --- the closing phrase -------------------------------------------------------------------


async def letter_closing(session: AsyncSession, appeal: Appeal) -> tuple[str | None, str]:
    row = await appeal_settings.find(session, appeal.id)
    return (row.signature_closing if row is not None else None), row_etag(row)


async def set_letter_closing(
    session: AsyncSession,
    *,
    actor: Actor,
    access: OutreachAccess,
    text: str | None,
    if_match: str | None,
    now: datetime,
) -> tuple[str | None, str]:
    """Set (or clear, with None or "") the phrase after the signatories. If-Match names the
    version read ("0" before any was set); the row is created by one atomic INSERT … ON
    CONFLICT DO NOTHING and then locked, so two coordinators racing on PostgreSQL cannot
    both win: the second finds a newer version (412)."""
    appeal = access.appeal
    row, created = await appeal_settings.ensure(session, appeal.id)
    current = row_etag(None if created else row)
    check_if_match(if_match, current)
    row.signature_closing = text or None
    row.updated_at = now
    await session.flush()
    await record_event(
        session,
        actor=actor,
        action=AuditAction.LETTER_CLOSING_CHANGED,
        target=appeal,
        details={"cleared": not text},
        now=now,
    )
    return row.signature_closing, row_etag(row)
