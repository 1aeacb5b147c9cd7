"""Translations of an appeal: the same blocks (same ids, same kinds, same order) as the
source revision they translate, with revisions of their own.

A translation is *stale* when the source has moved on since the source revision it
translates; reading it then shows what changed in the source. It is *approved* for one
exact translation hash. An appeal opens only when every translation is current and
approved (review.change_state).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.actors import Actor
from app.appeals import repository as repo
from app.appeals.access import AppealAccess, AppealRight
from app.appeals.errors import (
    StaleApproval,
    TextFrozen,
    TextInvalid,
    TranslationExists,
    TranslationNotFound,
)
from app.appeals.lifecycle import AppealState, can_save_revision
from app.appeals.schemas import BlockIn, TranslationRead, TranslationSummary
from app.appeals.service import (
    based_on,
    block_reads,
    checked_blocks,
    diff_read,
    head_revision,
    revision_blocks,
)
from app.appeals.text.blocks import Block, blocks_from_json, blocks_to_json
from app.appeals.text.canonical import text_sha256
from app.audit import AuditAction, record_event
from app.kit.preconditions import PreconditionFailed
from app.models.appeals import Appeal, AppealTranslation, TranslationRevision


def translation_etag(translation: AppealTranslation) -> str:
    return f'"{translation.head_revision_id}"'


def _same_shape(source: list[Block], translated: list[Block]) -> None:
    if [(b.id, b.kind) for b in source] != [(b.id, b.kind) for b in translated]:
        raise TextInvalid(
            "A translation has the same blocks as the source, in the same order: "
            "translate each block's text"
        )


def summary(
    appeal: Appeal, translation: AppealTranslation, numbers: dict[str, int]
) -> TranslationSummary:
    return TranslationSummary(
        language=translation.language,
        head_number=translation.head_number,
        sha256=translation.head_sha256,
        source_sha256=translation.source_sha256,
        source_number=numbers.get(translation.source_sha256 or ""),
        stale=translation.source_sha256 != appeal.head_sha256,
        approved=translation.approved_sha256 is not None
        and translation.approved_sha256 == translation.head_sha256,
    )


async def _numbers(session: AsyncSession, appeal: Appeal) -> dict[str, int]:
    # The latest number of each source hash (a text reverted to an older one repeats it).
    return {r.sha256: r.number for r in await repo.all_revisions(session, appeal.id)}


async def list_translations(session: AsyncSession, *, appeal: Appeal) -> list[TranslationSummary]:
    numbers = await _numbers(session, appeal)
    return [summary(appeal, t, numbers) for t in await repo.list_translations(session, appeal.id)]


async def translations_ready(session: AsyncSession, appeal: Appeal) -> bool:
    """Every translation current (translates the head) and approved as it stands."""
    for translation in await repo.list_translations(session, appeal.id):
        if translation.source_sha256 != appeal.head_sha256:
            return False
        if translation.approved_sha256 != translation.head_sha256:
            return False
    return True


async def _add_revision(
    session: AsyncSession,
    *,
    actor: Actor,
    appeal: Appeal,
    translation: AppealTranslation,
    blocks: list[Block],
    now: datetime,
) -> TranslationRevision:
    source = await head_revision(session, appeal)
    revision = TranslationRevision(
        translation_id=translation.id,
        number=translation.head_number + 1,
        parent_sha256=translation.head_sha256,
        sha256=text_sha256(blocks),
        source_revision_id=source.id,
        source_sha256=source.sha256,
        author_id=actor.user_id,
        created_at=now,
    )
    revision.blocks_json = blocks_to_json(blocks)
    session.add(revision)
    await session.flush()
    translation.head_revision_id = revision.id
    translation.head_number = revision.number
    translation.head_sha256 = revision.sha256
    translation.source_sha256 = source.sha256
    await session.flush()
    await record_event(
        session,
        actor=actor,
        action=AuditAction.APPEAL_TRANSLATION_REVISED,
        target=appeal,
        details={
            "language": translation.language,
            "number": revision.number,
            "sha256": revision.sha256,
            "source_sha256": source.sha256,
        },
    )
    return revision


async def create_translation(
    session: AsyncSession, *, actor: Actor, access: AppealAccess, language: str, now: datetime
) -> AppealTranslation:
    """Start a translation as a copy of the current source text (each block then gets
    translated in place, keeping its id)."""
    access.require(AppealRight.EDIT)
    appeal = access.appeal
    if not can_save_revision(AppealState(appeal.state)):
        raise TextFrozen()
    if language == appeal.language:
        raise TextInvalid("That is the language the appeal is written in")
    translation = AppealTranslation(
        appeal_id=appeal.id,
        language=language,
        head_number=0,
        created_by=actor.user_id,
        created_at=now,
    )
    session.add(translation)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        raise TranslationExists() from None
    await record_event(
        session,
        actor=actor,
        action=AuditAction.APPEAL_TRANSLATION_CREATED,
        target=appeal,
        details={"language": language},
    )
    source = revision_blocks(await head_revision(session, appeal))
    await _add_revision(
        session, actor=actor, appeal=appeal, translation=translation, blocks=source, now=now
    )
    return translation


async def get_translation(
    session: AsyncSession, appeal: Appeal, language: str, *, lock: bool = False
) -> AppealTranslation:
    translation = await repo.get_translation(session, appeal.id, language, lock=lock)
    if translation is None:
        raise TranslationNotFound()
    return translation


async def translation_read(
    session: AsyncSession, *, appeal: Appeal, translation: AppealTranslation
) -> TranslationRead:
    numbers = await _numbers(session, appeal)
    revision = (
        await repo.get_translation_revision(session, translation.head_revision_id)
        if translation.head_revision_id
        else None
    )
    head = await head_revision(session, appeal)
    source_now = revision_blocks(head)
    blocks = blocks_from_json(revision.blocks_json) if revision else []
    source_diff = None
    stale = translation.source_sha256 != appeal.head_sha256
    if stale and revision is not None:
        translated_source = await repo.get_revision(session, revision.source_revision_id)
        if translated_source is not None:
            source_diff = diff_read(
                revision_blocks(translated_source),
                source_now,
                translated_source.number,
                head.number,
            )
    return TranslationRead(
        **summary(appeal, translation, numbers).model_dump(),
        blocks=block_reads(blocks),
        source_blocks=block_reads(source_now),
        source_diff=source_diff,
    )


async def save_translation(
    session: AsyncSession,
    *,
    actor: Actor,
    access: AppealAccess,
    translation: AppealTranslation,
    blocks: list[BlockIn],
    if_match: str | None,
    now: datetime,
) -> AppealTranslation:
    """A new translation revision of the *current* source text (its blocks, same ids)."""
    access.require(AppealRight.EDIT)
    appeal = access.appeal
    if based_on(if_match) != translation.head_revision_id:
        raise PreconditionFailed()
    if not can_save_revision(AppealState(appeal.state)):
        raise TextFrozen()
    translated = checked_blocks(blocks)
    _same_shape(revision_blocks(await head_revision(session, appeal)), translated)
    if (
        text_sha256(translated) == translation.head_sha256
        and translation.source_sha256 == appeal.head_sha256
    ):
        return translation
    await _add_revision(
        session, actor=actor, appeal=appeal, translation=translation, blocks=translated, now=now
    )
    return translation


async def approve_translation(
    session: AsyncSession,
    *,
    actor: Actor,
    access: AppealAccess,
    translation: AppealTranslation,
    sha256: str,
    now: datetime,
) -> AppealTranslation:
    """Approve exactly the translation one read; a stale one cannot be approved."""
    access.require(AppealRight.MANAGE)
    appeal = access.appeal
    if sha256 != translation.head_sha256 or translation.source_sha256 != appeal.head_sha256:
        raise StaleApproval()
    translation.approved_sha256 = sha256
    translation.approved_by = actor.user_id
    translation.approved_at = now
    await session.flush()
    await record_event(
        session,
        actor=actor,
        action=AuditAction.APPEAL_TRANSLATION_APPROVED,
        target=appeal,
        details={"language": translation.language, "sha256": sha256},
    )
    return translation
