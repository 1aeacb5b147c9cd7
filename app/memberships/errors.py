"""What membership requests can be refused with; the codes are stable API."""

from __future__ import annotations

from app.errors import Conflict, NotFound


class MembershipNotFound(NotFound):
    code, title = "membership_not_found", "No such membership"


class AlreadyMember(Conflict):
    code, title = "already_member", "This person is already a member of the organization"
