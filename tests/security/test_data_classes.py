"""Every column is classified, and nothing classified internal is stored readable."""

from __future__ import annotations

from sqlalchemy import Date, DateTime, Integer, LargeBinary, String, Uuid
from sqlalchemy.types import Boolean

import app.models  # noqa: F401 - every model on the metadata
from app.models.base import Base

DATA_CLASSES = {"public", "metadata", "internal", "sealed"}
STORED_PROTECTED = {"aead", "blind_index", "token_mac", "password_hash", "file_key"}


def _columns():  # type: ignore[no-untyped-def]
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            yield table, column


def test_every_column_declares_a_data_class() -> None:
    missing = [
        f"{table.name}.{column.name}"
        for table, column in _columns()
        if column.info.get("data_class") not in DATA_CLASSES
    ]
    assert missing == []


def test_internal_columns_are_encrypted_or_keyed_digests() -> None:
    readable = [
        f"{table.name}.{column.name}"
        for table, column in _columns()
        if column.info["data_class"] == "internal"
        and column.info.get("protection") not in STORED_PROTECTED
    ]
    assert readable == []


def test_encrypted_columns_are_binary() -> None:
    wrong = [
        f"{table.name}.{column.name}"
        for table, column in _columns()
        if column.info.get("protection") in {"aead", "blind_index", "token_mac", "hpke", "file_key"}
        and not isinstance(column.type, LargeBinary)
    ]
    assert wrong == []


def test_sealed_columns_use_hpke() -> None:
    wrong = [
        f"{table.name}.{column.name}"
        for table, column in _columns()
        if column.info["data_class"] == "sealed" and column.info.get("protection") != "hpke"
    ]
    assert wrong == []


def test_metadata_columns_cannot_hold_free_text() -> None:
    # Metadata is plaintext because keys, joins and order need it: ids, times, numbers,
    # flags, short codes and digests. A long string there would be a place for a name.
    allowed = (Uuid, DateTime, Date, Integer, Boolean, LargeBinary)
    wrong = []
    for table, column in _columns():
        if column.info["data_class"] != "metadata":
            continue
        if isinstance(column.type, String):
            if column.type.length is None or column.type.length > 64:
                wrong.append(f"{table.name}.{column.name}")
        elif not isinstance(column.type, allowed):
            wrong.append(f"{table.name}.{column.name}")
    assert wrong == []


def test_blind_indexes_name_an_encrypted_source() -> None:
    for table, column in _columns():
        if column.info.get("protection") == "blind_index":
            source = table.columns[column.info["source"]]
            assert source.info["protection"] == "aead"
            assert column.info["domain"]
