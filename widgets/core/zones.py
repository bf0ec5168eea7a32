"""Times in the reader's time zone, with the committee's beside them where it matters.

A delegate's browser says its zone (an IANA name such as ``Africa/Nairobi``);
until it has, or when what it sent is not a zone, times are in the committee's
zone and the page says why. Only formatting lives here: no widgets, no store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# The longest IANA names are about 30 characters; anything far longer is not a zone.
MAX_ZONE_CHARS = 64


def checked_zone(name: object) -> str | None:
    """``name`` when it is a time zone this machine knows, else None (never raises)."""
    if not isinstance(name, str) or not name or len(name) > MAX_ZONE_CHARS:
        return None
    if name.startswith(("/", ".")) or ".." in name or "\\" in name or "\0" in name:
        return None  # zoneinfo reads files by name: only plain zone names
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None
    return name


@dataclass
class ReaderZone:
    """The zone a page shows times in: the reader's when known, else the committee's."""

    committee: str
    reader: str | None = None
    asked: bool = False  # the browser answered (with a zone or with nothing usable)

    def set_reader(self, name: object) -> bool:
        """Take the browser's answer; True when it was a zone."""
        self.asked = True
        self.reader = checked_zone(name)
        return self.reader is not None

    @property
    def name(self) -> str:
        return self.reader or self.committee

    @property
    def yours(self) -> bool:
        """Times are in the reader's own zone (so 'your time' is true)."""
        return self.reader is not None

    def label(self) -> str:
        """'your time (Africa/Nairobi)' or 'America/Mexico_City, the committee's time'."""
        if self.yours:
            return f"your time ({self.name})"
        return f"{self.committee}, the committee's time"

    def at(self, when: datetime, pattern: str = "%a %d %b, %H:%M:%S") -> str:
        """``when`` in this zone with the zone said: 'Sun 06 Dec, 19:13:37 your time (...)'."""
        return f"{when.astimezone(ZoneInfo(self.name)):{pattern}} {self.label()}"

    def bare(self, when: datetime, pattern: str = "%d %b %H:%M:%S") -> str:
        """``when`` in this zone, no label (for lists whose heading says the zone)."""
        return f"{when.astimezone(ZoneInfo(self.name)):{pattern}}"

    def deadline(self, when: datetime) -> str:
        """The deadline in the reader's zone and, when that differs, the committee's too."""
        mine = when.astimezone(ZoneInfo(self.name))
        shown = f"{mine:%a %d %b %Y, %H:%M}"
        if not self.yours:
            return f"{shown} {self.label()}"
        if self.name == self.committee:
            return f"{shown} your time and the committee's ({self.name})"
        theirs = when.astimezone(ZoneInfo(self.committee))
        if mine.utcoffset() == theirs.utcoffset():
            return (
                f"{shown} your time ({self.name}), the same as the committee's ({self.committee})"
            )
        day = "" if mine.date() == theirs.date() else f"{theirs:%a %d %b} "
        return f"{shown} your time ({self.name}) · {day}{theirs:%H:%M} {self.committee}, the committee's"

    def note(self) -> str:
        """Why times are in the committee's zone, when they are; empty when they are yours."""
        if self.yours:
            return ""
        if self.asked:
            return (
                f"Times are in the committee's zone ({self.committee}): your browser did not "
                "say a time zone this server knows."
            )
        return (
            f"Times are in the committee's zone ({self.committee}) until your browser says yours."
        )


def utc_header(name: str) -> str:
    """A column header that says its times are UTC: 'Submitted (UTC)'."""
    return name if name.endswith("(UTC)") else f"{name} (UTC)"
