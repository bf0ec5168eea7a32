"""Triggers that keep a table append-only: rows are added, never changed or deleted.

The database refuses the change itself (as submissions' write-once triggers do),
so no code path can rewrite a chair's status. Migration 0006 keeps its own frozen
copy; ``fresh.py`` makes these for a new store.
"""

from __future__ import annotations

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
