"""What letter requests can be refused with; the codes are stable API."""

from __future__ import annotations

from app.errors import AppError, Conflict, NotFound


class AppealNotFrozen(Conflict):
    code, title = (
        "appeal_not_frozen",
        "This appeal has no frozen text: letters are made from the text opened for signatures",
    )


class RecipientNotFound(NotFound):
    code, title = "recipient_not_found", "No such recipient"


class RecipientGroupNotFound(NotFound):
    code, title = "recipient_group_not_found", "No such recipient group"


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
