"""add signatories

Signing windows, custody keys and custodians' sealed shares, signatures and their counters,
and the organizations' two-officer rule. Nothing here holds a signer's identity in plaintext:
withheld and counted identities are sealed (HPKE), dedupe values are per-appeal keyed hashes.

Revision ID: 5756641917de
Revises: d8775aa0ec66
Create Date: 2026-11-30 00:46:27.674639
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5756641917de"
down_revision: str | None = "d8775aa0ec66"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "custody_keys",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("public_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_custody_keys_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custody_keys")),
        sa.UniqueConstraint("user_id", name=op.f("uq_custody_keys_user_id")),
    )
    op.create_table(
        "appeal_custodians",
        sa.Column("appeal_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("custody_public_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("share_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["appeal_id"],
            ["appeals.id"],
            name=op.f("fk_appeal_custodians_appeal_id_appeals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_appeal_custodians_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_appeal_custodians_user_id_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeal_custodians")),
        sa.UniqueConstraint(
            "appeal_id", "user_id", name=op.f("uq_appeal_custodians_appeal_id_user_id")
        ),
    )
    op.create_table(
        "signature_counts",
        sa.Column("appeal_id", sa.Uuid(), nullable=False),
        sa.Column("bucket", sa.String(length=64), nullable=False),
        sa.Column("slot", sa.SmallInteger(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["appeal_id"],
            ["appeals.id"],
            name=op.f("fk_signature_counts_appeal_id_appeals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("appeal_id", "bucket", "slot", name=op.f("pk_signature_counts")),
    )
    op.create_table(
        "signatures",
        sa.Column("appeal_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("tier", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("revision_sha256", sa.String(length=64), nullable=False),
        sa.Column("public_name", sa.String(length=200), nullable=True),
        sa.Column("public_line", sa.String(length=400), nullable=True),
        sa.Column("organization_id", sa.Uuid(), nullable=True),
        sa.Column("mandate_ct", sa.LargeBinary(), nullable=True),
        sa.Column("sealed_identity", sa.LargeBinary(), nullable=True),
        sa.Column("dedupe_index", sa.LargeBinary(length=36), nullable=True),
        sa.Column("signer_index", sa.LargeBinary(length=36), nullable=True),
        sa.Column("receipt_mac", sa.LargeBinary(length=36), nullable=True),
        sa.Column("confirm_by", sa.DateTime(timezone=True), nullable=True),
        sa.Column("counted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("country_ct", sa.LargeBinary(), nullable=True),
        sa.Column("domain_index", sa.LargeBinary(length=36), nullable=True),
        sa.Column("code_mac", sa.LargeBinary(length=36), nullable=True),
        sa.Column("code_for", sa.String(length=16), nullable=True),
        sa.Column("code_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("code_attempts", sa.SmallInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('organization', 'member', 'public')", name=op.f("ck_signatures_kind")
        ),
        sa.CheckConstraint(
            "status IN ('unconfirmed', 'pending_second_officer', 'counted',"
            " 'awaiting_reconsent', 'lapsed', 'invalidated')",
            name=op.f("ck_signatures_status"),
        ),
        sa.CheckConstraint(
            "code_for IN ('confirm', 'withdraw', 'reconsent')", name=op.f("ck_signatures_code_for")
        ),
        sa.CheckConstraint(
            "tier IN ('public', 'withheld', 'counted')", name=op.f("ck_signatures_tier")
        ),
        sa.ForeignKeyConstraint(
            ["appeal_id"],
            ["appeals.id"],
            name=op.f("fk_signatures_appeal_id_appeals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_signatures_organization_id_organizations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signatures")),
        sa.UniqueConstraint(
            "appeal_id", "dedupe_index", name=op.f("uq_signatures_appeal_id_dedupe_index")
        ),
        sa.UniqueConstraint("receipt_mac", name=op.f("uq_signatures_receipt_mac")),
    )
    with op.batch_alter_table("signatures", schema=None) as batch_op:
        batch_op.create_index(
            "ix_signatures_appeal_tier_status",
            ["appeal_id", "tier", "status", "counted_at", "id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_signatures_domain_index"), ["domain_index"], unique=False
        )

    op.create_table(
        "signing_windows",
        sa.Column("appeal_id", sa.Uuid(), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("target", sa.Integer(), nullable=True),
        sa.Column("milestones_csv", sa.String(length=64), nullable=False),
        sa.Column("milestone_reached", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("tiers_csv", sa.String(length=32), nullable=False),
        sa.Column("allow_organizations", sa.Boolean(), nullable=False),
        sa.Column("allow_members", sa.Boolean(), nullable=False),
        sa.Column("allow_public", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("custody_public_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("custody_threshold", sa.SmallInteger(), nullable=False),
        sa.Column("key_version", sa.Integer(), nullable=False),
        sa.Column("opened_by", sa.Uuid(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["appeal_id"],
            ["appeals.id"],
            name=op.f("fk_signing_windows_appeal_id_appeals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["opened_by"],
            ["users.id"],
            name=op.f("fk_signing_windows_opened_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing_windows")),
        sa.UniqueConstraint("appeal_id", name=op.f("uq_signing_windows_appeal_id")),
    )
    op.create_table(
        "unseal_requests",
        sa.Column("appeal_id", sa.Uuid(), nullable=False),
        sa.Column("requested_by", sa.Uuid(), nullable=True),
        sa.Column("reason_ct", sa.LargeBinary(), nullable=False),
        sa.Column("requester_public_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["appeal_id"],
            ["appeals.id"],
            name=op.f("fk_unseal_requests_appeal_id_appeals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"],
            ["users.id"],
            name=op.f("fk_unseal_requests_requested_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unseal_requests")),
    )
    with op.batch_alter_table("unseal_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_unseal_requests_appeal_id"), ["appeal_id"], unique=False
        )
    op.create_table(
        "unseal_approvals",
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("custodian_id", sa.Uuid(), nullable=False),
        sa.Column("sealed_share", sa.LargeBinary(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["custodian_id"],
            ["users.id"],
            name=op.f("fk_unseal_approvals_custodian_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["unseal_requests.id"],
            name=op.f("fk_unseal_approvals_request_id_unseal_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unseal_approvals")),
        sa.UniqueConstraint(
            "request_id", "custodian_id", name=op.f("uq_unseal_approvals_request_id_custodian_id")
        ),
    )
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "signing_two_officers", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
    op.create_table(
        "spent_challenges",
        sa.Column("challenge", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("challenge", name=op.f("pk_spent_challenges")),
    )
    with op.batch_alter_table("spent_challenges", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_spent_challenges_expires_at"), ["expires_at"], unique=False
        )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("delete_when_sent", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_column("delete_when_sent")
    with op.batch_alter_table("spent_challenges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_spent_challenges_expires_at"))
    op.drop_table("spent_challenges")
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_column("signing_two_officers")

    op.drop_table("unseal_approvals")
    with op.batch_alter_table("unseal_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unseal_requests_appeal_id"))
    op.drop_table("unseal_requests")
    op.drop_table("signing_windows")
    with op.batch_alter_table("signatures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signatures_domain_index"))
        batch_op.drop_index("ix_signatures_appeal_tier_status")

    op.drop_table("signatures")
    op.drop_table("signature_counts")
    op.drop_table("appeal_custodians")
    op.drop_table("custody_keys")
