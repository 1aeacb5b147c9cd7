"""Pure rules of organizations: the version an edit must name. No I/O."""

from __future__ import annotations

from app.models.memberships import Organization


def organization_etag(organization: Organization) -> str:
    """A strong ETag: the row version, which every successful UPDATE bumps (and compares in
    its WHERE clause, see ``Organization.version``)."""
    return f'"{organization.version}"'
