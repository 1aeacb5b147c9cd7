"""Request and response shapes of the recipients registry API."""

from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from app.appeals.schemas import LanguageTag
from app.errors import PROBLEM_EXTENSION
from app.kit.email import EmailAddress
from app.kit.names import comparable_name
from app.kit.schemas import Country, Input, _multi_line, _one_line

RecipientKind = Literal[
    "government",
    "ministry",
    "parliament",
    "international_organization",
    "embassy",
    "official",
]
MAX_TAGS = 20
MAX_LINES = 12
MAX_GROUP_MEMBERS = 5000

# Bidi embeddings, overrides and isolates, and the invisible marks: they reorder or hide
# what a letter prints ("Trojan Source"), never needed in a name or an address.
_BIDI = re.compile(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]")


def _no_bidi(value: str) -> str:
    if _BIDI.search(value):
        raise ValueError("must not contain bidirectional control characters")
    return unicodedata.normalize("NFC", value)


def _lines(value: str) -> str:
    lines = [line.strip() for line in value.split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        raise ValueError("must not be empty")
    if len(lines) > MAX_LINES:
        raise ValueError(f"must have at most {MAX_LINES} lines")
    return "\n".join(lines)


def _bounded_line(max_length: int) -> object:
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)


RecipientName = Annotated[
    str, _bounded_line(200), AfterValidator(_one_line), AfterValidator(_no_bidi)
]
Salutation = Annotated[str, _bounded_line(200), AfterValidator(_one_line), AfterValidator(_no_bidi)]
# Exactly as printed, one line per line: blank lines and surrounding spaces are dropped.
Block = Annotated[
    str,
    _bounded_line(1000),
    AfterValidator(_multi_line),
    AfterValidator(_no_bidi),
    AfterValidator(_lines),
]


def _tag(value: str) -> str:
    return " ".join(value.split())


Tag = Annotated[
    str,
    _bounded_line(50),
    AfterValidator(_one_line),
    AfterValidator(_no_bidi),
    AfterValidator(_tag),
]
GroupName = Annotated[str, _bounded_line(120), AfterValidator(_one_line), AfterValidator(_no_bidi)]
SearchText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]


def normalized_tags(tags: list[str]) -> list[str]:
    """Tags once each (compared as names are: case, width and spacing aside), in the order
    given, first spelling kept."""
    seen: dict[str, str] = {}
    for tag in tags:
        seen.setdefault(comparable_name(tag), tag)
    return list(seen.values())


class RecipientIn(Input):
    """A recipient as a whole: creating one, and replacing one (PUT with If-Match)."""

    kind: RecipientKind
    # Optional only for international organizations.
    country: Country | None = None
    # BCP 47: the language letters to this recipient should be in.
    language: LanguageTag
    name: RecipientName
    addressee: Block
    salutation: Salutation | None = None
    email: EmailAddress | None = None
    postal_address: Block | None = None
    tags: Annotated[list[Tag], Field(max_length=MAX_TAGS)] = []

    @model_validator(mode="after")
    def _country_and_tags(self) -> RecipientIn:
        if self.country is None and self.kind != "international_organization":
            raise ValueError("country is required (except for international organizations)")
        self.tags = normalized_tags(self.tags)
        return self


class RecipientRead(BaseModel):
    id: uuid.UUID
    kind: RecipientKind
    country: str | None
    language: str
    name: str
    addressee: str
    salutation: str | None
    email: str | None
    postal_address: str | None
    tags: list[str]
    group_ids: list[uuid.UUID]
    archived: bool
    archived_at: datetime | None
    created_at: datetime
    updated_at: datetime | None
    version: int


class RecipientList(BaseModel):
    """Every recipient matching the filters, sorted by country and name (the registry is
    at most thousands of rows, and names are encrypted: they are sorted and searched after
    decryption, so a page would cost as much as the whole list)."""

    items: list[RecipientRead]
    total: int


class GroupIn(Input):
    name: GroupName


class GroupMembersIn(Input):
    """The whole member list, replacing the previous one."""

    recipient_ids: Annotated[list[uuid.UUID], Field(max_length=MAX_GROUP_MEMBERS)]


class GroupRead(BaseModel):
    id: uuid.UUID
    name: str
    member_count: int
    created_at: datetime
    updated_at: datetime | None
    version: int


class GroupList(BaseModel):
    items: list[GroupRead]


class GroupMembersRead(BaseModel):
    group: GroupRead
    items: list[RecipientRead]


class ImportIn(Input):
    """The CSV file's text (UTF-8, header row): see app/outreach/recipients/csv_import.py."""

    csv: Annotated[str, StringConstraints(max_length=1_048_576)]


class ImportProblem(BaseModel):
    """One thing wrong with one cell (or row): never the cell's value."""

    row: int = Field(description="Line of the file the row starts on (the header is 1)")
    column: str | None
    code: str
    message: str


class ImportRowPreview(BaseModel):
    row: int
    kind: str
    country: str | None
    name: str
    group: str | None


class ImportReport(BaseModel):
    dry_run: bool
    stored: bool
    rows: int
    created: int
    groups_created: int
    problems: list[ImportProblem]
    preview: list[ImportRowPreview]


class ImportInvalidRead(BaseModel):
    """Body of a 422 (application/problem+json): for ``import_invalid`` the problem members
    plus the row-by-row ``report`` (nothing was stored); a request that is not valid JSON
    has the problem members only."""

    # Documented as a problem with these extension members (app/errors.py).
    model_config = ConfigDict(json_schema_extra={PROBLEM_EXTENSION: True})

    report: ImportReport | None = None
