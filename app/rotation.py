"""Key rotation: re-encrypt every encrypted column and recompute every blind index and every
MAC whose input is stored encrypted (passkey credential ids).

What rotation cannot rewrite — MACs of tokens the server never keeps (sessions, challenges,
invitations, throttles, legacy recovery codes, single-sign-on subjects) — and when an old
version can therefore be retired is app/key_lifecycle.py's business.

The job walks each table in primary-key order, one short transaction per batch, and only
touches values whose key version is not the current one — the version inside each value is
the job's progress record. Killed at any point, it loses nothing (a batch commits whole or
not at all) and a rerun carries on where the data says it stopped.
"""

from __future__ import annotations

import logging
import struct
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Column, Table, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.kit.crypto import Keyring
from app.kit.crypto.aead import decrypt_field, encrypt_field, key_version_of
from app.kit.crypto.blind_index import blind_index, index_version_of
from app.kit.crypto.tokens import token_mac
from app.kit.names import NORMALIZERS
from app.models.base import Base

log = logging.getLogger("accord.keys")


@dataclass(frozen=True)
class KeyedColumn:
    table: Table
    column: Column[bytes]
    protection: str

    @property
    def version_offset(self) -> int:
        # aead: 1 format byte, then the 4-byte version; digests: the version comes first.
        return 2 if self.protection == "aead" else 1

    @property
    def label(self) -> str:
        return f"{self.table.name}.{self.column.name}"

    @property
    def derived(self) -> bool:
        """A keyed digest of another (encrypted) column of the row: recomputable."""
        return self.protection == "blind_index" or (
            self.protection == "token_mac" and "source" in self.column.info
        )

    @property
    def rekeyable(self) -> bool:
        """Whether `keys rotate` can bring this column to the current version."""
        return self.protection == "aead" or self.derived


def keyed_columns() -> list[KeyedColumn]:
    """Every column whose stored value depends on a key version."""
    found = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            protection = column.info.get("protection")
            if protection in ("aead", "blind_index", "token_mac"):
                found.append(KeyedColumn(table, column, protection))
    return found


def _version_expr(kc: KeyedColumn):  # type: ignore[no-untyped-def]
    return func.substr(kc.column, kc.version_offset, 4)


async def version_counts(engine: AsyncEngine) -> dict[str, dict[int, int]]:
    """Rows per key version for each keyed column (``accord keys status``)."""
    result: dict[str, dict[int, int]] = {}
    async with engine.connect() as conn:
        for kc in keyed_columns():
            expr = _version_expr(kc)
            rows = await conn.execute(
                select(expr, func.count()).where(kc.column.is_not(None)).group_by(expr)
            )
            result[kc.label] = {struct.unpack(">I", bytes(v))[0]: int(n) for v, n in rows}
    return result


async def rows_not_at(engine: AsyncEngine, version: int) -> int:
    """Values a re-encryption run can still bring to ``version`` (MACs of tokens cannot be:
    the tokens are not stored; app/key_lifecycle.py)."""
    rewritable = {kc.label for kc in keyed_columns() if kc.rekeyable}
    counts = await version_counts(engine)
    return sum(
        n
        for label, per in counts.items()
        if label in rewritable
        for v, n in per.items()
        if v != version
    )


async def rekeyable_rows_at(conn: AsyncConnection, version: int) -> int:
    """Values at ``version`` that `keys rotate` would rewrite."""
    wanted = struct.pack(">I", version)
    total = 0
    for kc in keyed_columns():
        if kc.rekeyable:
            query = select(func.count()).select_from(kc.table).where(_version_expr(kc) == wanted)
            total += int(await conn.scalar(query) or 0)
    return total


async def reencrypt_all(
    engine: AsyncEngine,
    keyring: Keyring,
    *,
    batch_size: int = 500,
    on_batch: Callable[[str, int], None] | None = None,
) -> int:
    """Bring every keyed value to ``keyring.current_version``; returns rows rewritten.

    MACs of tokens cannot be recomputed (the tokens are not stored); app/key_lifecycle.py
    decides when their version can go.
    """
    current = keyring.current_version
    wanted = struct.pack(">I", current)
    total = 0
    tables: dict[str, list[KeyedColumn]] = {}
    for kc in keyed_columns():
        if kc.rekeyable:
            tables.setdefault(kc.table.name, []).append(kc)
    for name, columns in tables.items():
        table = columns[0].table
        pk = table.c.id
        # A blind index added after its rows were written is NULL there: filled in too.
        stale = or_(
            *[_version_expr(kc) != wanted for kc in columns],
            *[kc.column.is_(None) for kc in columns if kc.protection == "blind_index"],
        )
        aead_columns = {kc.column.name for kc in columns if kc.protection == "aead"}
        last_id = None
        while True:
            async with engine.begin() as conn:
                query = select(pk, *[table.c[c.column.name] for c in columns]).where(stale)
                if last_id is not None:
                    query = query.where(pk > last_id)
                rows = (await conn.execute(query.order_by(pk).limit(batch_size))).all()
                if not rows:
                    break
                for row in rows:
                    values = _rotated_values(keyring, name, row, columns, aead_columns)
                    if values:
                        await conn.execute(update(table).where(pk == row.id).values(**values))
                        total += 1
                last_id = rows[-1].id
            log.info("re-encrypted batch", extra={"table": name, "rows": len(rows)})
            if on_batch:
                on_batch(name, len(rows))
    return total


def _rotated_values(
    keyring: Keyring,
    table_name: str,
    row: object,
    columns: list[KeyedColumn],
    aead_columns: set[str],
) -> dict[str, bytes]:
    current = keyring.current_version
    row_id = row.id  # type: ignore[attr-defined]
    plaintexts: dict[str, bytes] = {}
    values: dict[str, bytes] = {}
    for kc in columns:
        name = kc.column.name
        blob = getattr(row, name)
        if blob is None or kc.protection != "aead":
            continue
        blob = bytes(blob)
        plain = decrypt_field(keyring, blob, table=table_name, column=name, row_id=row_id)
        plaintexts[name] = plain
        if key_version_of(blob) != current:
            values[name] = encrypt_field(
                keyring, plain, table=table_name, column=name, row_id=row_id
            )
    for kc in columns:
        name = kc.column.name
        blob = getattr(row, name)
        if not kc.derived:
            continue
        # A blind index added after its rows were written (NULL) is filled in here too.
        if blob is None and kc.protection != "blind_index":
            continue
        if blob is not None and index_version_of(bytes(blob)) == current:
            continue
        source = kc.column.info["source"]
        if source not in aead_columns or source not in plaintexts:
            raise RuntimeError(f"{kc.protection} {table_name}.{name} has no readable source")
        text = plaintexts[source].decode()
        if normalize := kc.column.info.get("normalize"):
            text = NORMALIZERS[normalize](text)
        if kc.protection == "blind_index":
            values[name] = blind_index(keyring, text, domain=kc.column.info["domain"])
        else:
            values[name] = token_mac(keyring, text, purpose=kc.column.info["mac_purpose"])
    return values
