"""What user administration can be refused with; the codes are stable API."""

from __future__ import annotations

from app.errors import Conflict, NotFound


class UserNotFound(NotFound):
    code, title = "user_not_found", "No such user"


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


class AdminChangeRequiresApproval(Conflict):
    code, title = (
        "admin_change_requires_approval",
        "Removing or suspending another admin takes a request approved by a second admin",
    )


class NotAdmin(Conflict):
    code, title = "not_admin", "This user is not an admin"
