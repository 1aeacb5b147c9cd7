"""Appeals: list, start, read; the text (save with If-Match), history, diff, export;
lifecycle, co-authors, editors, approvals and activity.

Thin: access (404 outside the compartment), one service call, a schema. Comments and
suggestions are in discussion_router.py, translations in translations_router.py.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Response, status

from app.appeals import review, service
from app.appeals.access import AppealRight, access_appeal
from app.appeals.activity import appeal_activity
from app.appeals.lifecycle import AppealAction
from app.appeals.schemas import (
    MAX_REVISION_NUMBER,
    ActivityList,
    AppealCreate,
    AppealPage,
    AppealRead,
    AppealStateName,
    ApprovalCreate,
    CoAuthorDecision,
    CoAuthorInvite,
    ConflictRead,
    DiffRead,
    EditorAdd,
    ImportRequest,
    ImportResultRead,
    OrganizationChoice,
    OrganizationChoices,
    RevisionPage,
    SaveResult,
    TextRead,
    TextSave,
    TransitionRequest,
)
from app.appeals.text.export import export_markdown
from app.auth.dependencies import AppClock, AppSettings, SignedIn
from app.db import DbSession, UnitOfWorkRoute
from app.kit.pagination import Cursor, Limit
from app.kit.schemas import Outcome

router = APIRouter(prefix="/appeals", tags=["appeals"], route_class=UnitOfWorkRoute)

NOT_VISIBLE: dict[int | str, dict[str, Any]] = {
    404: {"description": "appeal_not_found: no such appeal, or one the caller may not see"}
}
ETAG_WRITE: dict[int | str, dict[str, Any]] = {
    **NOT_VISIBLE,
    412: {"description": "version_mismatch: If-Match names no revision of this appeal"},
    428: {"description": "if_match_required"},
}


@router.get("", operation_id="listAppeals", response_model=AppealPage)
async def list_appeals(
    actor: SignedIn,
    session: DbSession,
    state: Annotated[AppealStateName | None, Query()] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> AppealPage:
    """Newest first: coordinators see every appeal; others those their organizations write
    (representatives also those their organization is invited to)."""
    return await service.list_appeals(session, actor=actor, state=state, cursor=cursor, limit=limit)


@router.post(
    "",
    operation_id="createAppeal",
    response_model=AppealRead,
    status_code=status.HTTP_201_CREATED,
    responses={422: {"description": "text_invalid: the blocks break a rule of the format"}},
)
async def create_appeal(
    body: AppealCreate, actor: SignedIn, session: DbSession, clock: AppClock
) -> AppealRead:
    """A member of the lead organization (or a coordinator) starts an appeal; the first
    revision holds the given blocks (a title block is added from ``title`` if missing)."""
    appeal = await service.create_appeal(session, actor=actor, data=body, now=clock.now())
    access = await access_appeal(session, actor, appeal.id)
    return await service.appeal_read(session, access)


@router.post(
    "/import",
    operation_id="importAppealText",
    response_model=ImportResultRead,
    responses={422: {"description": "text_invalid: nothing to import, or a limit is broken"}},
)
async def import_appeal_text(body: ImportRequest, actor: SignedIn) -> ImportResultRead:
    """Turn pasted plain text or Markdown into blocks (numbered demands become asks).
    Nothing is stored; the lines left out (date, addressees, signatures) are listed."""
    return service.import_pasted_text(body.source)


@router.get(
    "/{appeal_id}", operation_id="getAppeal", response_model=AppealRead, responses=NOT_VISIBLE
)
async def get_appeal(appeal_id: uuid.UUID, actor: SignedIn, session: DbSession) -> AppealRead:
    """The appeal, its organizations and approvals, and what the caller may do with it."""
    access = await access_appeal(session, actor, appeal_id)
    return await service.appeal_read(session, access)


@router.get(
    "/{appeal_id}/text",
    operation_id="getAppealText",
    response_model=TextRead,
    responses=NOT_VISIBLE,
)
async def get_appeal_text(
    appeal_id: uuid.UUID, actor: SignedIn, session: DbSession, response: Response
) -> TextRead:
    """The current revision. Its ETag is what a save sends back in If-Match."""
    access = await access_appeal(session, actor, appeal_id)
    head = await service.head_revision(session, access.appeal)
    response.headers["ETag"] = service.revision_etag(head.id)
    return await service.text_read(session, head)


@router.put(
    "/{appeal_id}/text",
    operation_id="saveAppealText",
    response_model=SaveResult,
    responses={
        **ETAG_WRITE,
        409: {"description": "text_frozen: no saves in this state"},
        412: {
            "description": "edit_conflict (the same block changed meanwhile: the body has "
            "`current` and `conflicts`, nothing was saved) or version_mismatch",
            "model": ConflictRead,
        },
        422: {"description": "text_invalid"},
    },
)
async def save_appeal_text(
    appeal_id: uuid.UUID,
    body: TextSave,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> SaveResult:
    """Lead members, named editors and coordinators. Changes to blocks someone else did not
    touch meanwhile are merged (``revision.merged``); an unchanged text saves nothing."""
    access = await access_appeal(session, actor, appeal_id, AppealRight.EDIT, lock=True)
    revision, _ = await service.save_text(
        session,
        actor=actor,
        access=access,
        blocks=body.blocks,
        note=body.note,
        if_match=if_match,
        now=clock.now(),
    )
    response.headers["ETag"] = service.revision_etag(revision.id)
    read = await service.text_read(session, revision)
    return SaveResult(**read.model_dump())


@router.get(
    "/{appeal_id}/text.md",
    operation_id="exportAppealMarkdown",
    response_class=Response,
    responses={200: {"content": {"text/markdown": {}}}, **NOT_VISIBLE},
)
async def export_appeal_markdown(
    appeal_id: uuid.UUID,
    actor: SignedIn,
    session: DbSession,
    revision: Annotated[int | None, Query(ge=1, le=MAX_REVISION_NUMBER)] = None,
) -> Response:
    """The text (the current revision, or the numbered one) as Markdown."""
    access = await access_appeal(session, actor, appeal_id)
    chosen = (
        await service.revision_by_number(session, access.appeal, revision)
        if revision
        else await service.head_revision(session, access.appeal)
    )
    return Response(
        export_markdown(service.revision_blocks(chosen)),
        media_type="text/markdown; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="appeal-r{chosen.number}.md"',
            "ETag": service.revision_etag(chosen.id),
        },
    )


@router.get(
    "/{appeal_id}/revisions",
    operation_id="listAppealRevisions",
    response_model=RevisionPage,
    responses=NOT_VISIBLE,
)
async def list_revisions(
    appeal_id: uuid.UUID,
    actor: SignedIn,
    session: DbSession,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> RevisionPage:
    """Newest first; each with its hash and its parent's (the chain)."""
    access = await access_appeal(session, actor, appeal_id)
    return await service.list_revisions(session, appeal=access.appeal, cursor=cursor, limit=limit)


