"""recovery codes as encrypted digests

New recovery codes are stored as an encrypted Argon2id digest (``code_digest_ct``), which
``accord keys rotate`` re-encrypts, instead of a keyed MAC (``code_mac``), which cannot be
recomputed without the code and so held its key version for as long as the code lived.
Existing codes keep their MAC (app/auth/recovery_codes.py); exactly one form per row.

Revision ID: 5be9955c832b
Revises: 9693870824c8
Create Date: 2026-11-29 16:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5be9955c832b"
down_revision: str | None = "9693870824c8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("recovery_codes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("code_digest_ct", sa.LargeBinary(), nullable=True))
        batch_op.alter_column("code_mac", existing_type=sa.LargeBinary(length=36), nullable=True)
        batch_op.create_check_constraint(
            "one_form", "(code_mac IS NULL) <> (code_digest_ct IS NULL)"
        )


def downgrade() -> None:
    # The old schema has no place for a digest: those codes are dropped (their users make
    # new ones), the legacy MAC-only codes stay.
    op.execute("DELETE FROM recovery_codes WHERE code_mac IS NULL")
    with op.batch_alter_table("recovery_codes", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_recovery_codes_one_form"), type_="check")
        batch_op.alter_column("code_mac", existing_type=sa.LargeBinary(length=36), nullable=False)
        batch_op.drop_column("code_digest_ct")
