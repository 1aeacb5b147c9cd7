"""Pure rules of admin requests: how long a request may wait, its derived status. No I/O."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.kit.clock import as_utc
from app.models.memberships import AdminGrantRequest

# A pending admin grant left undecided this long can no longer be approved: an approval
# should answer a request someone still stands behind, not one forgotten for months.
ADMIN_GRANT_REQUEST_TTL = timedelta(days=7)


def grant_request_status(request: AdminGrantRequest, now: datetime) -> str:
    if request.status == "pending" and as_utc(request.created_at) + ADMIN_GRANT_REQUEST_TTL <= now:
        return "expired"
    return request.status
