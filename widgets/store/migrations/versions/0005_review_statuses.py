"""Review statuses: a chair's "changes requested" or "accepted" on one submission.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07

A new table, append-only (triggers refuse updates and deletes, per dialect);
existing drafts and submissions are untouched.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# A frozen copy of store/append_only.py as this revision made them.
APPEND_ONLY = {
    "sqlite": [
        f"CREATE TRIGGER IF NOT EXISTS review_statuses_no_{op_.lower()} BEFORE {op_} "
        "ON review_statuses BEGIN SELECT RAISE(ABORT, 'review statuses are append-only'); END"
        for op_ in ("UPDATE", "DELETE")
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION munbook_append_only() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'review statuses are append-only'; END; $$ LANGUAGE plpgsql",
        "CREATE OR REPLACE TRIGGER review_statuses_append_only BEFORE UPDATE OR DELETE "
        "ON review_statuses FOR EACH ROW EXECUTE FUNCTION munbook_append_only()",
    ],
}


def upgrade() -> None:
    op.create_table(
        "review_statuses",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("set_by_key", sa.String(128), nullable=False),
        sa.Column("set_by_name", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_review_statuses_submission_id", "review_statuses", ["submission_id"])
    for statement in APPEND_ONLY.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS review_statuses_append_only ON review_statuses")
    op.drop_index("ix_review_statuses_submission_id", "review_statuses")
    op.drop_table("review_statuses")
