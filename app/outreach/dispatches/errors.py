"""What dispatch, response and follow-up requests can be refused with; the codes are stable
API."""

from __future__ import annotations

from app.errors import AppError, Conflict, NotFound
from app.outreach.recipients.errors import GroupNotFound as RecipientGroupNotFound
from app.outreach.recipients.errors import RecipientNotFound


class DispatchNotFound(NotFound):
    code, title = "dispatch_not_found", "No such dispatch"


class ResponseNotFound(NotFound):
    code, title = "response_not_found", "No such response"


class FollowUpNotFound(NotFound):
    code, title = "follow_up_not_found", "No such follow-up"


class AppealNotFrozen(Conflict):
    code, title = (
        "appeal_not_frozen",
        "This appeal has no frozen text yet: open it for signatures before sending it",
    )


class RecipientArchived(Conflict):
    code, title = "recipient_archived", "This recipient is archived: nothing new is sent to it"


class IdempotencyKeyReused(AppError):
    status, code, title = (
        422,
        "idempotency_key_reused",
        "This Idempotency-Key was already used for a different request; make a new one",
    )


class IdempotencyKeyInvalid(AppError):
    status, code, title = (
        422,
        "idempotency_key_invalid",
        "Idempotency-Key must be 8 to 128 visible ASCII characters",
    )


class DateInvalid(AppError):
    status, code, title = 422, "date_invalid", "That date is not possible here"


class TranslationUnavailable(AppError):
    status, code, title = (
        422,
        "translation_unavailable",
        "There is no approved translation of the frozen text in that language",
    )


class AskUnknown(AppError):
    status, code, title = (
        422,
        "ask_unknown",
        "A stance names an ask that is not in the text this dispatch sent",
    )


class RecipientEmailMissing(AppError):
    status, code, title = (
        422,
        "recipient_email_missing",
        "This recipient has no email address to send the letter to",
    )


class AssigneeInvalid(AppError):
    status, code, title = (
        422,
        "assignee_invalid",
        "Follow-ups can be assigned only to an active coordinator",
    )


class RecipientsInvalid(AppError):
    status, code, title = (
        422,
        "recipients_invalid",
        "Name the recipients: a list of recipients or a group with members",
    )


class ReferredToInvalid(AppError):
    status, code, title = 422, "referred_to_invalid", "referred_to is only for a referral"


# Defined once where they belong; re-exported for this package's modules.
__all__ = ["RecipientGroupNotFound", "RecipientNotFound"]
