"""The store's tables (SQLAlchemy Core), shared by SQLite and PostgreSQL.

Times are aware and stored as UTC; submissions are write-once, enforced by
triggers in the database itself (made by migration 0001, per dialect). An
existing database changes only through migrations/: a change here needs a new
revision there (tests/test_migrations.py compares the two). An empty database
is made from these tables at that revision (``fresh.py``, as Alembic's cookbook
does; tests/test_fresh_store.py checks it is the same database).
"""

from __future__ import annotations

from datetime import UTC

import sqlalchemy as sa

from ..exceptions import StoreError
from . import records


class UtcDateTime(sa.types.TypeDecorator):
    """Aware datetimes, stored as UTC and read back as UTC on SQLite and PostgreSQL alike.

    SQLite keeps no offset: a 18:00-06:00 value would come back as 18:00 UTC.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise StoreError("refusing a datetime without a time zone")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC) if value is not None else None


metadata = sa.MetaData()

SCHEMA_REVISION = records.SCHEMA_REVISION  # kept in records.py: kernels read it without SQLAlchemy

delegations = sa.Table(
    "delegations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("committee", sa.String(64), nullable=False),
    sa.Column("country", sa.String(3), nullable=False),  # ISO alpha-3
    sa.Column("delegate", sa.Text, nullable=False),
    sa.Column("school", sa.Text, nullable=False, default=""),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("committee", "country"),
)

access_codes = sa.Table(
    "access_codes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("role", sa.String(16), nullable=False),  # delegate, chair, advisor, secretariat
    sa.Column("committee", sa.String(64)),
    sa.Column("delegation_id", sa.ForeignKey("delegations.id")),
    sa.Column("school", sa.Text),  # an advisor code's school, as first imported
    sa.Column("salt", sa.String(64), nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    # A revoked code opens nothing; the row stays as a record of who held what.
    sa.Column("revoked_at", UtcDateTime()),
)

# Staff are people: each chair (of a committee) and advisor (of a school) with their own code.
# Reviews and comments name ``staff:<id>``; a revoked member's row stays, as their work does.
staff = sa.Table(
    "staff",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("role", sa.String(16), nullable=False),  # chair or advisor
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("committee", sa.String(64)),  # a chair's
    sa.Column("school", sa.Text),  # an advisor's
    sa.Column("salt", sa.String(64), nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("revoked_at", UtcDateTime()),
)

drafts = sa.Table(
    "drafts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("delegation_id", sa.ForeignKey("delegations.id"), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("content", sa.Text, nullable=False),  # JSON
    sa.Column("words", sa.Integer, nullable=False, default=0),
    sa.Column("saved_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("delegation_id", "version"),
)

# A draft past a limit, kept aside (one per delegation) so a closed tab loses nothing;
# never a version: not the paper, not the preview. ``based_on`` is the version it was typed on.
held_drafts = sa.Table(
    "held_drafts",
    metadata,
    sa.Column("delegation_id", sa.ForeignKey("delegations.id"), primary_key=True),
    sa.Column("based_on", sa.Integer, nullable=False),
    sa.Column("content", sa.Text, nullable=False),  # JSON
    sa.Column("words", sa.Integer, nullable=False, default=0),
    sa.Column("saved_at", UtcDateTime(), nullable=False),
)

submissions = sa.Table(
    "submissions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("delegation_id", sa.ForeignKey("delegations.id"), nullable=False),
    sa.Column("submitted_at", UtcDateTime(), nullable=False),
    sa.Column("notebook", sa.Text),  # the paper notebook (JSON); None when ingested
    sa.Column("pdf", sa.LargeBinary, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("seconds_late", sa.Integer, nullable=False, default=0),
    sa.Column("pages", sa.Integer),
    sa.Column("words", sa.Integer),
    sa.Column("text", sa.Text),  # extracted text, for similarity
    sa.Column("ingested", sa.Boolean, nullable=False, default=False),
    sa.Column("source_name", sa.Text),
)

extensions = sa.Table(
    "extensions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("delegation_id", sa.ForeignKey("delegations.id"), nullable=False),
    sa.Column("until", UtcDateTime(), nullable=False),
    sa.Column("granted_at", UtcDateTime(), nullable=False),
    sa.Column("reason", sa.Text, nullable=False, default=""),
)

reviews = sa.Table(
    "reviews",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("delegation_id", sa.ForeignKey("delegations.id"), nullable=False),
    sa.Column("chair", sa.Text, nullable=False),
    sa.Column("scores", sa.Text, nullable=False),  # JSON {category: points}
    sa.Column("comments", sa.Text, nullable=False, default=""),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("delegation_id", "chair"),
)

# A chair's word on one submission (changes_requested | accepted): rows are only added
# (triggers refuse changes, ``append_only.py``); a submission's latest row is its status.
review_statuses = sa.Table(
    "review_statuses",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("submission_id", sa.ForeignKey("submissions.id"), nullable=False, index=True),
    sa.Column("status", sa.String(24), nullable=False),
    sa.Column("set_by_key", sa.String(128), nullable=False),  # e.g. staff:3, chair-code:interpol
    sa.Column("set_by_name", sa.Text, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("set_at", UtcDateTime(), nullable=False),
)

feedback_releases = sa.Table(
    "feedback_releases",
    metadata,
    sa.Column("committee", sa.String(64), primary_key=True),
    sa.Column("release_at", UtcDateTime(), nullable=False),
    sa.Column("set_at", UtcDateTime(), nullable=False),
)

access_failures = sa.Table(
    "access_failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("scope", sa.String(128), nullable=False, index=True),
    sa.Column("at", UtcDateTime(), nullable=False),
)

# Comments pinned to passages (store/comments.py): ``section`` None is the whole paper,
# ``quote`` None the whole section; offsets are in the section's text of that version.
# Advisors' comments are not visible to chairs: the chairs' queries never read them.
comments = sa.Table(
    "comments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("delegation_id", sa.ForeignKey("delegations.id"), nullable=False, index=True),
    sa.Column("submission_id", sa.ForeignKey("submissions.id")),  # None: a draft's
    sa.Column("draft_version", sa.Integer),
    sa.Column("section", sa.String(64)),
    sa.Column("quote", sa.Text),
    sa.Column("start_offset", sa.Integer),
    sa.Column("end_offset", sa.Integer),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("author_key", sa.String(128), nullable=False),
    sa.Column("author_name", sa.Text, nullable=False),
    sa.Column("author_role", sa.String(16), nullable=False),  # chair, advisor
    sa.Column("visible_to_chairs", sa.Boolean, nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

comment_replies = sa.Table(
    "comment_replies",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("comment_id", sa.ForeignKey("comments.id"), nullable=False, index=True),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("author", sa.String(16), nullable=False),  # delegate
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

comment_bank = sa.Table(
    "comment_bank",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("committee", sa.String(64), nullable=False, index=True),
    sa.Column("author_key", sa.String(128), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)
