"""Letters: what the API reads and returns."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, StringConstraints, model_validator

from app.kit.schemas import Input

MAX_BATCH = 500
CLOSING_MAX = 1000
_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def _closing(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    return value.replace("\r\n", "\n")


ClosingPhrase = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=CLOSING_MAX), AfterValidator(_closing)
]


class LetterRecipient(BaseModel):
    """A recipient a letter can be made for, and the language it would be in."""

    recipient_id: uuid.UUID
    name: str
    kind: str
    country: str | None
    preferred_language: str
    # The language the letter is in: the preferred one when an approved, current
    # translation exists, else the appeal's own.
    language: str
    translated: bool


class LetterIndex(BaseModel):
    sha256: str
    source_language: str
    recipients: list[LetterRecipient]


class LetterRead(BaseModel):
    """One letter, as plain text (what an email body carries) and what it was made from."""

    recipient_id: uuid.UUID
    recipient_name: str
    language: str
    translated: bool
    date: dt.date
    sha256: str
    verify_url: str
    text: str


class LetterBatchIn(Input):
    """Letters for a saved group, or for recipients named one by one (not both)."""

    group_id: uuid.UUID | None = None
    recipient_ids: list[uuid.UUID] | None = Field(default=None, max_length=MAX_BATCH)
    date: dt.date | None = None

    @model_validator(mode="after")
    def _one_source(self) -> LetterBatchIn:
        if (self.group_id is None) == (self.recipient_ids is None):
            raise ValueError("name either group_id or recipient_ids")
        if self.recipient_ids is not None and not self.recipient_ids:
            raise ValueError("recipient_ids names at least one recipient")
        return self


class LetterClosingRead(BaseModel):
    """The phrase printed after the signatories ("as well as other participants of …")."""

    text: str | None


class LetterClosingIn(Input):
    text: ClosingPhrase | None = None
