"""PostgreSQL privileges for the application role: audit rows are append-only to it.

Migrations and key rotation run as the owner role (ACCORD_DATABASE__ADMIN_URL); the app
connects as a role that may read and write domain tables but only SELECT and INSERT on
audit_events and audit_checkpoints. A compromised app process cannot rewrite history.
"""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from app.models.base import Base

APPEND_ONLY_TABLES = ("audit_events", "audit_checkpoints")
_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def grant_statements(role: str) -> list[str]:
    if not _ROLE_NAME.fullmatch(role):  # match() would accept a trailing newline
        raise ValueError("role names are lower-case letters, digits and underscores")
    statements = [f'GRANT USAGE ON SCHEMA public TO "{role}"']
    for table in Base.metadata.sorted_tables:
        statements.append(f'REVOKE ALL ON TABLE "{table.name}" FROM "{role}"')
        if table.name in APPEND_ONLY_TABLES:
            statements.append(f'GRANT SELECT, INSERT ON TABLE "{table.name}" TO "{role}"')
        else:
            statements.append(
                f'GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE "{table.name}" TO "{role}"'
            )
    statements.append(f'GRANT SELECT ON TABLE alembic_version TO "{role}"')
    return statements


async def grant_app_role(admin_url: str, role: str) -> None:
    engine = create_async_engine(admin_url)
    try:
        async with engine.begin() as conn:
            for statement in grant_statements(role):
                await conn.execute(text(statement))
    finally:
        await engine.dispose()
