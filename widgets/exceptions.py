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
    """A name munbook will not guess: ``suggestions`` (names) and ``codes`` (ISO) are the candidates.

    ``ambiguous``: the name fits more than one country (Congo, Korea, Niger), so
    it is asked even where one of them bears it.
    """

    def __init__(
        self,
        name: str,
        suggestions: list[str],
        codes: list[str] | None = None,
        *,
        ambiguous: bool = False,
    ):
        self.name, self.suggestions, self.ambiguous = name, suggestions, ambiguous
        self.codes = codes or []
        named = [f"{s} ({c})" for s, c in zip(suggestions, self.codes, strict=False)] or suggestions
        listed = ", ".join(named[:-1]) + f" or {named[-1]}" if len(named) > 1 else "".join(named)
        if ambiguous:
            message = f"country {name!r} could be {listed}: write the ISO code of the one you mean"
        elif named:
            message = f"unknown country {name!r}: did you mean {listed}? Write its name or ISO code"
        else:
            message = f"unknown country {name!r}: write the country's name or ISO code"
        super().__init__(message)


class RosterError(FileProblems):
    """A roster file has bad rows; ``problems`` lists each with its line number.

    ``questions`` holds the rows whose country munbook would not guess
    (workflows.roster_file.CountryQuestion): a page asks which one each means.
    """

    outcome = ", nothing imported"

    def __init__(self, source: str, problems: list[str], questions: list | None = None):
        self.questions = questions or []
        super().__init__(source, problems)


class StoreError(MunbookError):
    """The store refused an operation (write-once data, unknown delegation, ...)."""


class StoreUnreachable(StoreError):
    """The store's server did not answer in time (a network cut, a server down): try again."""


class AccessDenied(MunbookError):
    """An access code did not open what it was used for."""


class CommentRefused(MunbookError):
    """A comment, reply or comment-bank entry past a limit or malformed: nothing was saved."""
