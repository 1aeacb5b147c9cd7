"""What appeals requests can be refused with; the codes are stable API."""

from __future__ import annotations

from app.errors import AppError, Conflict, NotFound


class AppealNotFound(NotFound):
    # Also what someone outside the appeal's compartment gets: not even its title leaks.
    code, title = "appeal_not_found", "No such appeal"


class RevisionNotFound(NotFound):
    code, title = "revision_not_found", "No such revision of this appeal"


class CommentNotFound(NotFound):
    code, title = "comment_not_found", "No such comment"


class SuggestionNotFound(NotFound):
    code, title = "suggestion_not_found", "No such suggestion"


class TranslationNotFound(NotFound):
    code, title = "translation_not_found", "No translation of this appeal into that language"


class ParticipantNotFound(NotFound):
    code, title = "co_author_not_found", "That organization is not invited to this appeal"


class TextInvalid(AppError):
    status, code, title = 422, "text_invalid", "The text breaks a rule of the format"


class TransitionRefused(Conflict):
    code, title = "transition_refused", "The appeal cannot move that way from its state"


class TextFrozen(Conflict):
    code, title = (
        "text_frozen",
        "The text cannot change in this state; a coordinator moves the appeal back to review",
    )


class EditConflict(AppError):
    """412 carrying the current revision and the blocks both sides changed: the client
    keeps its own text and merges by hand."""

    status, code, title = (
        412,
        "edit_conflict",
        "Someone else changed the same passage meanwhile; nothing of yours was saved",
    )


class StaleApproval(Conflict):
    code, title = (
        "approval_not_current",
        "That is not the current revision; read the text again and approve what you read",
    )


class ApprovalIncomplete(Conflict):
    code, title = "approvals_missing", "Not every co-author organization approved this text"


class TranslationsNotReady(Conflict):
    code, title = (
        "translations_not_ready",
        "Every translation must be current and approved before the appeal opens",
    )


class AlreadyParticipating(Conflict):
    code, title = "already_co_author", "That organization is already invited to this appeal"


class CoAuthorDecisionRefused(Conflict):
    code, title = "co_author_decision_refused", "That decision is not possible now"


class SuggestionOutdated(Conflict):
    code, title = (
        "suggestion_outdated",
        "The passage this suggestion changes is no longer in the text",
    )


class SuggestionDecided(Conflict):
    code, title = "suggestion_decided", "This suggestion was already decided"


class SelectionInvalid(AppError):
    status, code, title = 422, "selection_invalid", "The selected passage is not in that block"


class TranslationExists(Conflict):
    code, title = "translation_exists", "A translation into that language exists already"


class MentionNotAllowed(AppError):
    status, code, title = (
        422,
        "mention_not_allowed",
        "Only people who can see this appeal can be mentioned",
    )
