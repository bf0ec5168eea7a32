"""Comments pinned to passages, the delegates' replies, and each committee's comment bank.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07

New tables only; existing rows are untouched.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "comments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("delegation_id", sa.Integer, sa.ForeignKey("delegations.id"), nullable=False),
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id")),
        sa.Column("draft_version", sa.Integer),
        sa.Column("section", sa.String(64)),
        sa.Column("quote", sa.Text),
        sa.Column("start_offset", sa.Integer),
        sa.Column("end_offset", sa.Integer),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("author_key", sa.String(128), nullable=False),
        sa.Column("author_name", sa.Text, nullable=False),
        sa.Column("author_role", sa.String(16), nullable=False),
        sa.Column("visible_to_chairs", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_comments_delegation_id", "comments", ["delegation_id"])
    op.create_table(
        "comment_replies",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("comment_id", sa.Integer, sa.ForeignKey("comments.id"), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("author", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_comment_replies_comment_id", "comment_replies", ["comment_id"])
    op.create_table(
        "comment_bank",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("committee", sa.String(64), nullable=False),
        sa.Column("author_key", sa.String(128), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_comment_bank_committee", "comment_bank", ["committee"])


def downgrade() -> None:
    op.drop_table("comment_bank")
    op.drop_table("comment_replies")
    op.drop_table("comments")
