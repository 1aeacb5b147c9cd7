"""Translations of an appeal. Thin: access, one service call, a schema."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Response, status

from app.appeals import translations
from app.appeals.access import AppealRight, access_appeal
from app.appeals.schemas import (
    LanguageTag,
    TranslationApproval,
    TranslationCreate,
    TranslationList,
    TranslationRead,
    TranslationSave,
)
from app.auth.dependencies import AppClock, SignedIn
from app.db import DbSession, UnitOfWorkRoute

router = APIRouter(prefix="/appeals", tags=["appeals"], route_class=UnitOfWorkRoute)

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "appeal_not_found or translation_not_found"}
}
Language = Annotated[LanguageTag, Path(description="BCP 47 language tag")]


@router.get(
    "/{appeal_id}/translations",
    operation_id="listAppealTranslations",
    response_model=TranslationList,
    responses=NOT_FOUND,
)
async def list_translations(
    appeal_id: uuid.UUID, actor: SignedIn, session: DbSession
) -> TranslationList:
    """Each translation: current or stale (the source moved on), approved or not."""
    access = await access_appeal(session, actor, appeal_id)
    return TranslationList(
        items=await translations.list_translations(session, appeal=access.appeal)
    )


@router.post(
    "/{appeal_id}/translations",
    operation_id="createAppealTranslation",
    response_model=TranslationRead,
    status_code=status.HTTP_201_CREATED,
    responses={**NOT_FOUND, 409: {"description": "translation_exists or text_frozen"}},
)
async def create_translation(
    appeal_id: uuid.UUID,
    body: TranslationCreate,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
    response: Response,
) -> TranslationRead:
    """Starts as a copy of the current text; translate each block in place."""
    access = await access_appeal(session, actor, appeal_id, AppealRight.EDIT, lock=True)
    translation = await translations.create_translation(
        session, actor=actor, access=access, language=body.language, now=clock.now()
    )
    response.headers["ETag"] = translations.translation_etag(translation)
    return await translations.translation_read(
        session, appeal=access.appeal, translation=translation
    )


@router.get(
    "/{appeal_id}/translations/{language}",
    operation_id="getAppealTranslation",
    response_model=TranslationRead,
    responses=NOT_FOUND,
)
async def get_translation(
    appeal_id: uuid.UUID,
    language: Language,
    actor: SignedIn,
    session: DbSession,
    response: Response,
) -> TranslationRead:
    """The translation beside the current source; when stale, what changed in the source
    since the revision it translates."""
    access = await access_appeal(session, actor, appeal_id)
    translation = await translations.get_translation(session, access.appeal, language)
    response.headers["ETag"] = translations.translation_etag(translation)
    return await translations.translation_read(
        session, appeal=access.appeal, translation=translation
    )


@router.put(
    "/{appeal_id}/translations/{language}/text",
    operation_id="saveAppealTranslation",
    response_model=TranslationRead,
    responses={
        **NOT_FOUND,
        409: {"description": "text_frozen"},
        412: {"description": "version_mismatch: someone saved this translation meanwhile"},
        422: {"description": "text_invalid (blocks differ from the source's)"},
        428: {"description": "if_match_required"},
    },
)
async def save_translation(
    appeal_id: uuid.UUID,
    language: Language,
    body: TranslationSave,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> TranslationRead:
    """A new revision translating the current source text (same blocks, same ids)."""
    access = await access_appeal(session, actor, appeal_id, AppealRight.EDIT, lock=True)
    translation = await translations.get_translation(session, access.appeal, language, lock=True)
    await translations.save_translation(
        session,
        actor=actor,
        access=access,
        translation=translation,
        blocks=body.blocks,
        if_match=if_match,
        now=clock.now(),
    )
    response.headers["ETag"] = translations.translation_etag(translation)
    return await translations.translation_read(
        session, appeal=access.appeal, translation=translation
    )


@router.post(
    "/{appeal_id}/translations/{language}/approval",
    operation_id="approveAppealTranslation",
    response_model=TranslationRead,
    responses={**NOT_FOUND, 409: {"description": "approval_not_current (stale or changed)"}},
)
async def approve_translation(
    appeal_id: uuid.UUID,
    language: Language,
    body: TranslationApproval,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
) -> TranslationRead:
    """The lead's representatives or a coordinator approve the exact translation read."""
    access = await access_appeal(session, actor, appeal_id, AppealRight.MANAGE, lock=True)
    translation = await translations.get_translation(session, access.appeal, language, lock=True)
    await translations.approve_translation(
        session,
        actor=actor,
        access=access,
        translation=translation,
        sha256=body.sha256,
        now=clock.now(),
    )
    return await translations.translation_read(
        session, appeal=access.appeal, translation=translation
    )
