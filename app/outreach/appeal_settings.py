"""An appeal's outreach settings row (``appeal_outreach``: the letters' closing phrase and the
public tracker): the one place that reads it and makes it."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.kit.upsert import insert_for
from app.models.base import new_id
from app.models.outreach import AppealOutreach


async def find(
    session: AsyncSession, appeal_id: uuid.UUID, *, lock: bool = False
) -> AppealOutreach | None:
    statement = select(AppealOutreach).where(AppealOutreach.appeal_id == appeal_id)
    if lock:
        statement = statement.with_for_update()
    return (await session.scalars(statement)).first()


async def ensure(session: AsyncSession, appeal_id: uuid.UUID) -> tuple[AppealOutreach, bool]:
    """The appeal's row, locked, and whether this call made it. Made by one atomic INSERT …
    ON CONFLICT DO NOTHING, so two first changes racing on PostgreSQL cannot both insert:
    the second waits for the lock and reads the first's row."""
    created = await session.execute(
        insert_for(session)(AppealOutreach)
        .values(id=new_id(), appeal_id=appeal_id, version=1)
        .on_conflict_do_nothing(index_elements=["appeal_id"])
    )
    row = (
        await session.scalars(
            select(AppealOutreach)
            .where(AppealOutreach.appeal_id == appeal_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).one()
    return row, created.rowcount == 1  # type: ignore[attr-defined]
