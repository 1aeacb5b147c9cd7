"""Declarative base, naming convention, ids and the data classification of every column.

Every column declares ``info={"data_class": ..., "protection": ...}``:

=========  ==========================================================================
data_class meaning
=========  ==========================================================================
public     may be shown to anyone (published text, public names, bucketed counts)
metadata   structure only: ids, timestamps, enums, versions, hashes, counters — never a
           name, an address or free text; plaintext because keys, joins and order need it
internal   readable by authorized users through the app; encrypted (``aead``) or only a
           keyed digest of it is stored (``blind_index``, ``token_mac``, ``password_hash``)
sealed     HPKE to a custody key the server does not hold
=========  ==========================================================================

``tests/security/test_data_classes.py`` fails when a column lacks a class or an internal
column is stored readable.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import CheckConstraint, DateTime, LargeBinary, MetaData, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from uuid_utils.compat import uuid7

from app.kit.crypto.aead import decrypt_field, decrypt_text, encrypt_field, encrypt_text

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

DataClass = Literal["public", "metadata", "internal", "sealed"]
# "file_key": AES-256-GCM under a per-file key that is itself stored "aead" (documents).
Protection = Literal[
    "plaintext", "aead", "blind_index", "token_mac", "password_hash", "hpke", "file_key"
]


def classified(
    data_class: DataClass, protection: Protection = "plaintext", **extra: Any
) -> dict[str, Any]:
    return {"data_class": data_class, "protection": protection, **extra}


METADATA = classified("metadata")


def one_of(column: str, values: Iterable[str]) -> CheckConstraint:
    """CHECK that ``column`` holds one of ``values`` (NULL passes: nullability is separate).

    Named after the column, so the naming convention makes it ``ck_<table>_<column>``.
    """
    listed = ", ".join("'" + str(value).replace("'", "''") + "'" for value in values)
    return CheckConstraint(f"{column} IN ({listed})", name=column)


def new_id() -> uuid.UUID:
    """UUIDv7: time-ordered (index friendly) and known before insert (bound into AAD)."""
    return uuid7()


def utcnow() -> datetime:
    """Only the fallback default of ``TimestampMixin.created_at``; code that decides or
    records a time takes ``now`` from the injected clock (app/kit/clock.py)."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: DateTime(timezone=True), uuid.UUID: Uuid()}


class IdMixin:
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id, info=METADATA)

    def __init__(self, **kwargs: Any) -> None:
        # The id must exist before any encrypted attribute is set: it is part of the AAD.
        kwargs.setdefault("id", new_id())
        super().__init__(**kwargs)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info=METADATA)


def encrypted_column(*, nullable: bool = False) -> Mapped[Any]:
    """The storage column behind an :class:`Encrypted` attribute."""
    return mapped_column(LargeBinary, nullable=nullable, info=classified("internal", "aead"))


class Encrypted:
    """A text attribute stored AES-256-GCM-encrypted in ``<column>``.

    The ciphertext is bound to (table, column, row id, key version), so a value copied to
    another row or column fails to decrypt. Decryption happens on access, not on load.
    """

    def __init__(self, column: str) -> None:
        self.column = column

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.owner = owner

    def _place(self, obj: Any) -> dict[str, Any]:
        if getattr(obj, "id", None) is None:
            raise RuntimeError(f"{type(obj).__name__}.id must be set before {self.name}")
        return {"table": obj.__tablename__, "column": self.column, "row_id": obj.id}

    # What a value is in Python: text here; EncryptedBytes stores bytes the same way.
    _encrypt: Callable[..., bytes] = staticmethod(encrypt_text)
    _decrypt: Callable[..., Any] = staticmethod(decrypt_text)

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        blob = getattr(obj, self.column)
        if blob is None:
            return None
        return self._decrypt(_keyring_for(blob), blob, **self._place(obj))

    def decrypt(self, blob: bytes | None, *, row_id: uuid.UUID) -> Any:
        """What the attribute gives an instance of row ``row_id`` whose column holds
        ``blob``: for a page read with Core (no instances), e.g. ``Appeal.title.decrypt(row.
        title_ct, row_id=row.id)``. The same binding to (table, column, row id)."""
        if blob is None:
            return None
        table = self.owner.__tablename__  # type: ignore[attr-defined]
        return self._decrypt(
            _keyring_for(blob), blob, table=table, column=self.column, row_id=row_id
        )

    def __set__(self, obj: Any, value: Any) -> None:
        from app.keys import current_keyring

        if value is None:
            setattr(obj, self.column, None)
            return
        setattr(obj, self.column, self._encrypt(current_keyring(), value, **self._place(obj)))


def _keyring_for(blob: bytes) -> Any:
    from app.keys import current_keyring, reload_keyring_file
    from app.kit.crypto.aead import key_version_of

    keyring = current_keyring()
    # Another process may have rotated the keys since this one loaded them.
    if key_version_of(blob) not in keyring.versions and reload_keyring_file():
        keyring = current_keyring()
    return keyring


class EncryptedBytes(Encrypted):
    """Like :class:`Encrypted`, for bytes (a file) rather than text: the same cell binding,
    so key rotation re-encrypts it like any other encrypted column."""

    _encrypt = staticmethod(encrypt_field)
    _decrypt = staticmethod(decrypt_field)
