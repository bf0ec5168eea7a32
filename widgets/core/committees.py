"""Committees are data: one YAML file each, validated by pydantic.

A committee file says what the committee is, its topics with background and
research prompts, the paper's rules and the rubric. ``check_file`` reports
every problem at once with its line and field, e.g.
``line 40: topics[1].rules.max_pages: must be a positive integer``.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PositiveInt,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from .. import settings
from ..exceptions import CommitteeError, UnknownCommittee
from . import yaml_problems
from .fact_tables import FIELDS, FactRow, read_table, unknown_row

Text = Annotated[str, Field(min_length=1)]


class Model(BaseModel):
    # A misspelt field is an error, not silently ignored.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Limits(Model):
    """Length limits; None means no limit of that kind."""

    max_pages: PositiveInt | None = None
    max_words: PositiveInt | None = None


class Section(Model):
    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    title: Text
    guidance: str = ""


class Rules(Limits):
    """The paper's rules; max_pages and max_words here apply to the whole paper."""

    sections: Annotated[list[Section], Field(min_length=1)]
    font_size: Annotated[float, Field(ge=10, le=12)] = 12
    citation_style: Literal["mla", "apa", "chicago"] = "mla"
    deadline: datetime
    timezone: Text = "UTC"
    ai_disclosure: bool = False
    blind_grading: bool = False
    min_sources: Annotated[int, Field(ge=0)] = 1
    # Which violations block submission; the others are warnings.
    blocking: list[
        Literal["pages", "words", "empty_section", "header", "sources", "disclosure"]
    ] = [
        "pages",
        "header",
        "disclosure",
    ]

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r} (use a name like Europe/Paris)"
            ) from None
        return value

    @field_validator("sections")
    @classmethod
    def _unique_keys(cls, sections: list[Section]) -> list[Section]:
        keys = [s.key for s in sections]
        if len(keys) != len(set(keys)):
            raise ValueError("section keys must be unique")
        return sections

    @property
    def deadline_utc(self) -> datetime:
        """The deadline as an aware datetime (naive values are in ``timezone``)."""
        zone = ZoneInfo(self.timezone)
        local = self.deadline if self.deadline.tzinfo else self.deadline.replace(tzinfo=zone)
        return local.astimezone(ZoneInfo("UTC"))


class Topic(Model):
    key: Annotated[str, Field(pattern=r"^[A-Z]$")]
    title: Text
    background: Text
    prompts: Annotated[list[Text], Field(min_length=1)]
    rules: Limits = Limits()


class RubricCategory(Model):
    name: Text
    weight: Annotated[float, Field(gt=0, le=100)]
    max_points: PositiveInt
    description: str = ""


class FactTable(Model):
    """A table of the committee's own facts (data/committees/<committee>/<file>)."""

    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    title: Text
    file: Annotated[str, Field(pattern=r"^[a-z0-9_-]+\.csv$")]
    fields: Annotated[list[Literal[FIELDS]], Field(min_length=1)]  # type: ignore[valid-type]
    publisher: Text
    source_title: Text
    url: Annotated[str, Field(pattern=r"^https?://")]
    as_of: date
    date_label: Text = "date"  # what the row's date is (e.g. ratified or acceded)
    note: str = ""  # shown under the table's row on every profile
    # Prompts this table helps answer, as "A.4" (topic A, fourth prompt).
    answers: list[Annotated[str, Field(pattern=r"^[A-Z]\.[1-9][0-9]*$")]] = []


class Committee(Model):
    acronym: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9 _-]*$")]
    name: Text
    organisation: Text = Field(
        description="column of data/countries.csv whose members may be assigned"
    )
    description: Text
    president: str = ""
    chairs: list[Text] = []
    background: Text
    faculties: list[Text] = []
    topics: Annotated[list[Topic], Field(min_length=1)]
    rules: Rules
    rubric: Annotated[list[RubricCategory], Field(min_length=1)]
    # CLDR language code for names on the country profile (e.g. es, fr, pt_BR).
    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}(_[A-Z][A-Za-z]{1,3})?$")] = "en"
    facts: list[FactTable] = []
    _rows: dict[str, dict[str, FactRow]] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> Committee:
        keys = [t.key for t in self.topics]
        if len(keys) != len(set(keys)):
            raise ValueError("topic keys must be unique")
        prompts = {f"{t.key}.{i + 1}" for t in self.topics for i in range(len(t.prompts))}
        for table in self.facts:
            for ref in table.answers:
                if ref not in prompts:
                    raise ValueError(f"facts {table.key}: answers {ref}: no such prompt")
        if len({t.key for t in self.facts}) != len(self.facts):
            raise ValueError("fact table keys must be unique")
        total = sum(c.weight for c in self.rubric)
        if abs(total - 100) > 1e-6:
            raise ValueError(f"rubric weights must add up to 100, not {total:g}")
        return self

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


def parse(text: str, source: str = "<committee>") -> Committee:
    """Validate committee YAML text; raise CommitteeError listing every problem."""
    raw = yaml_problems.read_mapping(text, source)
    try:
        return Committee.model_validate(raw)
    except ValidationError as exc:
        raise CommitteeError(source, yaml_problems.described(exc, text)) from None


def check_file(path: str | Path) -> Committee:
    """Load and validate one committee file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CommitteeError(str(path), ["file not found"]) from None
    except UnicodeDecodeError as exc:
        raise CommitteeError(str(path), [f"not UTF-8 text (byte {exc.start})"]) from None
    committee = parse(text, str(path))
    problems = committee.load_facts(path)
    if problems:
        raise CommitteeError(str(path), problems)
    return committee


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
    return check_file(path)


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
