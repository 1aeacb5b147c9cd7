"""add oidc identities

Revision ID: 9693870824c8
Revises: 7e9ebe52895e
Create Date: 2026-11-28 11:05:15.056850
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9693870824c8"
down_revision: str | None = "7e9ebe52895e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "oidc_identities",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("issuer_mac", sa.LargeBinary(length=36), nullable=False),
        sa.Column("subject_mac", sa.LargeBinary(length=36), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_oidc_identities_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oidc_identities")),
        sa.UniqueConstraint("subject_mac", name=op.f("uq_oidc_identities_subject_mac")),
        sa.UniqueConstraint(
            "user_id", "issuer_mac", name=op.f("uq_oidc_identities_user_id_issuer_mac")
        ),
    )
    with op.batch_alter_table("oidc_identities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_oidc_identities_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("oidc_identities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oidc_identities_user_id"))

    op.drop_table("oidc_identities")
