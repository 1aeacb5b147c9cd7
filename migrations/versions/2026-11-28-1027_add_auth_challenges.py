"""add auth challenges

Revision ID: 7e9ebe52895e
Revises: 9c6c750a42e2
Create Date: 2026-11-28 10:27:50.553104
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7e9ebe52895e"
down_revision: str | None = "9c6c750a42e2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "auth_challenges",
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("handle_mac", sa.LargeBinary(length=36), nullable=False),
        sa.Column("payload_ct", sa.LargeBinary(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_auth_challenges_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_challenges")),
        sa.UniqueConstraint("handle_mac", name=op.f("uq_auth_challenges_handle_mac")),
    )
    with op.batch_alter_table("auth_challenges", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_auth_challenges_expires_at"), ["expires_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_auth_challenges_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("auth_challenges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auth_challenges_user_id"))
        batch_op.drop_index(batch_op.f("ix_auth_challenges_expires_at"))

    op.drop_table("auth_challenges")
