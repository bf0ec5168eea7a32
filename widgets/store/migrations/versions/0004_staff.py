"""Staff are people: a ``staff`` table of chairs and advisors, each with their own code.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-08

A new table only; the shared committee chair codes (access_codes) keep working,
and existing reviews keep the chair names they were saved under.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("committee", sa.String(64)),
        sa.Column("school", sa.Text),
        sa.Column("salt", sa.String(64), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
    )


def downgrade() -> None:
    op.drop_table("staff")
