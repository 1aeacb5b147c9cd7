"""Pure rules of the domain: lifetimes, derived statuses, versions. No I/O."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.kit.clock import as_utc
from app.memberships.errors import PreconditionFailed, PreconditionRequired
from app.models.memberships import AdminGrantRequest, Invitation, Organization

INVITATION_TTL = timedelta(days=7)
# A pending admin grant left undecided this long can no longer be approved: an approval
# should answer a request someone still stands behind, not one forgotten for months.
ADMIN_GRANT_REQUEST_TTL = timedelta(days=7)


def invitation_status(invitation: Invitation, now: datetime) -> str:
    if invitation.accepted_at is not None:
        return "accepted"
    if invitation.revoked_at is not None:
        return "revoked"
    if as_utc(invitation.expires_at) <= now:
        return "expired"
    return "pending"


def grant_request_status(request: AdminGrantRequest, now: datetime) -> str:
    if request.status == "pending" and as_utc(request.created_at) + ADMIN_GRANT_REQUEST_TTL <= now:
        return "expired"
    return request.status


def organization_etag(organization: Organization) -> str:
    """A strong ETag: the row version, which every successful UPDATE bumps (and compares in
    its WHERE clause, see ``Organization.version``)."""
    return f'"{organization.version}"'


def check_if_match(if_match: str | None, current: str) -> None:
    """428 without If-Match, 412 when none of the listed ETags is the current one."""
    if not if_match:
        raise PreconditionRequired()
    offered = [tag.strip() for tag in if_match.split(",")]
    if current not in offered:
        raise PreconditionFailed()
