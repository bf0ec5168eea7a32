"""Times: now in UTC, and times as people type them in a committee's time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from ..exceptions import MunbookError


def now() -> datetime:
    """The current time, aware, in UTC (what the store keeps)."""
    return datetime.now(UTC)


def parse_local_time(text: str, timezone: str) -> datetime:
    """'2027-03-01 18:00' in the committee's time zone, as an aware datetime."""
    for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), pattern).replace(tzinfo=ZoneInfo(timezone))
        except ValueError:
            continue
    raise MunbookError(f"{text!r} is not a date and time like 2027-03-01 18:00")
