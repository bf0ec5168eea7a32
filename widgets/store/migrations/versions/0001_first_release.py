"""The store as the first release made it (commit 71bf351), frozen here.

Revision ID: 0001
Revises:
Create Date: 2025-01-01

Frozen on purpose: the tables are spelled out rather than imported from
schema.py, so later changes to schema.py cannot change what this revision did.
Stores made by that release (no alembic_version table) are stamped 0001 by
``migrate.upgrade`` and then upgraded.
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)  # schema.UtcDateTime's column type

WRITE_ONCE = {
    "sqlite": [
        f"CREATE TRIGGER IF NOT EXISTS submissions_no_{op_.lower()} BEFORE {op_} ON submissions "
        "BEGIN SELECT RAISE(ABORT, 'submissions are write-once'); END"
        for op_ in ("UPDATE", "DELETE")
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION munbook_write_once() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'submissions are write-once'; END; $$ LANGUAGE plpgsql",
        "CREATE OR REPLACE TRIGGER submissions_write_once BEFORE UPDATE OR DELETE "
        "ON submissions FOR EACH ROW EXECUTE FUNCTION munbook_write_once()",
    ],
}


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer, primary_key=True)


def _delegation_id(nullable: bool = False) -> sa.Column:
    return sa.Column(
        "delegation_id", sa.Integer, sa.ForeignKey("delegations.id"), nullable=nullable
    )


def upgrade() -> None:
    op.create_table(
        "delegations",
        _id(),
        sa.Column("committee", sa.String(64), nullable=False),
        sa.Column("country", sa.String(3), nullable=False),
        sa.Column("delegate", sa.Text, nullable=False),
        sa.Column("school", sa.Text, nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.UniqueConstraint("committee", "country"),
    )
    op.create_table(
        "access_codes",
        _id(),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("committee", sa.String(64)),
        _delegation_id(nullable=True),
        sa.Column("salt", sa.String(64), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
    )
    op.create_table(
        "drafts",
        _id(),
        _delegation_id(),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("words", sa.Integer, nullable=False),
        sa.Column("saved_at", UTC_TIME, nullable=False),
        sa.UniqueConstraint("delegation_id", "version"),
    )
    op.create_table(
        "submissions",
        _id(),
        _delegation_id(),
        sa.Column("submitted_at", UTC_TIME, nullable=False),
        sa.Column("notebook", sa.Text),
        sa.Column("pdf", sa.LargeBinary, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("seconds_late", sa.Integer, nullable=False),
        sa.Column("pages", sa.Integer),
        sa.Column("words", sa.Integer),
        sa.Column("text", sa.Text),
        sa.Column("ingested", sa.Boolean, nullable=False),
        sa.Column("source_name", sa.Text),
    )
    op.create_table(
        "extensions",
        _id(),
        _delegation_id(),
        sa.Column("until", UTC_TIME, nullable=False),
        sa.Column("granted_at", UTC_TIME, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
    )
    op.create_table(
        "reviews",
        _id(),
        _delegation_id(),
        sa.Column("chair", sa.Text, nullable=False),
        sa.Column("scores", sa.Text, nullable=False),
        sa.Column("comments", sa.Text, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.UniqueConstraint("delegation_id", "chair"),
    )
    op.create_table(
        "feedback_releases",
        sa.Column("committee", sa.String(64), primary_key=True),
        sa.Column("release_at", UTC_TIME, nullable=False),
        sa.Column("set_at", UTC_TIME, nullable=False),
    )
    op.create_table(
        "access_failures",
        _id(),
        sa.Column("scope", sa.String(128), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
    )
    op.create_index("ix_access_failures_scope", "access_failures", ["scope"])
    for statement in WRITE_ONCE.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade() -> None:
    raise NotImplementedError("the first revision is not undone; restore a backup instead")
