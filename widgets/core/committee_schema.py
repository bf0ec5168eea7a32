"""The committee file's schema, in pydantic: what ``committees.parse`` validates against.

Only staff commands and the first load of a committee file import this (and
pydantic): the validated data is kept as JSON under the home and served
kernels build ``committees.Committee`` (plain dataclasses) from it, about
10 MB RSS less a kernel. A field added here is added to the dataclass in
``committees.py`` too (tests/test_committees.py compares the two).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PositiveInt,
    ValidationError,
    field_validator,
    model_validator,
)

from ..exceptions import CommitteeError
from . import yaml_problems
from .comment_limits import BANK_PER_COMMITTEE, COMMENT_CHARS
from .fact_tables import FIELDS

Text = Annotated[str, Field(min_length=1)]


class Model(BaseModel):
    # A misspelt field is an error, not silently ignored.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Limits(Model):
    """Length limits; None means no limit of that kind."""

    max_pages: PositiveInt | None = None
    max_words: PositiveInt | None = None


class TopicLimits(Model):
    """A topic's own limit, in words only: pages are counted for the whole paper."""

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
    # Off when None: chairs may ask for changes and delegates revise until this time.
    revisions_until: datetime | None = None
    ai_disclosure: bool = False
    blind_grading: bool = False
    min_sources: Annotated[int, Field(ge=0)] = 1
    # Several chairs: a paper whose chairs' totals differ by more than this (of 100) is flagged;
    # the final grade is the mean of their totals, or the median.
    chair_spread: Annotated[float, Field(ge=0, le=100)] = 15
    final_grade: Literal["mean", "median"] = "mean"
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

    @field_validator("revisions_until")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError(
                "needs a time zone offset, like 2027-03-05T18:00:00-06:00 (or Z for UTC)"
            )
        return value

    @model_validator(mode="after")
    def _revisions_after_deadline(self) -> Rules:
        if self.revisions_until is None:
            return self
        zone = ZoneInfo(self.timezone)
        deadline = self.deadline if self.deadline.tzinfo else self.deadline.replace(tzinfo=zone)
        if self.revisions_until <= deadline:
            raise ValueError(
                f"revisions_until ({self.revisions_until.isoformat()}) must be after "
                f"the deadline ({deadline.isoformat()})"
            )
        return self

    @field_validator("sections")
    @classmethod
    def _unique_keys(cls, sections: list[Section]) -> list[Section]:
        keys = [s.key for s in sections]
        if len(keys) != len(set(keys)):
            raise ValueError("section keys must be unique")
        return sections


class Topic(Model):
    key: Annotated[str, Field(pattern=r"^[A-Z]$")]
    title: Text
    background: Text
    prompts: Annotated[list[Text], Field(min_length=1)]
    rules: TopicLimits = TopicLimits()


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
    # Comments a chair inserts in one click (the Grade tab's comment bank), before their own.
    comment_bank: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=COMMENT_CHARS)]],
        Field(max_length=BANK_PER_COMMITTEE),
    ] = []

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


def validated(text: str, source: str) -> dict[str, Any]:
    """The committee YAML ``text`` validated, as JSON data; CommitteeError lists every problem."""
    raw = yaml_problems.read_mapping(text, source)
    try:
        return Committee.model_validate(raw).model_dump(mode="json")
    except ValidationError as exc:
        raise CommitteeError(source, yaml_problems.described(exc, text)) from None
