"""When an old key version can be retired, and what retiring it ends.

Every keyed value falls into one of three lifecycles:

1. **Re-keyed by ``accord keys rotate``** (app/rotation.py): encrypted fields, blind
   indexes (recomputed from the decrypted source), MACs whose input is itself stored
   encrypted (passkey credential ids), and recovery codes (an Argon2id digest stored
   encrypted: app/auth/factors/recovery_codes.py). After a rotation none of them holds an
   old version.

2. **Short-lived token MACs**: sessions (at most ``absolute_hours``), sign-in challenges
   (minutes), invitations (7 days) and attempt throttles (window + block). The token exists
   only in the user's hands, so its MAC cannot be recomputed under the new version; it is
   accepted under the old one (every lookup tries each version in the keyring) until it
   ends on its own. ``keys status`` says how many are live per version and when the last
   one ends; ``keys retire`` refuses until then, or with ``--force`` ends them now:
   sessions revoked (the users sign in again), challenges dropped (a ceremony in progress
   starts over), invitations revoked (invite again; resending one before that re-keys it),
   throttles cleared. The signer indexes of an appeal open for signatures (keyed hashes of
   who signed, never stored in the clear: app/signatories/service.py) live until signing
   closes; --force erases them (those signers could sign again, and signatures waiting
   for a second officer lapse).

3. **Long-lived MACs that cannot be recomputed**: recovery codes made before codes were
   stored as encrypted digests (``recovery_codes.code_mac``), and single-sign-on links (the
   provider's subject is kept only as a MAC), and signature receipts (the code is in the
   signer's hands). They never end on their own: a user replaces
   legacy codes by making new ones, and ``keys retire --force`` withdraws the rest (each
   user is emailed to make new codes) and unlinks single-sign-on subjects (the next SSO
   sign-in links the account again through the provider's verified email, as the first
   one did) and forgets receipts (the signatures stay; their receipts no longer check).

Spent values — revoked or expired sessions kept for the session list, used challenges,
accepted or expired invitations, used recovery codes — hold no version: nothing will ever
present their token again, and after retirement their MAC just names a version that no
longer exists, which no lookup computes.

``keys retire`` commits its database changes and its ``key.retired`` audit event before it
rewrites the keyring file: if writing the file fails, nothing is lost and a rerun finishes.
"""

from __future__ import annotations

import struct
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, distinct, func, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.actors import SYSTEM
from app.audit import AuditAction, record_event
from app.config import Settings
from app.db import create_sessionmaker, unit_of_work
from app.kit.clock import Clock, SystemClock, as_utc
from app.kit.crypto import Keyring
from app.kit.crypto.keystore import save_keyring_file
from app.models.identity import (
    AuthChallenge,
    AuthSession,
    AuthThrottle,
    OidcIdentity,
    RecoveryCode,
)
from app.models.memberships import Invitation
from app.models.signatories import Signature, SigningWindow
from app.models.users import User
from app.notifications.service import notify_user
from app.rotation import keyed_columns, rekeyable_rows_at

REVOKED_REASON = "key_retired"


def _at_version(column: Any, version: int) -> ColumnElement[bool]:
    """The stored MAC (4-byte version header first) was made with ``version``."""
    return func.substr(column, 1, 4) == struct.pack(">I", version)


# --- the values rotation cannot re-key ---------------------------------------------------


@dataclass(frozen=True)
class Holder:
    """A kind of stored MAC of a token the server never keeps."""

    # "live session" / "live sessions"; ``short`` names them in what --force does.
    one: str
    many: str
    short: str
    columns: tuple[Any, ...]
    live: Callable[[datetime, Settings], ColumnElement[bool]]
    # When the last live one ends on its own; None: never (lifecycle 3).
    ends_by: Callable[[AsyncSession, ColumnElement[bool], Settings], Awaitable[datetime | None]]
    # What --force does to the live ones; returns how many it ended.
    end: Callable[[AsyncSession, ColumnElement[bool], datetime, Settings], Awaitable[int]]
    ended: str
    lasting: bool = False
    note: str = ""

    @property
    def table(self) -> Any:
        return self.columns[0].table

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(f"{c.table.name}.{c.name}" for c in self.columns)

    def at_version(self, version: int) -> ColumnElement[bool]:
        return or_(*[_at_version(column, version) for column in self.columns])


