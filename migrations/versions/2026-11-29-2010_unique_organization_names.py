"""unique organization names

Two organizations with one name look identical in every list and dropdown, and an appeal
could be signed for the wrong one. Names are encrypted, so uniqueness is enforced on a blind
index of the name as people compare names (NFKC, case-folded, whitespace collapsed:
app/kit/names.py). Rows written before this revision keep a NULL index (unique constraints
let NULLs repeat) until they are next renamed or `accord keys rotate` fills it in: the
index needs the keys, which a migration does not hold.

Revision ID: 7c1e5a2b9d40
Revises: 6aa9d4de1ed1
Create Date: 2026-11-29 20:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7c1e5a2b9d40"
down_revision: str | None = "6aa9d4de1ed1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("organizations") as batch:
        batch.add_column(sa.Column("name_index", sa.LargeBinary(length=36), nullable=True))
        batch.create_unique_constraint("uq_organizations_name_index", ["name_index"])


def downgrade() -> None:
    with op.batch_alter_table("organizations") as batch:
        batch.drop_constraint("uq_organizations_name_index", type_="unique")
        batch.drop_column("name_index")
