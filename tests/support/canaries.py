"""Canaries in every column the data-class registry calls internal (or sealed).

``plant_everywhere`` walks ``Base.metadata`` (the registry of app/models/base.py) in
dependency order and writes one row per table whose every internal column carries a unique
canary: encrypted columns through their ``Encrypted`` attribute, blind indexes and token
MACs computed from a canary, password hashes of a canary. Tables whose nullable internal
columns exclude each other (a CHECK) get one row per such column. The audit log is written
through ``record_event``, as the app writes it. A new internal column is planted without
anyone editing this file; ``PlantedCanaries.missing`` names any column it could not reach.
"""

from __future__ import annotations

import base64
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Integer, LargeBinary, String, Table, Uuid
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

import app.models  # noqa: F401 - every model on the metadata
from app.actors import SYSTEM
from app.audit import AuditAction, record_event
from app.auth.passwords import hash_password, password_hasher
from app.keys import current_keyring
from app.kit.crypto.blind_index import blind_index
from app.kit.crypto.file_chunks import encrypt_chunk, new_file_key
from app.kit.crypto.sealing import generate_sealing_keypair, seal
from app.kit.crypto.tokens import token_mac
from app.models.base import Base, Encrypted, EncryptedBytes, new_id
from tests.conftest import TEST_AUTH

PROTECTED = {"internal", "sealed"}
# Metadata strings with a closed set of values (roles, states): a valid one to write.
# The role columns are CHECKed (app/permissions.py): a platform grant holds a platform role.
KNOWN_VALUES = {"role": "member", "platform_role": None, "status": None, "language": "en"}
KNOWN_IN_TABLE = {
    "platform_role_grants.role": "coordinator",
    # An appeal's organizations (CHECKed, app/models/appeals.py).
    "appeal_participants.role": "lead",
    "appeal_participants.status": "accepted",
    "appeal_suggestions.kind": "replace",
    # A signature (CHECKed, app/models/signatories.py).
    "signatures.kind": "member",
    "signatures.tier": "withheld",
    "signatures.status": "counted",
    # Outreach (CHECKed, app/models/outreach.py).
    "recipients.kind": "government",
    "dispatches.channel": "post",
    "dispatches.delivery": "recorded",
    "responses.channel": "post",
    "responses.kind": "substantive_reply",
    "response_stances.stance": "supports",
    "documents.role": "response",
    "documents.state": "stored",
    "documents.media_type": "application/pdf",
}
AUDIT_TABLES = {"audit_events", "audit_head", "audit_checkpoints"}


def encodings(value: str) -> list[bytes]:
    """The forms in which a leaked value would show up in a dump or a log."""
    raw = value.encode()
    return [
        raw,
        raw.lower(),
        base64.b64encode(raw),
        base64.urlsafe_b64encode(raw),
        raw.hex().encode(),
        raw.hex().upper().encode(),
        value.encode("utf-16-le"),
    ]


@dataclass
class PlantedCanaries:
    tag: str
    # "table.column" -> the canary written there (before encryption or digesting).
    values: dict[str, str] = field(default_factory=dict)

    @property
    def expected(self) -> set[str]:
        return {
            f"{table.name}.{column.name}"
            for table in Base.metadata.sorted_tables
            for column in table.columns
            if column.info.get("data_class") in PROTECTED
        }

    @property
    def missing(self) -> set[str]:
        return self.expected - self.values.keys()

    def found_in(self, blob: bytes) -> list[tuple[str, bytes]]:
        hits = [
            (place, encoded)
            for place, value in self.values.items()
            for encoded in encodings(value)
            if encoded in blob
        ]
        if self.tag.encode() in blob:  # a fragment of every canary
            hits.append(("tag", self.tag.encode()))
        return hits


def _classes_by_table() -> dict[str, type]:
    return {mapper.class_.__tablename__: mapper.class_ for mapper in Base.registry.mappers}


def _encrypted_attribute(cls: type, column: str) -> str | None:
    for klass in cls.__mro__:
        for attribute in vars(klass).values():
            if isinstance(attribute, Encrypted) and attribute.column == column:
                return attribute.name
    return None


