"""Committees are data: one YAML file each, validated by pydantic (``committee_schema``).

A committee file says what the committee is, its topics with background and
research prompts, the paper's rules and the rubric. ``check_file`` reports
every problem at once with its line and field, e.g.
``line 40: topics[1].rules.max_words: must be a positive integer``.

The loaded committee is plain frozen dataclasses. A file is validated once:
its validated data is kept as JSON under the home (``settings.committee_cache_file``,
named for the file's text and the schema), and a served kernel builds the
committee from it without importing pydantic or YAML (about 10 MB RSS a kernel).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from .. import settings
from ..exceptions import CommitteeError, UnknownCommittee
from .fact_tables import FactRow, read_table, unknown_row

frozen = dataclass(frozen=True, kw_only=True)


@frozen
class Limits:
    """Length limits; None means no limit of that kind."""

    max_pages: int | None = None
    max_words: int | None = None


@frozen
class Section:
    key: str
    title: str
    guidance: str = ""


@frozen
class Rules(Limits):
    """The paper's rules; max_pages and max_words here apply to the whole paper."""

    sections: list[Section]
    font_size: float = 12
    citation_style: str = "mla"
    deadline: datetime
    timezone: str = "UTC"
    revisions_until: datetime | None = None  # aware; None: no revise and resubmit
    ai_disclosure: bool = False
    blind_grading: bool = False
    min_sources: int = 1
    chair_spread: float = 15  # of 100: chairs' totals further apart flag the paper
    final_grade: str = "mean"  # or "median" of the chairs' totals
    blocking: list[str] = field(default_factory=lambda: ["pages", "header", "disclosure"])

    @property
    def deadline_utc(self) -> datetime:
        """The deadline as an aware datetime (naive values are in ``timezone``)."""
        zone = ZoneInfo(self.timezone)
        local = self.deadline if self.deadline.tzinfo else self.deadline.replace(tzinfo=zone)
        return local.astimezone(ZoneInfo("UTC"))


@frozen
class Topic:
    key: str
    title: str
    background: str
    prompts: list[str]
    rules: Limits = Limits()


@frozen
class RubricCategory:
    name: str
    weight: float
    max_points: int
    description: str = ""


@frozen
class FactTable:
    """A table of the committee's own facts (data/committees/<committee>/<file>)."""

    key: str
    title: str
    file: str
    fields: list[str]
    publisher: str
    source_title: str
    url: str
    as_of: date
    date_label: str = "date"
    note: str = ""
    answers: list[str] = field(default_factory=list)


