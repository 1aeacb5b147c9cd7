"""What organization requests can be refused with; the codes are stable API."""

from __future__ import annotations

from app.errors import NotFound


class OrganizationNotFound(NotFound):
    code, title = "organization_not_found", "No such organization"