def _metadata_value(table: Table, column: Any, ids: dict[str, uuid.UUID], now: datetime) -> Any:
    if column.foreign_keys:
        referred = next(iter(column.foreign_keys)).column.table.name
        return ids.get(referred)
    if column.default is not None and not callable(column.default.arg):
        return column.default.arg
    if column.default is not None or column.server_default is not None or column.nullable:
        return None  # the default, or nothing
    kind = column.type
    if isinstance(kind, Uuid):
        return new_id()
    if isinstance(kind, DateTime):
        return now
    if isinstance(kind, Date):
        return now.date()
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, Integer):
        return 0
    if isinstance(kind, LargeBinary):
        return secrets.token_bytes(32)
    if isinstance(kind, String):
        known = KNOWN_IN_TABLE.get(f"{table.name}.{column.name}", KNOWN_VALUES.get(column.name))
        return known or "planted"
    raise AssertionError(f"no value for {table.name}.{column.name} ({kind})")


def _protected_value(column: Any, canary: str, source: str | None) -> Any:
    protection = column.info.get("protection")
    keyring = current_keyring()
    if protection == "blind_index":
        return blind_index(keyring, source or canary, domain=column.info["domain"])
    if protection == "token_mac":
        return token_mac(keyring, canary, purpose="canary")
    if protection == "password_hash":
        return hash_password(password_hasher(TEST_AUTH), canary)
    if protection == "file_key":
        # Under a file key of its own, as app/outreach stores a document's chunks.
        return encrypt_chunk(new_file_key(), canary.encode(), file_id=new_id(), seq=0, last=True)
    if protection == "hpke":
        # Sealed to a key nobody keeps, as the server seals to a custody key it lacks.
        return seal(generate_sealing_keypair()[1], canary.encode(), info=b"canary")
    raise AssertionError(f"{column.table.name}.{column.name}: no way to plant {protection}")


async def _insert_row(
    session: AsyncSession,
    cls: type,
    table: Table,
    columns: list[Any],
    planted: PlantedCanaries,
    ids: dict[str, uuid.UUID],
    now: datetime,
) -> uuid.UUID:
    """One row with canaries in ``columns`` (every other protected column left empty)."""
    row_id = new_id()
    obj = cls(id=row_id) if "id" in table.columns else cls()
    canaries: dict[str, str] = {}
    for column in table.columns:
        if column.name == "id":
            continue
        if column.info.get("data_class") not in PROTECTED:
            value = _metadata_value(table, column, ids, now)
            if value is not None:
                setattr(obj, column.key, value)
    for column in columns:
        place = f"{table.name}.{column.name}"
        canary = canaries[place] = f"canary {planted.tag} {place} {secrets.token_hex(4)}"
        attribute = _encrypted_attribute(cls, column.name)
        if attribute is not None:
            # A file's bytes (EncryptedBytes) or text.
            is_file = isinstance(getattr(cls, attribute), EncryptedBytes)
            setattr(obj, attribute, canary.encode() if is_file else canary)
        else:
            source = column.info.get("source")
            source_canary = canaries.get(f"{table.name}.{source}") if source else None
            if source and source_canary is None:
                # The index goes with its source: plant both, or neither stays readable.
                continue
            setattr(obj, column.key, _protected_value(column, canary, source_canary))
    nested = await session.begin_nested()
    session.add(obj)
    try:
        await session.flush()
    except IntegrityError:
        await nested.rollback()
        raise
    await nested.commit()
    planted.values.update(canaries)
    return row_id


async def plant_everywhere(session: AsyncSession) -> PlantedCanaries:
    planted = PlantedCanaries(tag=uuid.uuid4().hex[:12])
    now = datetime.now(UTC)
    classes = _classes_by_table()
    ids: dict[str, uuid.UUID] = {}
    for table in Base.metadata.sorted_tables:
        if table.name in AUDIT_TABLES:
            continue
        cls = classes[table.name]
        protected = [c for c in table.columns if c.info.get("data_class") in PROTECTED]
        # Sources before the digests computed from them.
        protected.sort(key=lambda c: "source" in c.info)
        try:
            ids[table.name] = await _insert_row(session, cls, table, protected, planted, ids, now)
        except IntegrityError:
            if not any(c.nullable for c in protected):
                raise
            # Columns that exclude each other: the required ones with one optional at a time.
            required = [c for c in protected if not c.nullable]
            optional = [c for c in protected if c.nullable]
            for column in optional:
                ids[table.name] = await _insert_row(
                    session, cls, table, [*required, column], planted, ids, now
                )
    detail = f"canary {planted.tag} audit_events.details_ct"
    await record_event(
        session, actor=SYSTEM, action=AuditAction.USER_CREATED, details={"note": detail}
    )
    planted.values["audit_events.details_ct"] = detail
    await session.flush()
    return planted
