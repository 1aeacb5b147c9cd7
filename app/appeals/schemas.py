"""Request and response shapes of the appeals API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from app.appeals.text.blocks import BLOCK_ID, MAX_BLOCK_CHARS, MAX_BLOCKS, BlockKind
from app.errors import PROBLEM_EXTENSION
from app.kit.pagination import Page
from app.kit.schemas import Input, _multi_line, _one_line
from app.models.appeals import LANGUAGE_TAG


def _language_tag(value: str) -> str:
    # Imported on first use: its tables are ~3 MiB of every worker's memory.
    import langcodes

    value = value.strip()
    if not value or len(value) > LANGUAGE_TAG or not langcodes.tag_is_valid(value):
        raise ValueError("must be a BCP 47 language tag such as en, be or sr-Latn")
    standard = str(langcodes.standardize_tag(value))
    # Standardizing can lengthen a tag ("sh" becomes "sr-Latn"): what is stored must fit
    # the column.
    if len(standard) > LANGUAGE_TAG:
        raise ValueError(f"must be a BCP 47 language tag of at most {LANGUAGE_TAG} characters")
    return standard


LanguageTag = Annotated[str, AfterValidator(_language_tag)]
Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=300),
    AfterValidator(_one_line),
]
Note = Annotated[str, StringConstraints(max_length=2000), AfterValidator(_multi_line)]
BlockId = Annotated[str, StringConstraints(pattern=BLOCK_ID.pattern)]
BlockText = Annotated[
    str, StringConstraints(max_length=MAX_BLOCK_CHARS), AfterValidator(_multi_line)
]
CommentBody = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000),
    AfterValidator(_multi_line),
]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
# Revision numbers are 32-bit INTEGER columns: a larger one in a request is refused (422)
# before it reaches a query, where PostgreSQL (or SQLite, past 64 bits) would fail with 500.
MAX_REVISION_NUMBER = 2**31 - 1
AppealStateName = Literal["draft", "review", "approved", "open", "closed", "archived", "withdrawn"]
ActionName = Literal[
    "submit_for_review",
    "return_to_draft",
    "approve_complete",
    "open",
    "reopen_review",
    "close",
    "archive",
    "withdraw",
]


class BlockIn(Input):
    id: BlockId
    kind: BlockKind
    text: BlockText


class BlockRead(BaseModel):
    id: str
    kind: BlockKind
    text: str


Blocks = Annotated[list[BlockIn], Field(max_length=MAX_BLOCKS)]


class AppealCreate(Input):
    lead_organization_id: uuid.UUID
    title: Title
    language: LanguageTag = "en"
    blocks: Blocks = []
    note: Note | None = None


class TextSave(Input):
    """A new revision. Send the ETag of the revision it is based on in If-Match."""

    blocks: Blocks
    note: Note | None = None


class ImportRequest(Input):
    source: Annotated[str, StringConstraints(min_length=1, max_length=400_000)]


class SkippedLine(BaseModel):
    kind: Literal["date", "addressee", "signature"]
    text: str


class ImportResultRead(BaseModel):
    """Blocks made from pasted text (nothing stored) and the lines left out: dates and
    addressees are printed per recipient, signatures come from signing."""

    blocks: list[BlockRead]
    skipped: list[SkippedLine]


class Person(BaseModel):
    id: uuid.UUID
    name: str


class PersonList(BaseModel):
    items: list[Person]


class ParticipantRead(BaseModel):
    organization_id: uuid.UUID
    name: str
    role: Literal["lead", "co_author"]
    status: Literal["invited", "accepted", "declined", "left"]
    # Approved the current revision (its hash).
    approved: bool


class AppealSummary(BaseModel):
    id: uuid.UUID
    title: str
    state: AppealStateName
    language: str
    lead_organization_id: uuid.UUID
    lead_organization_name: str
    head_number: int
    created_at: datetime
    updated_at: datetime | None


class AppealPage(Page[AppealSummary]):
    pass


class AppealRead(AppealSummary):
    head_revision_id: uuid.UUID | None
    head_sha256: str | None
    frozen_sha256: str | None
    participants: list[ParticipantRead]
    editors: list[Person]
    # What the caller may do here (the UI shows only what will be allowed).
    rights: list[Literal["read", "comment", "edit", "invite", "manage", "run"]]
    approve_for: list[uuid.UUID]
    decide_for: list[uuid.UUID]
    actions: list[ActionName]
    # Opened for signatures once (then ``open`` reopens it; the first time needs a window).
    signing_window: bool


class RevisionRead(BaseModel):
    id: uuid.UUID
    number: int
    sha256: str
    parent_sha256: str | None
    author: Person | None
    credited: Person | None
    note: str | None
    merged: bool
    created_at: datetime


class RevisionPage(Page[RevisionRead]):
    pass


class TextRead(BaseModel):
    revision: RevisionRead
    blocks: list[BlockRead]


class SaveResult(TextRead):
    """``merged``: someone else saved meanwhile and their changes (to other blocks) were
    kept alongside yours."""


class ConflictRead(BaseModel):
    """Body of a 412 (application/problem+json): for ``edit_conflict`` the problem members
    plus the text as it now is (``current``) and the ids of the blocks both sides changed
    (``conflicts``); ``version_mismatch`` has the problem members only."""

    # Documented as a problem with these extension members (app/errors.py).
    model_config = ConfigDict(json_schema_extra={PROBLEM_EXTENSION: True})

    current: TextRead
    conflicts: list[str]


class DiffSegment(BaseModel):
    op: Literal["equal", "insert", "delete"]
    text: str


class BlockDiffRead(BaseModel):
    op: Literal["same", "changed", "added", "removed"]
    moved: bool
    id: str
    kind: BlockKind
    old_kind: BlockKind | None
    segments: list[DiffSegment]


class DiffSummary(BaseModel):
    added: int
    removed: int
    changed: int
    moved: int


class DiffRead(BaseModel):
    from_number: int
    to_number: int
    blocks: list[BlockDiffRead]
    summary: DiffSummary


class TransitionRequest(Input):
    action: ActionName


class CoAuthorInvite(Input):
    organization_id: uuid.UUID


class CoAuthorDecision(Input):
    decision: Literal["accept", "decline", "leave"]


class ApprovalCreate(Input):
    """Approve exactly the text one has read: its hash."""

    organization_id: uuid.UUID
    sha256: Sha256


class EditorAdd(Input):
    user_id: uuid.UUID


class AnchorRead(BaseModel):
    block_id: str
    exact: str
    prefix: str
    suffix: str


class LocatedRead(BaseModel):
    block_id: str
    start: int
    end: int


class CommentCreate(Input):
    """A new thread on a passage: offsets into a block of the given revision."""

    revision_id: uuid.UUID
    block_id: BlockId
    start: Annotated[int, Field(ge=0)]
    end: Annotated[int, Field(ge=1)]
    body: CommentBody
    mentions: Annotated[list[uuid.UUID], Field(max_length=20)] = []


class CommentReply(Input):
    body: CommentBody
    mentions: Annotated[list[uuid.UUID], Field(max_length=20)] = []


class CommentRead(BaseModel):
    id: uuid.UUID
    parent_id: uuid.UUID | None
    author: Person | None
    body: str
    created_at: datetime
    revision_number: int
    anchor: AnchorRead | None
    # Where the quoted passage is in the current text; null when it is gone (outdated).
    located: LocatedRead | None
    outdated: bool
    resolved_at: datetime | None
    resolved_by: Person | None
    replies: list[CommentRead] = []


class CommentList(BaseModel):
    items: list[CommentRead]


class ReplaceChange(Input):
    kind: Literal["replace"]
    block_id: BlockId
    start: Annotated[int, Field(ge=0)]
    end: Annotated[int, Field(ge=1)]
    replacement: BlockText


class InsertChange(Input):
    kind: Literal["insert"]
    after_block_id: BlockId | None
    block_kind: BlockKind
    text: Annotated[BlockText, StringConstraints(min_length=1)]


class RemoveChange(Input):
    kind: Literal["remove"]
    block_id: BlockId


class SuggestionCreate(Input):
    revision_id: uuid.UUID
    change: Annotated[ReplaceChange | InsertChange | RemoveChange, Field(discriminator="kind")]
    note: Note | None = None


class SuggestionReject(Input):
    reason: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=2000),
        AfterValidator(_multi_line),
    ]


class SuggestionRead(BaseModel):
    id: uuid.UUID
    kind: Literal["replace", "insert", "remove"]
    status: Literal["open", "accepted", "rejected", "withdrawn"]
    author: Person | None
    created_at: datetime
    revision_number: int
    change: dict[str, Any]
    note: str | None
    outdated: bool
    decided_by: Person | None
    decided_at: datetime | None
    reason: str | None
    result_revision_number: int | None


class SuggestionList(BaseModel):
    items: list[SuggestionRead]


class TranslationCreate(Input):
    language: LanguageTag


class TranslationSave(Input):
    """Send the translation's ETag in If-Match; ``blocks`` keep the source's block ids."""

    blocks: Blocks


class TranslationSummary(BaseModel):
    language: str
    head_number: int
    sha256: str | None
    source_sha256: str | None
    source_number: int | None
    stale: bool
    approved: bool


class TranslationList(BaseModel):
    items: list[TranslationSummary]


class TranslationRead(TranslationSummary):
    blocks: list[BlockRead]
    # The source blocks it translates and, when stale, what changed in the source since.
    source_blocks: list[BlockRead]
    source_diff: DiffRead | None


class ActivityRead(BaseModel):
    id: uuid.UUID
    action: str
    actor: Person | None
    at: datetime
    details: dict[str, Any]


class ActivityList(BaseModel):
    items: list[ActivityRead]


class CommentResolution(Input):
    resolved: bool


class TranslationApproval(Input):
    sha256: Sha256


class OrganizationChoice(BaseModel):
    id: uuid.UUID
    name: str


class OrganizationChoices(BaseModel):
    items: list[OrganizationChoice]
