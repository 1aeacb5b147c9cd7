"""admin request kinds

Admin requests now also take admin away from another admin (``revoke``) or suspend
another admin (``suspend``), beside granting it (``grant``, every earlier row): a rogue
admin can no longer sideline the others alone. CHECK keeps the column to those kinds.

Revision ID: 8d41e6b0c2a3
Revises: 3f2b8c1d9a70
Create Date: 2026-11-29 16:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8d41e6b0c2a3"
down_revision: str | None = "3f2b8c1d9a70"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("admin_grant_requests") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(length=16), nullable=False, server_default="grant")
        )
        batch.create_check_constraint("kind", "kind IN ('grant', 'revoke', 'suspend')")


def downgrade() -> None:
    with op.batch_alter_table("admin_grant_requests") as batch:
        batch.drop_constraint(batch.f("ck_admin_grant_requests_kind"), type_="check")
        batch.drop_column("kind")
