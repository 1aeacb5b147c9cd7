"""Comments and suggestions on an appeal's text. Thin: access, one service call, a schema."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, status

from app.appeals import discussion
from app.appeals.access import AppealRight, access_appeal
from app.appeals.schemas import (
    CommentCreate,
    CommentList,
    CommentReply,
    CommentResolution,
    PersonList,
    SuggestionCreate,
    SuggestionList,
    SuggestionReject,
)
from app.auth.dependencies import AppClock, AppSettings, SignedIn
from app.db import DbSession, UnitOfWorkRoute

router = APIRouter(prefix="/appeals", tags=["appeals"], route_class=UnitOfWorkRoute)

NOT_VISIBLE: dict[int | str, dict[str, Any]] = {
    404: {"description": "appeal_not_found (or the comment, suggestion or revision named)"}
}


@router.get(
    "/{appeal_id}/comments",
    operation_id="listAppealComments",
    response_model=CommentList,
    responses=NOT_VISIBLE,
)
async def list_comments(appeal_id: uuid.UUID, actor: SignedIn, session: DbSession) -> CommentList:
    """Threads with their replies; each says where its passage is in the current text, or
    that it is outdated (the passage is gone) and which revision it was made on."""
    access = await access_appeal(session, actor, appeal_id)
    return CommentList(items=await discussion.list_comments(session, access=access))


@router.get(
    "/{appeal_id}/mentionable",
    operation_id="listMentionablePeople",
    response_model=PersonList,
    responses=NOT_VISIBLE,
)
async def list_mentionable(appeal_id: uuid.UUID, actor: SignedIn, session: DbSession) -> PersonList:
    """Whom the caller's comments may mention (everyone else who sees the appeal), by name;
    only for those who may comment."""
    access = await access_appeal(session, actor, appeal_id, AppealRight.COMMENT)
    return PersonList(items=await discussion.mentionable(session, actor=actor, access=access))


@router.post(
    "/{appeal_id}/comments",
    operation_id="addAppealComment",
    response_model=CommentList,
    status_code=status.HTTP_201_CREATED,
    responses={
        **NOT_VISIBLE,
        422: {"description": "selection_invalid or mention_not_allowed"},
    },
)
async def add_comment(
    appeal_id: uuid.UUID,
    body: CommentCreate,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
    settings: AppSettings,
) -> CommentList:
    """Members of writing organizations, editors and coordinators. ``start``/``end`` are
    character (code point) offsets into the block's text in that revision. Mentioned
    people must already see the appeal; they are told by email."""
    access = await access_appeal(session, actor, appeal_id, AppealRight.COMMENT)
    await discussion.add_comment(
        session,
        actor=actor,
        access=access,
        revision_id=body.revision_id,
        block_id=body.block_id,
        start=body.start,
        end=body.end,
        body=body.body,
        mentions=body.mentions,
        now=clock.now(),
        settings=settings,
    )
    return CommentList(items=await discussion.list_comments(session, access=access))


@router.post(
    "/{appeal_id}/comments/{comment_id}/replies",
    operation_id="replyToAppealComment",
    response_model=CommentList,
    status_code=status.HTTP_201_CREATED,
    responses=NOT_VISIBLE,
)
async def reply(
    appeal_id: uuid.UUID,
    comment_id: uuid.UUID,
    body: CommentReply,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
    settings: AppSettings,
) -> CommentList:
    access = await access_appeal(session, actor, appeal_id, AppealRight.COMMENT)
    await discussion.reply(
        session,
        actor=actor,
        access=access,
        comment_id=comment_id,
        body=body.body,
        mentions=body.mentions,
        now=clock.now(),
        settings=settings,
    )
    return CommentList(items=await discussion.list_comments(session, access=access))


@router.post(
    "/{appeal_id}/comments/{comment_id}/resolution",
    operation_id="resolveAppealComment",
    response_model=CommentList,
    responses=NOT_VISIBLE,
)
async def resolve(
    appeal_id: uuid.UUID,
    comment_id: uuid.UUID,
    body: CommentResolution,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
) -> CommentList:
    """Resolve a thread (``resolved: true``) or reopen it."""
    access = await access_appeal(session, actor, appeal_id, AppealRight.COMMENT)
    await discussion.resolve(
        session,
        actor=actor,
        access=access,
        comment_id=comment_id,
        resolved=body.resolved,
        now=clock.now(),
    )
    return CommentList(items=await discussion.list_comments(session, access=access))


@router.get(
    "/{appeal_id}/suggestions",
    operation_id="listAppealSuggestions",
    response_model=SuggestionList,
    responses=NOT_VISIBLE,
)
async def list_suggestions(
    appeal_id: uuid.UUID, actor: SignedIn, session: DbSession
) -> SuggestionList:
    access = await access_appeal(session, actor, appeal_id)
    return SuggestionList(items=await discussion.list_suggestions(session, access=access))


@router.post(
    "/{appeal_id}/suggestions",
    operation_id="suggestAppealChange",
    response_model=SuggestionList,
    status_code=status.HTTP_201_CREATED,
    responses={
        **NOT_VISIBLE,
        409: {"description": "text_frozen"},
        422: {"description": "selection_invalid or text_invalid"},
    },
)
async def suggest(
    appeal_id: uuid.UUID,
    body: SuggestionCreate,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
) -> SuggestionList:
    """Propose replacing a passage, inserting a block (or ask) or removing one."""
    access = await access_appeal(session, actor, appeal_id, AppealRight.COMMENT)
    await discussion.suggest(
        session,
        actor=actor,
        access=access,
        revision_id=body.revision_id,
        change=body.change,
        note=body.note,
        now=clock.now(),
    )
    return SuggestionList(items=await discussion.list_suggestions(session, access=access))


@router.post(
    "/{appeal_id}/suggestions/{suggestion_id}/accept",
    operation_id="acceptAppealSuggestion",
    response_model=SuggestionList,
    responses={
        **NOT_VISIBLE,
        409: {"description": "suggestion_outdated, suggestion_decided or text_frozen"},
    },
)
async def accept(
    appeal_id: uuid.UUID,
    suggestion_id: uuid.UUID,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
    settings: AppSettings,
) -> SuggestionList:
    """Someone who may edit applies it to the current text: a new revision crediting the
    suggestion's author."""
    access = await access_appeal(session, actor, appeal_id, AppealRight.EDIT, lock=True)
    await discussion.accept_suggestion(
        session,
        actor=actor,
        access=access,
        suggestion_id=suggestion_id,
        now=clock.now(),
        settings=settings,
    )
    return SuggestionList(items=await discussion.list_suggestions(session, access=access))


@router.post(
    "/{appeal_id}/suggestions/{suggestion_id}/reject",
    operation_id="rejectAppealSuggestion",
    response_model=SuggestionList,
    responses={**NOT_VISIBLE, 409: {"description": "suggestion_decided"}},
)
async def reject(
    appeal_id: uuid.UUID,
    suggestion_id: uuid.UUID,
    body: SuggestionReject,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
    settings: AppSettings,
) -> SuggestionList:
    access = await access_appeal(session, actor, appeal_id, AppealRight.EDIT, lock=True)
    await discussion.reject_suggestion(
        session,
        actor=actor,
        access=access,
        suggestion_id=suggestion_id,
        reason=body.reason,
        now=clock.now(),
        settings=settings,
    )
    return SuggestionList(items=await discussion.list_suggestions(session, access=access))
