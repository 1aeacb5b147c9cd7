"""email letters with their PDF

An outbox message can carry one attached file (a letter's PDF): its name and contents
encrypted like the body, its media type plain. A dispatch emailed from Accord names its
outbox message, whose state says whether the letter was delivered.

Revision ID: 7c1e4a9b2d35
Revises: 1d6c2bff9379
Create Date: 2026-11-30 12:15:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7c1e4a9b2d35"
down_revision: str | None = "1d6c2bff9379"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attachment_name_ct", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("attachment_ct", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("attachment_type", sa.String(length=64), nullable=True))
    with op.batch_alter_table("dispatches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outbox_message_id", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_dispatches_outbox_message_id_outbox_messages"),
            "outbox_messages",
            ["outbox_message_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("dispatches", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_dispatches_outbox_message_id_outbox_messages"), type_="foreignkey"
        )
        batch_op.drop_column("outbox_message_id")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_column("attachment_type")
        batch_op.drop_column("attachment_ct")
        batch_op.drop_column("attachment_name_ct")
