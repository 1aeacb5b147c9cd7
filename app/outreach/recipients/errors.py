"""What recipients-registry requests can be refused with; the codes are stable API."""

from __future__ import annotations

from app.errors import AppError, Conflict, NotFound


class RecipientNotFound(NotFound):
    code, title = "recipient_not_found", "No such recipient"


class GroupNotFound(NotFound):
    code, title = "recipient_group_not_found", "No such recipient group"


class RecipientDuplicate(Conflict):
    code, title = (
        "recipient_duplicate",
        "A recipient of that kind and country with that name is already in the registry",
    )


class GroupNameTaken(Conflict):
    code, title = "recipient_group_name_taken", "A group with that name exists already"


class RecipientInUse(Conflict):
    code, title = (
        "recipient_in_use",
        "Dispatches were recorded to this recipient: archive it instead of deleting it",
    )


class MembersUnknown(AppError):
    status, code, title = 422, "recipients_unknown", "Some of those recipients do not exist"


class ImportTooLarge(AppError):
    status, code, title = (
        413,
        "import_too_large",
        "The file is too large: at most 512 KB and 5,000 rows per import",
    )


class ImportInvalid(AppError):
    """422 carrying the row-by-row report: nothing was stored."""

    status, code, title = (
        422,
        "import_invalid",
        "Some rows are not valid; nothing was imported",
    )
