"""What organization requests can be refused with; the codes are stable API."""

from __future__ import annotations

from app.errors import Conflict, NotFound


class OrganizationNotFound(NotFound):
    code, title = "organization_not_found", "No such organization"


class OrganizationNameTaken(Conflict):
    code, title = (
        "organization_name_taken",
        "Another organization already has this name (ignoring case and spacing)",
    )