@router.get(
    "/{appeal_id}/revisions/{number}",
    operation_id="getAppealRevision",
    response_model=TextRead,
    responses={404: {"description": "appeal_not_found or revision_not_found"}},
)
async def get_revision(
    appeal_id: uuid.UUID,
    number: Annotated[int, Path(ge=1, le=MAX_REVISION_NUMBER)],
    actor: SignedIn,
    session: DbSession,
) -> TextRead:
    access = await access_appeal(session, actor, appeal_id)
    revision = await service.revision_by_number(session, access.appeal, number)
    return await service.text_read(session, revision)


@router.get(
    "/{appeal_id}/diff",
    operation_id="diffAppealRevisions",
    response_model=DiffRead,
    responses={404: {"description": "appeal_not_found or revision_not_found"}},
)
async def diff_revisions(
    appeal_id: uuid.UUID,
    actor: SignedIn,
    session: DbSession,
    from_: Annotated[int, Query(alias="from", ge=1, le=MAX_REVISION_NUMBER)],
    to: Annotated[int, Query(ge=1, le=MAX_REVISION_NUMBER)],
) -> DiffRead:
    """Blocks added, removed, moved and changed (word by word) from one revision to another."""
    access = await access_appeal(session, actor, appeal_id)
    return await service.diff_revisions(
        session, appeal=access.appeal, from_number=from_, to_number=to
    )


@router.post(
    "/{appeal_id}/transitions",
    operation_id="changeAppealState",
    response_model=AppealRead,
    responses={
        **NOT_VISIBLE,
        409: {"description": "transition_refused, approvals_missing or translations_not_ready"},
    },
)
async def change_state(
    appeal_id: uuid.UUID,
    body: TransitionRequest,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
    settings: AppSettings,
) -> AppealRead:
    """Lifecycle: draft → review → approved → open → closed → archived; withdrawn before
    open. Opening freezes the text's hash; moving an open appeal back to review pauses
    signing until a new approval round."""
    access = await access_appeal(session, actor, appeal_id, lock=True)
    await review.change_state(
        session,
        actor=actor,
        access=access,
        action=AppealAction(body.action),
        now=clock.now(),
        settings=settings,
    )
    return await service.appeal_read(session, await access_appeal(session, actor, appeal_id))


