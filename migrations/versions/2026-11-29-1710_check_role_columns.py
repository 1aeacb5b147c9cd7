"""check role columns

Roles were unchecked strings: a typo or a hand-written row (role 'owner') would sit in
the database granting nothing, or, in the wrong column, confuse whoever reads it next.
Each role column now has a CHECK of the values app/permissions.py defines
(PlatformRole, OrgRole); an invitation may offer only the coordinator platform role.

The values are written out here, not imported: a migration states the schema of its own
moment. Rows outside them stop the upgrade with a message naming table, column and
values, to be fixed by hand before running it again.

Revision ID: 6aa9d4de1ed1
Revises: 545f169bae97
Create Date: 2026-11-29 17:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "6aa9d4de1ed1"
down_revision: str | None = "545f169bae97"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PLATFORM_ROLES = ("admin", "coordinator")
ORG_ROLES = ("representative", "member")
INVITABLE_PLATFORM_ROLES = ("coordinator",)

# (table, column, allowed values); the constraint is ck_<table>_<column>.
CHECKS = (
    ("platform_role_grants", "role", PLATFORM_ROLES),
    ("memberships", "role", ORG_ROLES),
    ("invitations", "role", ORG_ROLES),
    ("invitations", "platform_role", INVITABLE_PLATFORM_ROLES),
)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def _refuse_unknown_values() -> None:
    bind = op.get_bind()
    problems = []
    for table, column, values in CHECKS:
        rows = bind.execute(
            sa.select(sa.column(column))
            .select_from(sa.table(table))
            .where(sa.column(column).is_not(None), sa.column(column).not_in(values))
            .distinct()
        )
        found = sorted(str(row[0]) for row in rows)
        if found:
            problems.append(f"{table}.{column}: {', '.join(found)} (allowed: {', '.join(values)})")
    if problems:
        raise RuntimeError("unknown roles stored; fix these rows first: " + "; ".join(problems))


def upgrade() -> None:
    _refuse_unknown_values()
    for table in ("platform_role_grants", "memberships", "invitations"):
        with op.batch_alter_table(table) as batch:
            for name, column, values in CHECKS:
                if name == table:
                    batch.create_check_constraint(column, _in(column, values))


def downgrade() -> None:
    for table in ("invitations", "memberships", "platform_role_grants"):
        with op.batch_alter_table(table) as batch:
            for name, column, _ in CHECKS:
                if name == table:
                    batch.drop_constraint(batch.f(f"ck_{table}_{column}"), type_="check")
