"""What invitation requests can be refused with; the codes are stable API."""

from __future__ import annotations

from app.errors import AppError, Conflict, Forbidden, NotFound, Unauthorized


class InvitationNotFound(NotFound):
    code, title = "invitation_not_found", "No such invitation"


class InvitationInvalid(NotFound):
    # One answer for unknown, expired, withdrawn and used tokens: the link holder learns
    # nothing about which it was, and a guesser nothing at all.
    code, title = "invitation_invalid", "This invitation link is not valid or no longer valid"


class InvitationPending(Conflict):
    code, title = (
        "invitation_pending",
        "An invitation to this organization is already pending for this email; resend it",
    )


class InvitationClosed(Conflict):
    code, title = "invitation_closed", "This invitation was already accepted or revoked"


class InvitationSignInRequired(Unauthorized):
    code, title = (
        "invitation_sign_in_required",
        "An account with this email exists: sign in to it to accept the invitation",
    )


class InvitationForOtherAccount(Forbidden):
    code, title = (
        "invitation_for_other_account",
        "This invitation is for a different account than the one signed in",
    )


class AccountDetailsRequired(AppError):
    status, code, title = (
        422,
        "account_details_required",
        "A display name and a password are needed to create the account",
    )


class PasswordNotExpected(AppError):
    status, code, title = (
        422,
        "password_not_expected",
        "The account already exists: accept while signed in, without a password",
    )
