"""responses told to subscribers

When an appeal's update subscribers were told of a published response, so that taking the
tracker (or the response) down and publishing it again does not tell them twice.

Revision ID: 3f8a2c6d9e41
Revises: 7c1e4a9b2d35
Create Date: 2026-11-30 12:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3f8a2c6d9e41"
down_revision: str | None = "7c1e4a9b2d35"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("subscribers_told_at", sa.DateTime(timezone=True), nullable=True)
        )
    # Responses published before this column existed were told when they were published
    # on a published tracker: mark them so a republish does not tell again.
    op.execute(
        "UPDATE responses SET subscribers_told_at = published_at "
        "WHERE published AND published_at IS NOT NULL AND dispatch_id IN ("
        "SELECT d.id FROM dispatches d JOIN appeal_outreach o ON o.appeal_id = d.appeal_id "
        "WHERE o.tracker_published_at IS NOT NULL)"
    )


def downgrade() -> None:
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_column("subscribers_told_at")
