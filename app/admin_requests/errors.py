"""What admin requests can be refused with; the codes are stable API."""

from __future__ import annotations

from app.errors import Conflict, Forbidden, NotFound


class AdminGrantRequestNotFound(NotFound):
    code, title = "admin_grant_request_not_found", "No such admin grant request"


class AdminGrantRequestPending(Conflict):
    code, title = (
        "admin_grant_request_pending",
        "A request of this kind for this user is already pending",
    )


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
