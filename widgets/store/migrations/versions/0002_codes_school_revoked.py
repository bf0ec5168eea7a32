"""Access codes gain a school (advisor codes per school) and a revocation time.

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-02

Both columns are nullable: existing codes keep working (an advisor code without
a school opens nothing, as the roles change decided), none is revoked.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("access_codes", sa.Column("school", sa.Text))
    op.add_column("access_codes", sa.Column("revoked_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("access_codes") as batch:
        batch.drop_column("revoked_at")
        batch.drop_column("school")
