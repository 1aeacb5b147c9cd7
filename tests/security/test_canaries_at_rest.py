"""A raw copy of the database holds none of the values written into protected columns.

Canaries go into every column the data-class registry classifies internal or sealed
(tests/support/canaries.py walks it, so a new column is covered without editing this file),
and through the real account and appeals services (what a person types into an appeal:
title, blocks, revision note, comment and reply, suggestion change, note and rejection
reason, translation — wherever the services copy it: the title kept for lists, a comment's
quoted passage, the translation's starting copy); then the SQLite file (with its WAL) or a
pg_dump is searched for them raw, lower-cased, base64, hex and UTF-16.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from app.actors import SYSTEM, Actor
from app.appeals import discussion, translations
from app.appeals import service as appeals
from app.appeals.access import AppealRight, access_appeal
from app.appeals.schemas import AppealCreate, BlockIn, InsertChange, ReplaceChange
from app.appeals.text.blocks import new_block_id
from app.audit import AuditAction, record_event
from app.auth.passwords import password_hasher
from app.auth.service import create_account
from app.db import create_engine, create_sessionmaker, unit_of_work
from app.models.memberships import Organization
from app.models.users import PlatformRole
from tests.auth.factories import make_user
from tests.conftest import TEST_AUTH, make_settings
from tests.support.canaries import PlantedCanaries, encodings, plant_everywhere

APPEAL_CANARIES = (
    "appeal_title",
    "appeal_title_block",
    "appeal_block",
    "appeal_first_note",
    "appeal_saved_block",
    "appeal_revision_note",
    "appeal_comment",
    "appeal_reply",
    "appeal_replacement",
    "appeal_suggestion_note",
    "appeal_inserted_block",
    "appeal_reject_reason",
    "appeal_translation",
)


async def _plant_appeal(session, canaries: dict[str, str], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """An appeal written through its services, with a canary in everything typed into it."""
    now = datetime.now(UTC)
    settings = make_settings("sqlite+aiosqlite://", tmp_path)
    lead = Organization(country="LT")
    lead.name, lead.short_name = "Lead", "L"
    session.add(lead)
    author = await make_user(session, roles=frozenset({PlatformRole.COORDINATOR}))
    actor = Actor(
        type="user", user_id=author.id, platform_roles=frozenset({PlatformRole.COORDINATOR})
    )
    title = BlockIn(id=new_block_id(), kind="title", text=canaries["appeal_title_block"])
    body = BlockIn(id=new_block_id(), kind="paragraph", text=canaries["appeal_block"])
    appeal = await appeals.create_appeal(
        session,
        actor=actor,
        data=AppealCreate(
            lead_organization_id=lead.id,
            title=canaries["appeal_title"],
            blocks=[title, body],
            note=canaries["appeal_first_note"],
        ),
        now=now,
    )
    access = await access_appeal(session, actor, appeal.id, AppealRight.EDIT, lock=True)
    saved = BlockIn(id=new_block_id(), kind="paragraph", text=canaries["appeal_saved_block"])
    revision, _ = await appeals.save_text(
        session,
        actor=actor,
        access=access,
        blocks=[title, body, saved],
        note=canaries["appeal_revision_note"],
        if_match=appeals.revision_etag(appeal.head_revision_id),
        now=now,
    )
    comment = await discussion.add_comment(
        session,
        actor=actor,
        access=access,
        revision_id=revision.id,
        block_id=body.id,
        start=0,
        end=len(body.text),  # the whole canary, quoted in the comment's anchor
        body=canaries["appeal_comment"],
        mentions=[],
        now=now,
        settings=settings,
    )
    await discussion.reply(
        session,
        actor=actor,
        access=access,
        comment_id=comment.id,
        body=canaries["appeal_reply"],
        mentions=[],
        now=now,
        settings=settings,
    )
    await discussion.suggest(
        session,
        actor=actor,
        access=access,
        revision_id=revision.id,
        change=ReplaceChange(
            kind="replace",
            block_id=saved.id,
            start=0,
            end=len(saved.text),
            replacement=canaries["appeal_replacement"],
        ),
        note=canaries["appeal_suggestion_note"],
        now=now,
    )
    rejected = await discussion.suggest(
        session,
        actor=actor,
        access=access,
        revision_id=revision.id,
        change=InsertChange(
            kind="insert",
            after_block_id=body.id,
            block_kind="paragraph",
            text=canaries["appeal_inserted_block"],
        ),
        note=None,
        now=now,
    )
    await discussion.reject_suggestion(
        session,
        actor=actor,
        access=access,
        suggestion_id=rejected.id,
        reason=canaries["appeal_reject_reason"],
        now=now,
        settings=settings,
    )
    translation = await translations.create_translation(
        session, actor=actor, access=access, language="be", now=now
    )
    await translations.save_translation(
        session,
        actor=actor,
        access=access,
        translation=translation,
        blocks=[
            title,
            body,
            BlockIn(id=saved.id, kind="paragraph", text=canaries["appeal_translation"]),
        ],
        if_match=translations.translation_etag(translation),
        now=now,
    )
    # Every canary went in (read back through the services, decrypted).
    typed = " ".join(
        [
            str(await appeals.text_read(session, await appeals.head_revision(session, appeal))),
            str(await discussion.list_comments(session, access=access)),
            str(await discussion.list_suggestions(session, access=access)),
            str(
                await translations.translation_read(session, appeal=appeal, translation=translation)
            ),
            appeal.title,
            revision.note or "",
            (await appeals.revision_by_number(session, appeal, 1)).note or "",
        ]
    )
    names = [n for n in APPEAL_CANARIES if n != "appeal_title"]  # replaced by the title block's
    assert [n for n in names if canaries[n] not in typed] == []


async def _plant(url: str, canaries: dict[str, str], tmp_path: Path) -> PlantedCanaries:
    engine = create_engine(url)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            planted = await plant_everywhere(session)
            user = await create_account(
                session,
                actor=SYSTEM,
                hasher=password_hasher(TEST_AUTH),
                email=canaries["email"],
                display_name=canaries["name"],
                password=canaries["password"],
            )
            await record_event(
                session,
                actor=SYSTEM,
                action=AuditAction.USER_CREATED,
                target=user,
                details={"note": canaries["detail"]},
            )
            if "appeal_title" in canaries:
                await _plant_appeal(session, canaries, tmp_path)
    finally:
        await engine.dispose()
    return planted


def _raw_copy(url: str, tmp_path: Path) -> bytes:
    if url.startswith("sqlite"):
        path = Path(make_url(url).database or "")
        # The WAL file holds recent pages that are not yet in the main file.
        return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    parsed = make_url(url)
    result = subprocess.run(
        [
            "pg_dump",
            "-h",
            parsed.host or "127.0.0.1",
            "-p",
            str(parsed.port or 5432),
            "-U",
            parsed.username or "postgres",
            "--no-owner",
            parsed.database or "",
        ],
        capture_output=True,
        check=True,
        env={**os.environ, "PGPASSWORD": parsed.password or ""},
    )
    return result.stdout


async def test_no_canary_in_a_raw_copy_of_the_database(fresh_database_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    tag = uuid.uuid4().hex[:12]
    canaries = {
        "email": f"canary-{tag}@example.org",
        "name": f"Canary Person {tag}",
        "password": f"canary-password-{tag}",
        "detail": f"canary-detail-{tag}",
        # Typed into an appeal (one line each: titles allow no line breaks).
        **{name: f"Canary {name.replace('_', ' ')} {tag}" for name in APPEAL_CANARIES},
    }
    planted = await _plant(fresh_database_url, canaries, tmp_path)
    assert planted.missing == set(), "protected columns the planter could not reach"
    dump = _raw_copy(fresh_database_url, tmp_path)
    assert len(dump) > 1000  # the copy is real
    found = [
        (name, encoded)
        for name, value in canaries.items()
        for encoded in encodings(value)
        if encoded in dump
    ]
    assert found == []
    assert planted.found_in(dump) == []
    # The tag alone (a fragment of every canary) must not show up either.
    assert tag.encode() not in dump


async def test_the_scan_finds_a_canary_stored_readable(fresh_database_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The scan itself can fail: a value written past the encryption shows up in the dump."""
    from sqlalchemy import update

    from app.models.memberships import Organization

    planted = await _plant(
        fresh_database_url,
        {
            "email": f"x-{uuid.uuid4().hex[:6]}@example.org",
            "name": "x",
            "password": "x" * 12,
            "detail": "x",
        },
        tmp_path,
    )
    leaked = planted.values["organizations.name_ct"]
    engine = create_engine(fresh_database_url)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            await session.execute(update(Organization).values(name_ct=leaked.encode()))
    finally:
        await engine.dispose()
    hits = planted.found_in(_raw_copy(fresh_database_url, tmp_path))
    # Raw in the SQLite file, hex in a pg_dump of a bytea.
    assert "organizations.name_ct" in {place for place, _ in hits}