@router.post(
    "/{appeal_id}/approvals",
    operation_id="approveAppeal",
    response_model=AppealRead,
    responses={
        **NOT_VISIBLE,
        409: {"description": "approval_not_current (not the head's hash) or transition_refused"},
    },
)
async def approve_appeal(
    appeal_id: uuid.UUID,
    body: ApprovalCreate,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
) -> AppealRead:
    """A representative approves, for their organization, the exact revision hash read.
    When every co-author organization has approved, the appeal becomes approved."""
    access = await access_appeal(session, actor, appeal_id, lock=True)
    await review.approve(
        session,
        actor=actor,
        access=access,
        organization_id=body.organization_id,
        sha256=body.sha256,
        now=clock.now(),
    )
    return await service.appeal_read(session, await access_appeal(session, actor, appeal_id))


@router.post(
    "/{appeal_id}/co-authors",
    operation_id="inviteCoAuthor",
    response_model=AppealRead,
    status_code=status.HTTP_201_CREATED,
    responses={
        404: {"description": "appeal_not_found or organization_not_found"},
        409: {"description": "already_co_author or co_author_decision_refused"},
    },
)
async def invite_co_author(
    appeal_id: uuid.UUID,
    body: CoAuthorInvite,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
    settings: AppSettings,
) -> AppealRead:
    """Members of the lead organization (or a coordinator) invite another organization;
    its representatives are told by email."""
    access = await access_appeal(session, actor, appeal_id, AppealRight.INVITE, lock=True)
    await review.invite_co_author(
        session,
        actor=actor,
        access=access,
        organization_id=body.organization_id,
        now=clock.now(),
        settings=settings,
    )
    return await service.appeal_read(session, await access_appeal(session, actor, appeal_id))


@router.get(
    "/{appeal_id}/co-author-candidates",
    operation_id="listCoAuthorCandidates",
    response_model=OrganizationChoices,
    responses=NOT_VISIBLE,
)
async def list_co_author_candidates(
    appeal_id: uuid.UUID, actor: SignedIn, session: DbSession
) -> OrganizationChoices:
    """Organizations the caller may invite to co-author (not already invited or writing);
    only for those who may invite."""
    access = await access_appeal(session, actor, appeal_id, AppealRight.INVITE)
    choices = await review.co_author_candidates(session, access=access)
    return OrganizationChoices(
        items=[
            OrganizationChoice(id=organization_id, name=name) for organization_id, name in choices
        ]
    )


@router.post(
    "/{appeal_id}/co-authors/{organization_id}/decision",
    operation_id="decideCoAuthoring",
    response_model=Outcome,
    responses={
        404: {"description": "appeal_not_found or co_author_not_found"},
        409: {"description": "co_author_decision_refused"},
    },
)
async def decide_co_authoring(
    appeal_id: uuid.UUID,
    organization_id: uuid.UUID,
    body: CoAuthorDecision,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
) -> Outcome:
    """A representative of the organization accepts or declines the invitation, or leaves
    (before signatures open). After declining or leaving they no longer see the appeal."""
    access = await access_appeal(session, actor, appeal_id, lock=True)
    await review.decide_co_authoring(
        session,
        actor=actor,
        access=access,
        organization_id=organization_id,
        decision=body.decision,
        now=clock.now(),
    )
    return Outcome()


@router.post(
    "/{appeal_id}/editors",
    operation_id="addAppealEditor",
    response_model=AppealRead,
    responses={404: {"description": "appeal_not_found or user_not_found"}},
)
async def add_editor(
    appeal_id: uuid.UUID,
    body: EditorAdd,
    actor: SignedIn,
    session: DbSession,
    clock: AppClock,
) -> AppealRead:
    """The lead's representatives name a member of a writing organization to edit."""
    # Locked: two namings of one person at once must not both insert (a 500 on PostgreSQL).
    access = await access_appeal(session, actor, appeal_id, AppealRight.MANAGE, lock=True)
    await review.add_editor(
        session, actor=actor, access=access, user_id=body.user_id, now=clock.now()
    )
    return await service.appeal_read(session, await access_appeal(session, actor, appeal_id))


@router.delete(
    "/{appeal_id}/editors/{user_id}",
    operation_id="removeAppealEditor",
    response_model=AppealRead,
    responses={404: {"description": "appeal_not_found or user_not_found"}},
)
async def remove_editor(
    appeal_id: uuid.UUID, user_id: uuid.UUID, actor: SignedIn, session: DbSession
) -> AppealRead:
    access = await access_appeal(session, actor, appeal_id, AppealRight.MANAGE, lock=True)
    await review.remove_editor(session, actor=actor, access=access, user_id=user_id)
    return await service.appeal_read(session, await access_appeal(session, actor, appeal_id))


@router.get(
    "/{appeal_id}/activity",
    operation_id="getAppealActivity",
    response_model=ActivityList,
    responses=NOT_VISIBLE,
)
async def get_activity(appeal_id: uuid.UUID, actor: SignedIn, session: DbSession) -> ActivityList:
    """Who did what and when, newest first (from the audit log)."""
    access = await access_appeal(session, actor, appeal_id)
    return await appeal_activity(session, appeal=access.appeal)