@frozen
class Committee:
    acronym: str
    name: str
    organisation: str  # column of data/countries.csv whose members may be assigned
    description: str
    president: str = ""
    chairs: list[str] = field(default_factory=list)
    background: str
    faculties: list[str] = field(default_factory=list)
    topics: list[Topic]
    rules: Rules
    rubric: list[RubricCategory]
    language: str = "en"  # CLDR language code for names on the country profile
    facts: list[FactTable] = field(default_factory=list)
    comment_bank: list[str] = field(default_factory=list)  # one-click comments for chairs
    _rows: dict[str, dict[str, FactRow]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def key(self) -> str:
        """The committee's identifier in paths, the store and the CLI."""
        return settings.slug(self.acronym)

    def load_facts(self, committee_file: Path) -> list[str]:
        """Read every fact table beside ``committee_file``; the problems found, if any."""
        problems: list[str] = []
        for table in self.facts:
            path = settings.fact_table_path(committee_file, self.key, table.file)
            rows, found = read_table(path, list(table.fields))
            self._rows[table.key] = rows
            problems += found
        return problems

    def fact_rows(self, alpha3: str) -> list[tuple[FactTable, FactRow]]:
        """The country's row of every fact table (all unknown where it has none)."""
        return [
            (t, self._rows.get(t.key, {}).get(alpha3) or unknown_row(alpha3, list(t.fields)))
            for t in self.facts
        ]

    def facts_for_prompt(
        self, topic: str, index: int, alpha3: str
    ) -> list[tuple[FactTable, FactRow]]:
        """The country's rows of the tables that answer prompt ``index`` (0-based) of ``topic``."""
        ref = f"{topic}.{index + 1}"
        return [(t, row) for t, row in self.fact_rows(alpha3) if ref in t.answers]


# ---- loading and checking -------------------------------------------------


def _built(data: dict[str, Any]) -> Committee:
    """A Committee from validated JSON data (``committee_schema.validated``'s or the cache's)."""
    rules = dict(data["rules"])
    rules["sections"] = [Section(**s) for s in rules["sections"]]
    rules["deadline"] = datetime.fromisoformat(rules["deadline"])
    if rules.get("revisions_until"):
        rules["revisions_until"] = datetime.fromisoformat(rules["revisions_until"])
    topics = [{**t, "rules": Limits(**t["rules"])} for t in data["topics"]]
    facts = [{**f, "as_of": date.fromisoformat(f["as_of"])} for f in data["facts"]]
    return Committee(
        **{
            **data,
            "topics": [Topic(**t) for t in topics],
            "rules": Rules(**rules),
            "rubric": [RubricCategory(**c) for c in data["rubric"]],
            "facts": [FactTable(**f) for f in facts],
        }
    )


def parse(text: str, source: str = "<committee>") -> Committee:
    """Validate committee YAML text; raise CommitteeError listing every problem."""
    from . import committee_schema  # pydantic and YAML: staff commands, a file's first load

    return _built(committee_schema.validated(text, source))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CommitteeError(str(path), ["file not found"]) from None
    except UnicodeDecodeError as exc:
        raise CommitteeError(str(path), [f"not UTF-8 text (byte {exc.start})"]) from None


def _with_facts(committee: Committee, path: Path) -> Committee:
    problems = committee.load_facts(path)
    if problems:
        raise CommitteeError(str(path), problems)
    return committee


def check_file(path: str | Path) -> Committee:
    """Load and validate one committee file."""
    path = Path(path)
    return _with_facts(parse(_read(path), str(path)), path)


@cache
def _schema_key() -> bytes:
    """The schema's own source: a cache made under another schema is never read."""
    return (Path(__file__).parent / "committee_schema.py").read_bytes()


def cached_file(path: Path) -> Committee:
    """``check_file``, validated once per text: the validated data is kept under the home."""
    text = _read(path)
    digest = hashlib.sha256(_schema_key() + text.encode()).hexdigest()
    cache_file = settings.committee_cache_file(digest)
    try:
        committee = _built(json.loads(cache_file.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError, KeyError):  # none yet, or unreadable: validate
        from . import committee_schema

        data = committee_schema.validated(text, str(path))
        committee = _built(data)
        with contextlib.suppress(OSError):  # a read-only home only costs the next load
            settings.write_private(cache_file, json.dumps(data, ensure_ascii=False))
    return _with_facts(committee, path)


def schema_fields(cls: type) -> list[str]:
    """The dataclass's field names (tests compare them with the schema's)."""
    return [f.name for f in fields(cls) if not f.name.startswith("_")]


def committee_files() -> list[Path]:
    """Every committee file: the shipped ones, then any in MUNBOOK_HOME/committees."""
    files: list[Path] = []
    for folder in settings.committee_dirs():
        if folder.is_dir():
            files += [
                p for pattern in settings.COMMITTEE_FILES for p in sorted(folder.glob(pattern))
            ]
    return files


@cache
def _load_cached(path: Path, mtime: float) -> Committee:
    return cached_file(path)


def all_committees() -> dict[str, Committee]:
    """All committees by key; an invalid file raises its CommitteeError."""
    found: dict[str, Committee] = {}
    for path in committee_files():
        committee = _load_cached(path, path.stat().st_mtime)
        found.setdefault(committee.key, committee)
    return found


def load(name: str) -> Committee:
    """The committee whose acronym (any case) or key is ``name``."""
    committees = all_committees()
    committee = committees.get(settings.slug(name))
    if committee is None:
        known = ", ".join(sorted(committees)) or "none"
        raise UnknownCommittee(f"unknown committee {name!r}; known committees: {known}")
    return committee
