"""An appeal's Activity: who did what and when, read from the audit log.

Every appeals event targets the appeal (app/audit/actions.py, ``appeal.*``), so the log is
the one record and Activity cannot disagree with it. Details are shown through an allow
list of keys: ids, numbers, hashes and decisions — never text.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.appeals.schemas import ActivityList, ActivityRead, Person
from app.audit import events_about
from app.audit.service import event_details
from app.models.appeals import Appeal
from app.organizations import service as organizations
from app.users import service as users

SHOWN_DETAILS = frozenset(
    {
        "number",
        "sha256",
        "merged",
        "approvals_reset",
        "from",
        "to",
        "action",
        "organization_id",
        "decision",
        "kind",
        "language",
        "resolved",
        "user_id",
    }
)


async def appeal_activity(
    session: AsyncSession, *, appeal: Appeal, limit: int = 200
) -> ActivityList:
    events = await events_about(
        session, target_type="appeals", target_id=str(appeal.id), limit=limit
    )
    details = [
        {k: v for k, v in event_details(event).items() if k in SHOWN_DETAILS} for event in events
    ]
    names = await users.display_names(session, [e.actor_id for e in events])
    org_ids = [d["organization_id"] for d in details if "organization_id" in d]
    org_names = await organizations.organization_names(session, [uuid.UUID(o) for o in org_ids])
    items = []
    for event, shown in zip(events, details, strict=True):
        if "organization_id" in shown:
            shown["organization_name"] = org_names.get(uuid.UUID(shown["organization_id"]), "")
        items.append(
            ActivityRead(
                id=event.id,
                action=event.action,
                actor=Person(id=event.actor_id, name=names[event.actor_id])
                if event.actor_id in names
                else None,
                at=event.occurred_at,
                details=shown,
            )
        )
    return ActivityList(items=items)
