"""add appeals

Appeals, their immutable revisions (hash-chained), the organizations that write and approve
them, named editors, comments, suggestions and translations. Texts, titles, comments and
suggestions are encrypted columns; hashes, states and numbers are metadata.

``appeals`` and ``appeal_translations`` point at their newest revision while revisions point
back at them: those two foreign keys are added after both tables exist (PostgreSQL checks a
reference when it is declared; SQLite's batch mode rebuilds the table with it).

Revision ID: d8775aa0ec66
Revises: 7c1e5a2b9d40
Create Date: 2026-11-29 21:50:14.693411
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d8775aa0ec66"
down_revision: str | None = "7c1e5a2b9d40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "appeals",
        sa.Column("lead_organization_id", sa.Uuid(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("title_ct", sa.LargeBinary(), nullable=False),
        sa.Column("language", sa.String(length=35), nullable=False),
        sa.Column("head_revision_id", sa.Uuid(), nullable=True),
        sa.Column("head_number", sa.Integer(), nullable=False),
        sa.Column("head_sha256", sa.String(length=64), nullable=True),
        sa.Column("frozen_sha256", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "state IN ('draft', 'review', 'approved', 'open', 'closed', 'archived', 'withdrawn')",
            name=op.f("ck_appeals_state"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_appeals_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["lead_organization_id"],
            ["organizations.id"],
            name=op.f("fk_appeals_lead_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeals")),
    )
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_appeals_lead_organization_id"), ["lead_organization_id"], unique=False
        )
        batch_op.create_index("ix_appeals_state_id", ["state", "id"], unique=False)

    op.create_table(
        "appeal_editors",
        sa.Column("appeal_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("added_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by"],
            ["users.id"],
            name=op.f("fk_appeal_editors_added_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["appeal_id"],
            ["appeals.id"],
            name=op.f("fk_appeal_editors_appeal_id_appeals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_appeal_editors_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeal_editors")),
        sa.UniqueConstraint(
            "appeal_id", "user_id", name=op.f("uq_appeal_editors_appeal_id_user_id")
        ),
    )
    with op.batch_alter_table("appeal_editors", schema=None) as batch_op:
        batch_op.create_index(
            "ix_appeal_editors_user_appeal", ["user_id", "appeal_id"], unique=False
        )

    op.create_table(
        "appeal_participants",
        sa.Column("appeal_id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("invited_by", sa.Uuid(), nullable=True),
        sa.Column("decided_by", sa.Uuid(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role IN ('lead', 'co_author')", name=op.f("ck_appeal_participants_role")
        ),
        sa.CheckConstraint(
            "status IN ('invited', 'accepted', 'declined', 'left')",
            name=op.f("ck_appeal_participants_status"),
        ),
        sa.ForeignKeyConstraint(
            ["appeal_id"],
            ["appeals.id"],
            name=op.f("fk_appeal_participants_appeal_id_appeals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["users.id"],
            name=op.f("fk_appeal_participants_decided_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["invited_by"],
            ["users.id"],
            name=op.f("fk_appeal_participants_invited_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_appeal_participants_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeal_participants")),
        sa.UniqueConstraint(
            "appeal_id",
            "organization_id",
            name=op.f("uq_appeal_participants_appeal_id_organization_id"),
        ),
    )
    with op.batch_alter_table("appeal_participants", schema=None) as batch_op:
        batch_op.create_index(
            "ix_appeal_participants_visibility",
            ["organization_id", "status", "appeal_id"],
            unique=False,
        )

    op.create_table(
        "appeal_revisions",
        sa.Column("appeal_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("parent_sha256", sa.String(length=64), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("blocks_ct", sa.LargeBinary(), nullable=False),
        sa.Column("note_ct", sa.LargeBinary(), nullable=True),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("credited_id", sa.Uuid(), nullable=True),
        sa.Column("merged", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["appeal_id"],
            ["appeals.id"],
            name=op.f("fk_appeal_revisions_appeal_id_appeals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_appeal_revisions_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["credited_id"],
            ["users.id"],
            name=op.f("fk_appeal_revisions_credited_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["appeal_revisions.id"],
            name=op.f("fk_appeal_revisions_parent_id_appeal_revisions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeal_revisions")),
        sa.UniqueConstraint(
            "appeal_id", "number", name=op.f("uq_appeal_revisions_appeal_id_number")
        ),
    )
    with op.batch_alter_table("appeal_revisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_appeal_revisions_sha256"), ["sha256"], unique=False)

    op.create_table(
        "appeal_translations",
        sa.Column("appeal_id", sa.Uuid(), nullable=False),
        sa.Column("language", sa.String(length=35), nullable=False),
        sa.Column("head_revision_id", sa.Uuid(), nullable=True),
        sa.Column("head_number", sa.Integer(), nullable=False),
        sa.Column("head_sha256", sa.String(length=64), nullable=True),
        sa.Column("source_sha256", sa.String(length=64), nullable=True),
        sa.Column("approved_sha256", sa.String(length=64), nullable=True),
        sa.Column("approved_by", sa.Uuid(), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["appeal_id"],
            ["appeals.id"],
            name=op.f("fk_appeal_translations_appeal_id_appeals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["approved_by"],
            ["users.id"],
            name=op.f("fk_appeal_translations_approved_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_appeal_translations_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeal_translations")),
        sa.UniqueConstraint(
            "appeal_id", "language", name=op.f("uq_appeal_translations_appeal_id_language")
        ),
    )
    op.create_table(
        "appeal_approvals",
        sa.Column("appeal_id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("revision_id", sa.Uuid(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("approved_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["appeal_id"],
            ["appeals.id"],
            name=op.f("fk_appeal_approvals_appeal_id_appeals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["approved_by"],
            ["users.id"],
            name=op.f("fk_appeal_approvals_approved_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_appeal_approvals_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"],
            ["appeal_revisions.id"],
            name=op.f("fk_appeal_approvals_revision_id_appeal_revisions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeal_approvals")),
        sa.UniqueConstraint(
            "appeal_id",
            "organization_id",
            "sha256",
            name=op.f("uq_appeal_approvals_appeal_id_organization_id_sha256"),
        ),
    )
    op.create_table(
        "appeal_comments",
        sa.Column("appeal_id", sa.Uuid(), nullable=False),
        sa.Column("revision_id", sa.Uuid(), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("block_id", sa.String(length=32), nullable=True),
        sa.Column("anchor_ct", sa.LargeBinary(), nullable=True),
        sa.Column("body_ct", sa.LargeBinary(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["appeal_id"],
            ["appeals.id"],
            name=op.f("fk_appeal_comments_appeal_id_appeals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_appeal_comments_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["appeal_comments.id"],
            name=op.f("fk_appeal_comments_parent_id_appeal_comments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by"],
            ["users.id"],
            name=op.f("fk_appeal_comments_resolved_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"],
            ["appeal_revisions.id"],
            name=op.f("fk_appeal_comments_revision_id_appeal_revisions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeal_comments")),
    )
    with op.batch_alter_table("appeal_comments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_appeal_comments_appeal_created", ["appeal_id", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_appeal_comments_parent_id"), ["parent_id"], unique=False
        )

    op.create_table(
        "appeal_suggestions",
        sa.Column("appeal_id", sa.Uuid(), nullable=False),
        sa.Column("revision_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("block_id", sa.String(length=32), nullable=True),
        sa.Column("change_ct", sa.LargeBinary(), nullable=False),
        sa.Column("note_ct", sa.LargeBinary(), nullable=True),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.Uuid(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason_ct", sa.LargeBinary(), nullable=True),
        sa.Column("result_revision_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('replace', 'insert', 'remove')", name=op.f("ck_appeal_suggestions_kind")
        ),
        sa.CheckConstraint(
            "status IN ('open', 'accepted', 'rejected', 'withdrawn')",
            name=op.f("ck_appeal_suggestions_status"),
        ),
        sa.ForeignKeyConstraint(
            ["appeal_id"],
            ["appeals.id"],
            name=op.f("fk_appeal_suggestions_appeal_id_appeals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_appeal_suggestions_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["users.id"],
            name=op.f("fk_appeal_suggestions_decided_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["result_revision_id"],
            ["appeal_revisions.id"],
            name=op.f("fk_appeal_suggestions_result_revision_id_appeal_revisions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"],
            ["appeal_revisions.id"],
            name=op.f("fk_appeal_suggestions_revision_id_appeal_revisions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeal_suggestions")),
    )
    with op.batch_alter_table("appeal_suggestions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_appeal_suggestions_appeal_created", ["appeal_id", "id"], unique=False
        )

    op.create_table(
        "translation_revisions",
        sa.Column("translation_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("parent_sha256", sa.String(length=64), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("source_revision_id", sa.Uuid(), nullable=False),
        sa.Column("source_sha256", sa.String(length=64), nullable=False),
        sa.Column("blocks_ct", sa.LargeBinary(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_translation_revisions_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["source_revision_id"],
            ["appeal_revisions.id"],
            name=op.f("fk_translation_revisions_source_revision_id_appeal_revisions"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["translation_id"],
            ["appeal_translations.id"],
            name=op.f("fk_translation_revisions_translation_id_appeal_translations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_translation_revisions")),
        sa.UniqueConstraint(
            "translation_id",
            "number",
            name=op.f("uq_translation_revisions_translation_id_number"),
        ),
    )
    with op.batch_alter_table("appeals") as batch_op:
        batch_op.create_foreign_key(
            "fk_appeals_head_revision_id_appeal_revisions",
            "appeal_revisions",
            ["head_revision_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("appeal_translations") as batch_op:
        batch_op.create_foreign_key(
            "fk_appeal_translations_head_revision_id_translation_revisions",
            "translation_revisions",
            ["head_revision_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("appeal_translations") as batch_op:
        batch_op.drop_constraint(
            "fk_appeal_translations_head_revision_id_translation_revisions",
            type_="foreignkey",
        )
    with op.batch_alter_table("appeals") as batch_op:
        batch_op.drop_constraint("fk_appeals_head_revision_id_appeal_revisions", type_="foreignkey")
    op.drop_table("translation_revisions")
    with op.batch_alter_table("appeal_suggestions", schema=None) as batch_op:
        batch_op.drop_index("ix_appeal_suggestions_appeal_created")

    op.drop_table("appeal_suggestions")
    with op.batch_alter_table("appeal_comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_appeal_comments_parent_id"))
        batch_op.drop_index("ix_appeal_comments_appeal_created")

    op.drop_table("appeal_comments")
    op.drop_table("appeal_approvals")
    op.drop_table("appeal_translations")
    with op.batch_alter_table("appeal_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_appeal_revisions_sha256"))

    op.drop_table("appeal_revisions")
    with op.batch_alter_table("appeal_participants", schema=None) as batch_op:
        batch_op.drop_index("ix_appeal_participants_visibility")

    op.drop_table("appeal_participants")
    with op.batch_alter_table("appeal_editors", schema=None) as batch_op:
        batch_op.drop_index("ix_appeal_editors_user_appeal")

    op.drop_table("appeal_editors")
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.drop_index("ix_appeals_state_id")
        batch_op.drop_index(batch_op.f("ix_appeals_lead_organization_id"))

    op.drop_table("appeals")
