"""What letter requests can be refused with; the codes are stable API."""

from __future__ import annotations

from app.errors import AppError, Conflict
from app.outreach.recipients.errors import GroupNotFound as RecipientGroupNotFound
from app.outreach.recipients.errors import RecipientNotFound


class AppealNotFrozen(Conflict):
    code, title = (
        "appeal_not_frozen",
        "This appeal has no frozen text: letters are made from the text opened for signatures",
    )


class LetterBatchInvalid(AppError):
    status, code, title = (
        422,
        "letter_batch_invalid",
        "Name either a recipient group or a list of recipients (at most 500)",
    )


class LetterDateInvalid(AppError):
    status, code, title = 422, "letter_date_invalid", "A letter's date is between 2000 and 2100"


class LetterTooLong(AppError):
    status, code, title = (
        422,
        "letter_too_long",
        "This letter is too long to typeset; shorten the text or the signatory lines",
    )


# Defined once where they belong; re-exported for this package's modules.
__all__ = ["RecipientGroupNotFound", "RecipientNotFound"]
