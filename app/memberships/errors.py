"""Errors of the memberships domain, each with a stable ``code`` the UI can rely on."""

from __future__ import annotations

from app.errors import AppError, Conflict, Forbidden, NotFound, Unauthorized


class OrganizationNotFound(NotFound):
    code, title = "organization_not_found", "No such organization"


class MembershipNotFound(NotFound):
    code, title = "membership_not_found", "No such membership"


class InvitationNotFound(NotFound):
    code, title = "invitation_not_found", "No such invitation"


class InvitationInvalid(NotFound):
    # One answer for unknown, expired, withdrawn and used tokens: the link holder learns
    # nothing about which it was, and a guesser nothing at all.
    code, title = "invitation_invalid", "This invitation link is not valid or no longer valid"


class UserNotFound(NotFound):
    code, title = "user_not_found", "No such user"


class AdminGrantRequestNotFound(NotFound):
    code, title = "admin_grant_request_not_found", "No such admin grant request"


class AlreadyMember(Conflict):
    code, title = "already_member", "This person is already a member of the organization"


class InvitationPending(Conflict):
    code, title = (
        "invitation_pending",
        "An invitation to this organization is already pending for this email; resend it",
    )


class InvitationClosed(Conflict):
    code, title = "invitation_closed", "This invitation was already accepted or revoked"


class LastAdmin(Conflict):
    code, title = "last_admin", "The last active admin cannot be suspended or lose the role"


class SelfSuspension(Conflict):
    code, title = "cannot_suspend_self", "You cannot suspend your own account"


class UserSuspended(Conflict):
    code, title = "user_suspended", "The account is suspended"


class UserNotSuspended(Conflict):
    code, title = "user_not_suspended", "The account is not suspended"


class AlreadyAdmin(Conflict):
    code, title = "already_admin", "This user is already an admin"


class AdminGrantRequiresApproval(Conflict):
    code, title = (
        "admin_grant_requires_approval",
        "Admin is granted only through an admin grant request approved by a second admin",
    )


class AdminGrantRequestPending(Conflict):
    code, title = (
        "admin_grant_request_pending",
        "A request of this kind for this user is already pending",
    )


class AdminChangeRequiresApproval(Conflict):
    code, title = (
        "admin_change_requires_approval",
        "Removing or suspending another admin takes a request approved by a second admin",
    )


class NotAdmin(Conflict):
    code, title = "not_admin", "This user is not an admin"


class AdminGrantRequestClosed(Conflict):
    code, title = (
        "admin_grant_request_closed",
        "This admin grant request was already decided or has expired",
    )


class SecondAdminRequired(Forbidden):
    code, title = (
        "second_admin_required",
        "A different admin than the requester must approve this request",
    )


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


class PreconditionRequired(AppError):
    status, code, title = 428, "if_match_required", "Send If-Match with the ETag you last read"


class PreconditionFailed(AppError):
    status, code, title = (
        412,
        "version_mismatch",
        "Someone changed this since you read it; reload and try again",
    )