async def _max_of(
    session: AsyncSession, column: Any, where: ColumnElement[bool]
) -> datetime | None:
    value = await session.scalar(select(func.max(column)).where(where))
    return as_utc(value) if value is not None else None


# Sessions


def _session_live(now: datetime, settings: Settings) -> ColumnElement[bool]:
    return and_(
        AuthSession.revoked_at.is_(None),
        AuthSession.expires_at > now,
        AuthSession.last_seen_at > now - timedelta(minutes=settings.session.idle_minutes),
    )


async def _session_ends(
    session: AsyncSession, where: ColumnElement[bool], settings: Settings
) -> datetime | None:
    # The absolute deadline: activity keeps a session from idling out, never past it.
    return await _max_of(session, AuthSession.expires_at, where)


async def _revoke_sessions(
    session: AsyncSession, where: ColumnElement[bool], now: datetime, settings: Settings
) -> int:
    result = await session.execute(
        update(AuthSession)
        .where(where)
        .values(revoked_at=now, revoked_reason=REVOKED_REASON)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# Challenges


def _challenge_live(now: datetime, settings: Settings) -> ColumnElement[bool]:
    return and_(AuthChallenge.used_at.is_(None), AuthChallenge.expires_at > now)


async def _challenge_ends(
    session: AsyncSession, where: ColumnElement[bool], settings: Settings
) -> datetime | None:
    return await _max_of(session, AuthChallenge.expires_at, where)


async def _drop_challenges(
    session: AsyncSession, where: ColumnElement[bool], now: datetime, settings: Settings
) -> int:
    result = await session.execute(
        delete(AuthChallenge).where(where).execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# Invitations


def _invitation_live(now: datetime, settings: Settings) -> ColumnElement[bool]:
    return and_(
        Invitation.accepted_at.is_(None),
        Invitation.revoked_at.is_(None),
        Invitation.expires_at > now,
    )


async def _invitation_ends(
    session: AsyncSession, where: ColumnElement[bool], settings: Settings
) -> datetime | None:
    return await _max_of(session, Invitation.expires_at, where)


async def _revoke_invitations(
    session: AsyncSession, where: ColumnElement[bool], now: datetime, settings: Settings
) -> int:
    result = await session.execute(
        update(Invitation)
        .where(where)
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# Throttles


def _throttle_live(now: datetime, settings: Settings) -> ColumnElement[bool]:
    window = timedelta(minutes=settings.throttle.window_minutes)
    return or_(AuthThrottle.blocked_until > now, AuthThrottle.window_started_at > now - window)


async def _throttle_ends(
    session: AsyncSession, where: ColumnElement[bool], settings: Settings
) -> datetime | None:
    window = timedelta(minutes=settings.throttle.window_minutes)
    started = await _max_of(session, AuthThrottle.window_started_at, where)
    blocked = await _max_of(session, AuthThrottle.blocked_until, where)
    ends = [moment for moment in (started and started + window, blocked) if moment]
    return max(ends) if ends else None


async def _clear_throttles(
    session: AsyncSession, where: ColumnElement[bool], now: datetime, settings: Settings
) -> int:
    result = await session.execute(
        delete(AuthThrottle).where(where).execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# Legacy recovery codes


def _code_live(now: datetime, settings: Settings) -> ColumnElement[bool]:
    return RecoveryCode.used_at.is_(None)


async def _never(
    session: AsyncSession, where: ColumnElement[bool], settings: Settings
) -> datetime | None:
    return None


async def _withdraw_codes(
    session: AsyncSession, where: ColumnElement[bool], now: datetime, settings: Settings
) -> int:
    user_ids = (await session.scalars(select(RecoveryCode.user_id).where(where).distinct())).all()
    result = await session.execute(
        delete(RecoveryCode).where(where).execution_options(synchronize_session=False)
    )
    for user_id in user_ids:
        user = await session.get(User, user_id)
        if user is not None:
            await notify_user(session, user=user, kind="recovery_codes_withdrawn", now=now)
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# Single-sign-on links


def _always(now: datetime, settings: Settings) -> ColumnElement[bool]:
    return true()


async def _unlink(
    session: AsyncSession, where: ColumnElement[bool], now: datetime, settings: Settings
) -> int:
    result = await session.execute(
        delete(OidcIdentity).where(where).execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# Signatures: the signer indexes of a window still open, and receipts


def _index_live(now: datetime, settings: Settings) -> ColumnElement[bool]:
    # Once signing ended no one signs, confirms or re-consents: the indexes left (public
    # signatures') serve nothing that needs their key.
    open_windows = select(SigningWindow.appeal_id).where(SigningWindow.ended_at.is_(None))
    return and_(
        or_(
            Signature.dedupe_index.is_not(None),
            Signature.signer_index.is_not(None),
            Signature.domain_index.is_not(None),
        ),
        Signature.appeal_id.in_(open_windows),
    )


async def _index_ends(
    session: AsyncSession, where: ColumnElement[bool], settings: Settings
) -> datetime | None:
    appeals = select(Signature.appeal_id).where(where)
    return await _max_of(session, SigningWindow.closes_at, SigningWindow.appeal_id.in_(appeals))


async def _forget_indexes(
    session: AsyncSession, where: ColumnElement[bool], now: datetime, settings: Settings
) -> int:
    # A signature waiting for a second officer cannot tell who asked without its index:
    # it lapses (app/signatories/service.py). Imported here: signatories builds on the kit
    # this module belongs to.
    from app.signatories.service import lapse_where

    await lapse_where(session, where)
    result = await session.execute(
        update(Signature)
        .where(where)
        .values(dedupe_index=None, signer_index=None, domain_index=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _emailed_code_live(now: datetime, settings: Settings) -> ColumnElement[bool]:
    return and_(Signature.code_mac.is_not(None), Signature.code_expires_at > now)


async def _emailed_code_ends(
    session: AsyncSession, where: ColumnElement[bool], settings: Settings
) -> datetime | None:
    return await _max_of(session, Signature.code_expires_at, where)


async def _drop_codes(
    session: AsyncSession, where: ColumnElement[bool], now: datetime, settings: Settings
) -> int:
    result = await session.execute(
        update(Signature)
        .where(where)
        .values(code_mac=None, code_expires_at=None, code_for=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _receipt_live(now: datetime, settings: Settings) -> ColumnElement[bool]:
    return Signature.receipt_mac.is_not(None)


async def _forget_receipts(
    session: AsyncSession, where: ColumnElement[bool], now: datetime, settings: Settings
) -> int:
    result = await session.execute(
        update(Signature)
        .where(where)
        .values(receipt_mac=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


HOLDERS: tuple[Holder, ...] = (
    Holder(
        one="live session",
        many="live sessions",
        short="sessions",
        columns=(AuthSession.__table__.c.token_mac,),
        live=_session_live,
        ends_by=_session_ends,
        end=_revoke_sessions,
        ended="revoked (their users sign in again)",
        note="at the latest; sooner when idle",
    ),
    Holder(
        one="open sign-in challenge",
        many="open sign-in challenges",
        short="challenges",
        columns=(AuthChallenge.__table__.c.handle_mac,),
        live=_challenge_live,
        ends_by=_challenge_ends,
        end=_drop_challenges,
        ended="dropped (a sign-in or set-up in progress starts over)",
    ),
    Holder(
        one="pending invitation",
        many="pending invitations",
        short="invitations",
        columns=(Invitation.__table__.c.token_mac,),
        live=_invitation_live,
        ends_by=_invitation_ends,
        end=_revoke_invitations,
        ended="revoked (invite again)",
        note="resending one moves it to the current version",
    ),
    Holder(
        one="attempt throttle",
        many="attempt throttles",
        short="throttles",
        columns=(AuthThrottle.__table__.c.key_mac,),
        live=_throttle_live,
        ends_by=_throttle_ends,
        end=_clear_throttles,
        ended="cleared (their attempt counts start again)",
    ),
    Holder(
        one="legacy recovery code",
        many="legacy recovery codes",
        short="legacy recovery codes",
        columns=(RecoveryCode.__table__.c.code_mac,),
        live=_code_live,
        ends_by=_never,
        end=_withdraw_codes,
        ended="withdrawn (their users are emailed to make new ones)",
        lasting=True,
        note="unused codes stored as MACs before 2026-11-29; they go when their users make"
        " new codes",
    ),
    Holder(
        one="single-sign-on link",
        many="single-sign-on links",
        short="single-sign-on links",
        columns=(OidcIdentity.__table__.c.issuer_mac, OidcIdentity.__table__.c.subject_mac),
        live=_always,
        ends_by=_never,
        end=_unlink,
        ended="unlinked (the next single sign-on links the account again by verified email)",
        lasting=True,
    ),
    Holder(
        one="signer index of an appeal open for signatures",
        many="signer indexes of appeals open for signatures",
        short="signer indexes",
        columns=(
            Signature.__table__.c.dedupe_index,
            Signature.__table__.c.signer_index,
            Signature.__table__.c.domain_index,
        ),
        live=_index_live,
        ends_by=_index_ends,
        end=_forget_indexes,
        ended="erased (those signers are no longer recognised: they could sign again, and"
        " signatures waiting for a second officer lapse)",
        note="until signing closes",
    ),
    Holder(
        one="code emailed to a public signer",
        many="codes emailed to public signers",
        short="emailed codes",
        columns=(Signature.__table__.c.code_mac,),
        live=_emailed_code_live,
        ends_by=_emailed_code_ends,
        end=_drop_codes,
        ended="dropped (those signers ask for a new code)",
    ),
    Holder(
        one="signature receipt",
        many="signature receipts",
        short="signature receipts",
        columns=(Signature.__table__.c.receipt_mac,),
        live=_receipt_live,
        ends_by=_never,
        end=_forget_receipts,
        ended="forgotten (the signatures stay; their receipts no longer check)",
        lasting=True,
    ),
)


def unclassified_token_macs() -> list[str]:
    """Token-MAC columns that neither rotation re-keys nor a Holder covers (must be none)."""
    covered = {label for holder in HOLDERS for label in holder.labels}
    return [
        kc.label
        for kc in keyed_columns()
        if kc.protection == "token_mac" and not kc.rekeyable and kc.label not in covered
    ]


# --- what a version is still needed for --------------------------------------------------


@dataclass(frozen=True)
class Use:
    holder: Holder
    count: int
    ends_by: datetime | None
    users: int | None = None


@dataclass(frozen=True)
class VersionReport:
    version: int
    rekeyable: int
    uses: tuple[Use, ...]
    spent: int

    @property
    def retirable(self) -> bool:
        return self.rekeyable == 0 and not self.uses

    @property
    def forceable(self) -> bool:
        """Retirable once --force has ended what still uses it."""
        return self.rekeyable == 0

    @property
    def free_by(self) -> datetime | None:
        """When the version needs nothing any more on its own; None if never (or now)."""
        if any(use.holder.lasting for use in self.uses) or not self.uses:
            return None
        return max((use.ends_by for use in self.uses if use.ends_by is not None), default=None)


async def version_report(
    session: AsyncSession, version: int, *, now: datetime, settings: Settings
) -> VersionReport:
    uses = []
    spent = 0
    for holder in HOLDERS:
        at = holder.at_version(version)
        total = int(
            await session.scalar(select(func.count()).select_from(holder.table).where(at)) or 0
        )
        if not total:
            continue
        live = and_(at, holder.live(now, settings))
        count = int(
            await session.scalar(select(func.count()).select_from(holder.table).where(live)) or 0
        )
        spent += total - count
        if not count:
            continue
        users = None
        if holder.table is RecoveryCode.__table__:
            users = int(
                await session.scalar(select(func.count(distinct(RecoveryCode.user_id))).where(live))
                or 0
            )
        uses.append(Use(holder, count, await holder.ends_by(session, live, settings), users))
    rekeyable = await rekeyable_rows_at(await session.connection(), version)
    return VersionReport(version, rekeyable, tuple(uses), spent)


async def version_reports(
    engine: AsyncEngine, versions: list[int], *, now: datetime, settings: Settings
) -> list[VersionReport]:
    async with create_sessionmaker(engine)() as session:
        return [await version_report(session, v, now=now, settings=settings) for v in versions]


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def _use_line(use: Use) -> str:
    noun = use.holder.one if use.count == 1 else use.holder.many
    text = f"{use.count} {noun}"
    if use.users is not None:
        text += f" of {use.users} user" + ("" if use.users == 1 else "s")
    if use.ends_by is None:
        text += ": they never expire"
    else:
        last = "ending" if use.count == 1 else "the last ending"
        text += f", {last} by {_when(use.ends_by)}"
    if use.holder.note:
        text += f" ({use.holder.note})"
    return text


def describe(report: VersionReport) -> list[str]:
    """What still needs the version, one line each, and how it can be retired."""
    v = report.version
    lines = []
    if report.rekeyable:
        lines.append(
            f"{report.rekeyable} stored values still use version {v}; run `accord keys rotate`"
            " to re-encrypt them"
        )
    lines += [_use_line(use) for use in report.uses]
    if report.spent:
        lines.append(
            f"{report.spent} spent token MACs (ended sessions, used challenges, …) need no key"
        )
    if report.retirable:
        lines.append(f"nothing needs it: `accord keys retire {v}` retires it now")
    elif report.forceable:
        forced = "; ".join(f"{use.holder.short} {use.holder.ended}" for use in report.uses)
        if report.free_by is not None:
            lines.append(
                f"`accord keys retire {v}` works after {_when(report.free_by)}, or now with"
                f" --force: {forced}"
            )
        else:
            lines.append(f"`accord keys retire {v} --force` retires it now: {forced}")
    return lines


# --- retiring ----------------------------------------------------------------------------


class StillNeeded(Exception):
    def __init__(self, report: VersionReport) -> None:
        super().__init__(f"key version {report.version} is still needed")
        self.report = report


async def retire_in_database(
    engine: AsyncEngine,
    version: int,
    *,
    versions_left: tuple[int, ...],
    now: datetime,
    settings: Settings,
    force: bool,
) -> dict[str, int]:
    """Check that nothing needs ``version`` any more (with ``force``: end what does, as
    --force says), and record ``key.retired``, in one transaction; StillNeeded otherwise.

    Returns what was ended, per table. The caller then removes the version from the keyring.
    """
    async with create_sessionmaker(engine)() as session:
        ended = await retire_in_session(
            session, version, versions_left=versions_left, now=now, settings=settings, force=force
        )
        await session.commit()
        return ended


async def end_uses(
    session: AsyncSession, report: VersionReport, *, now: datetime, settings: Settings
) -> dict[str, int]:
    """End what still uses the report's version, as --force says; how many, per table."""
    ended: dict[str, int] = {}
    for use in report.uses:
        holder = use.holder
        live = and_(holder.at_version(report.version), holder.live(now, settings))
        count = await holder.end(session, live, now, settings)
        ended[holder.table.name] = ended.get(holder.table.name, 0) + count
    return ended


async def retire_in_session(
    session: AsyncSession,
    version: int,
    *,
    versions_left: tuple[int, ...],
    now: datetime,
    settings: Settings,
    force: bool,
) -> dict[str, int]:
    """retire_in_database's work in the caller's transaction (which commits it)."""
    report = await version_report(session, version, now=now, settings=settings)
    if not report.retirable and not (force and report.forceable):
        raise StillNeeded(report)
    ended = await end_uses(session, report, now=now, settings=settings)
    await record_event(
        session,
        actor=SYSTEM,
        action=AuditAction.KEY_RETIRED,
        target=("key_version", str(version)),
        now=now,
        details={
            "version": version,
            "versions_left": list(versions_left),
            "forced": bool(ended),
            "ended": ended,
        },
    )
    return ended


async def retire_version(
    engine: AsyncEngine,
    keyring_file: Path,
    keyring: Keyring,
    version: int,
    *,
    now: datetime,
    settings: Settings,
    force: bool = False,
) -> tuple[Keyring, dict[str, int]]:
    """Retire ``version``: the database first (retire_in_database), then the keyring file.

    KeyringError for the current or an unknown version, StillNeeded while something needs
    it, OSError when the file cannot be written (the database part is then done: rerun).
    Returns the keyring left and what --force ended, per table.
    """
    remaining = keyring.without_version(version)
    ended = await retire_in_database(
        engine, version, versions_left=remaining.versions, now=now, settings=settings, force=force
    )
    save_keyring_file(keyring_file, remaining)
    return remaining, ended


async def record_key_event(
    engine: AsyncEngine, action: AuditAction, details: dict[str, Any]
) -> None:
    """An audit event of ``accord keys`` (``key.rotated``, ``key.reencrypted``), by the
    system, on the key version ``details["version"]``: versions and counts, never key
    material."""
    await record_operator_event(engine, action, ("key_version", str(details["version"])), details)


async def record_operator_event(
    engine: AsyncEngine,
    action: AuditAction,
    target: tuple[str, str],
    details: dict[str, Any],
    *,
    clock: Clock | None = None,
) -> None:
    """An audit event of an ``accord`` command, in a transaction of its own, by the system
    actor (no user: the operator is whoever runs the server's command line)."""
    async with unit_of_work(create_sessionmaker(engine), clock=clock or SystemClock()) as session:
        await record_event(session, actor=SYSTEM, action=action, target=target, details=details)
