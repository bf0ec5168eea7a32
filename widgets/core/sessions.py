"""Writing sessions: a delegate's saved versions grouped by the pauses between them.

A new session starts after ``SESSION_GAP_MINUTES`` without a save. History is
given as the store hands it out, ``(version, saved_at, words)`` newest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

SESSION_GAP_MINUTES = 30
SESSION_GAP = timedelta(minutes=SESSION_GAP_MINUTES)

Entry = tuple[int, datetime, int]  # (version, saved_at, words)


@dataclass(frozen=True)
class Session:
    """One sitting: its versions newest first, its first and last save, its words."""

    entries: tuple[Entry, ...]
    words_before: int  # at the end of the session before (0 for the first)

    @property
    def versions(self) -> tuple[int, ...]:
        return tuple(v for v, _, _ in self.entries)

    @property
    def start(self) -> datetime:
        return self.entries[-1][1]

    @property
    def end(self) -> datetime:
        return self.entries[0][1]

    @property
    def words(self) -> int:
        """The words at the session's last save."""
        return self.entries[0][2]

    @property
    def last(self) -> int:
        return self.entries[0][0]

    @property
    def first(self) -> int:
        return self.entries[-1][0]


def sessions(history: list[Entry], gap: timedelta = SESSION_GAP) -> list[Session]:
    """The writing sessions of ``history`` (newest first), newest session first."""
    groups: list[list[Entry]] = []
    for entry in history:
        if groups and groups[-1][-1][1] - entry[1] <= gap:
            groups[-1].append(entry)
        else:
            groups.append([entry])
    found = []
    for index, group in enumerate(groups):
        before = groups[index + 1][0][2] if index + 1 < len(groups) else 0
        found.append(Session(tuple(group), before))
    return found


def session_ends(history: list[Entry], gap: timedelta = SESSION_GAP) -> list[int]:
    """The last version of each writing session, newest first."""
    return [s.last for s in sessions(history, gap)]
