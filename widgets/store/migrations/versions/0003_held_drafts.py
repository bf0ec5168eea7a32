"""Held drafts: a draft past a limit, kept aside so a closed tab loses nothing.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07

A new table only; existing drafts and submissions are untouched.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "held_drafts",
        sa.Column("delegation_id", sa.Integer, sa.ForeignKey("delegations.id"), primary_key=True),
        sa.Column("based_on", sa.Integer, nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("words", sa.Integer, nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("held_drafts")
