"""Pure rules of invitations: lifetime and derived status. No I/O."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.kit.clock import as_utc
from app.models.memberships import Invitation

INVITATION_TTL = timedelta(days=7)


def invitation_status(invitation: Invitation, now: datetime) -> str:
    if invitation.accepted_at is not None:
        return "accepted"
    if invitation.revoked_at is not None:
        return "revoked"
    if as_utc(invitation.expires_at) <= now:
        return "expired"
    return "pending"
