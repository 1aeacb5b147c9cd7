"""add organization version

Optimistic concurrency for organization edits: the ETag is this row version, and every
UPDATE compares it in its WHERE clause (SQLAlchemy's version_id_col), so two writers holding
the same If-Match cannot both succeed — a content digest compared before an unlocked write
let them on PostgreSQL.

Revision ID: 3f2b8c1d9a70
Revises: 5be9955c832b
Create Date: 2026-11-29 16:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3f2b8c1d9a70"
down_revision: str | None = "5be9955c832b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("organizations") as batch:
        batch.add_column(
            sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1"))
        )


def downgrade() -> None:
    with op.batch_alter_table("organizations") as batch:
        batch.drop_column("version")
