"""Every error a user can cause is a MunbookError: the CLI prints it plainly."""

from __future__ import annotations


class MunbookError(Exception):
    """Base class: the message says what was wrong, where, and how to fix it."""


class FileProblems(MunbookError):
    """A file with problems: ``problems`` lists every one, each on a line of the message."""

    outcome = ""  # what became of the file, said after the count

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{source}: {len(problems)} problem(s){self.outcome}\n{lines}")


class CommitteeError(FileProblems):
    """A committee file is missing or invalid; ``problems`` lists every one."""


class UnknownCommittee(MunbookError):
    """No committee file has this acronym."""


class UnknownCountry(MunbookError):
    """A name that no country matches; ``suggestions`` holds the closest three."""

    def __init__(self, name: str, suggestions: list[str]):
        self.name = name
        self.suggestions = suggestions
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown country {name!r}{hint}")


class RosterError(FileProblems):
    """A roster file has bad rows; ``problems`` lists each with its line number."""

    outcome = ", nothing imported"


class StoreError(MunbookError):
    """The store refused an operation (write-once data, unknown delegation, ...)."""


class AccessDenied(MunbookError):
    """An access code did not open what it was used for."""
