"""The jobs the worker runs, by name. A new periodic duty (deadlines, reminders) adds its
``Job`` here: a coroutine in its domain, an interval, and nothing else to wire."""

from __future__ import annotations

import logging
from datetime import timedelta

from app.audit.service import checkpoint_if_due, checkpoints_from
from app.auth.housekeeping import PURGE_EVERY, purge_expired
from app.config import Settings
from app.jobs.runner import Job, JobContext
from app.notifications.worker import outbox_job
from app.outreach.dispatches.followups import follow_up_digests
from app.signatories.service import signing_deadlines

log = logging.getLogger("accord.jobs")
# A deadline is exact for signers (signing_open compares with now); the worker only closes
# the appeal and erases the links, so a minute late is fine.
SIGNING_DEADLINES_EVERY = timedelta(minutes=1)
# The digest goes once a day per person (follow_up_digests claims the day); looking every
# quarter hour sends it soon after midnight UTC, or soon after a worker starts.
FOLLOW_UP_DIGESTS_EVERY = timedelta(minutes=15)


async def purge_auth_state(ctx: JobContext) -> None:
    async with ctx.unit_of_work() as session:
        removed = await purge_expired(session, now=ctx.now(), settings=ctx.settings)
    # Said only when something went: a line every ten minutes saying "nothing" is noise
    # on a person's terminal (and pushes the first start's credentials off its end).
    level = logging.INFO if removed else logging.DEBUG
    log.log(level, "housekeeping", extra={"event": "auth.purged", "rows": removed})


def audit_checkpoint_job(settings: Settings) -> Job:
    cadence = checkpoints_from(settings.audit)

    async def sign_pending(ctx: JobContext) -> None:
        async with ctx.unit_of_work() as session:
            checkpoint = await checkpoint_if_due(session, now=ctx.now(), cadence=cadence)
        if checkpoint is not None:
            log.info(
                "audit checkpoint signed",
                extra={"event": "audit.checkpoint_signed", "count": checkpoint.size},
            )

    # Looks often (a cheap read; the append lock only when one is due), so that events
    # wait at most about every_seconds plus this for their checkpoint.
    every = timedelta(seconds=min(max(cadence.every_seconds / 4, 1.0), 15.0))
    return Job("audit.checkpoint", every, sign_pending, "audit checkpoint")


def worker_jobs(settings: Settings) -> list[Job]:
    """Every job of the worker, in the order a pass runs them."""
    return [
        outbox_job(),
        Job("auth.housekeeping", PURGE_EVERY, purge_auth_state, "housekeeping"),
        audit_checkpoint_job(settings),
        Job("signing.deadlines", SIGNING_DEADLINES_EVERY, signing_deadlines, "signing deadlines"),
        Job(
            "outreach.follow_up_digests",
            FOLLOW_UP_DIGESTS_EVERY,
            follow_up_digests,
            "follow-up digests",
        ),
    ]
