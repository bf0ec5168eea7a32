"""A country's profile as facts a delegate can cite: each with its source and date.

Memberships come from data/blocs.yaml, capital, borders and UN admission from
data/countries.csv (sources in data/sources.yaml), languages and currency from
the Unicode CLDR through Babel, which is imported on first use only. A fact
that no source gives is shown as "unknown", never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from .. import settings
from .countries import Country, bloc_info
from .fact_tables import FIELD_LABELS, FactRow

if TYPE_CHECKING:
    from .committees import Committee, FactTable

UNKNOWN = "unknown"
WIDELY_SPOKEN = 10.0  # percent of the population (CLDR's estimate)


@dataclass(frozen=True)
class Source:
    """Where a fact comes from: a web page whose data is true as of ``as_of``."""

    publisher: str
    title: str
    url: str
    as_of: str
    via: str = field(default="", compare=False)  # the library the data came through (not cited)

    def citation(self, accessed: str) -> dict[str, str]:
        """The source as a Sources-panel entry (fields of core.citations), accessed on
        ``accessed`` (YYYY-MM-DD: the day the delegate adds it, not the data's date)."""
        return {
            "author": self.publisher,
            "title": self.title,
            "publisher": "",
            "date": "",
            "url": self.url,
            "accessed": accessed,
        }


@dataclass(frozen=True)
class Fact:
    label: str
    value: str
    source: Source
    note: str = ""


@dataclass
class Profile:
    """The facts in the order shown, and their distinct sources in first-use order."""

    country: Country
    name: str  # the country's name in the profile's language
    facts: list[Fact] = field(default_factory=list)
    instruments: list[Fact] = field(default_factory=list)  # the committee's fact tables

    @property
    def sources(self) -> list[Source]:
        return list(dict.fromkeys(f.source for f in self.facts + self.instruments))


@cache
def _sources_yaml() -> dict:
    import yaml

    return yaml.safe_load(settings.SOURCES_YAML.read_text(encoding="utf-8"))


def column_source(column: str) -> Source:
    """The source of a column of countries.csv (capital, neighbours, un_since, ...)."""
    info = _sources_yaml()["columns"][column]
    return Source(
        info["publisher"], info["title"], info["url"], str(info["as_of"]), info.get("via", "")
    )


def cldr_source() -> Source:
    """Unicode CLDR as the installed Babel ships it; as_of is "" for an unlisted Babel."""
    import babel
    from babel.core import get_cldr_version

    info = _sources_yaml()["cldr"]
    title = info["title"].format(cldr=get_cldr_version())
    as_of = str(info["as_of_by_babel"].get(babel.__version__, ""))
    via = info["via"].format(babel=babel.__version__)
    return Source(info["publisher"], title, info["url"], as_of, via)


@cache
def _locale(language: str):
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def territory_name(alpha2: str, language: str = "en") -> str:
    """A country's name in ``language`` (CLDR), or the code when CLDR has none."""
    return _locale(language).territories.get(alpha2, alpha2)


def membership_facts(country: Country) -> list[Fact]:
    """One fact per bloc the country belongs to, takes part in through a body, or has a note on."""
    facts = []
    for bloc in bloc_info().values():
        source = Source(bloc.publisher, bloc.title, bloc.url, bloc.as_of)
        note = bloc.notes.get(country.alpha3, "")
        held = bloc.suspended.get(country.alpha3)
        if country.is_member(bloc.key) and held:
            said = Source(held.publisher, held.title, held.url, held.since)
            value = f"{bloc.name} (suspended since {held.since})"
            why = (
                note or f"A member, suspended from the {bloc.name}'s activities since {held.since}."
            )
            facts.append(Fact("Member of", value, said, why))
        elif country.is_member(bloc.key):
            facts.append(Fact("Member of", bloc.name, source, note))
        elif note:
            facts.append(Fact("Not a member of", bloc.name, source, note))
    for group, body in country.through():
        source = Source(group.publisher, group.title, group.url, group.as_of)
        value = f"{group.name}: through the {body.name}"
        note = f"The {body.name} is a member of the {group.name}; {country.name} is not a member itself."
        facts.append(Fact("Takes part in", value, source, note))
    return facts


def _capital(country: Country) -> Fact:
    fix = _sources_yaml()["capital_corrections"].get(country.alpha3)
    if fix:
        source = Source(fix["publisher"], fix["title"], fix["url"], str(fix["as_of"]))
        return Fact("Capital", fix["value"], source, fix["note"])
    return Fact("Capital", country.capital or UNKNOWN, column_source("capital"))


def _borders(country: Country, language: str) -> Fact:
    names = sorted(territory_name(code, language) for code in country.neighbours)
    value = ", ".join(names) if names else "none (no land border)"
    return Fact("Land borders", value, column_source("neighbours"))


def _un(country: Country) -> Fact:
    if country.un_since:
        value = country.un_since
    elif country.is_member("un_observer"):
        value = "not a member (non-member observer State)"
    else:
        value = "not a member"
    return Fact("UN member since", value, column_source("un_since"))


def cldr_facts(country: Country, language: str = "en") -> list[Fact]:
    """Official and widely spoken languages and currency, from CLDR via Babel."""
    from babel.languages import get_territory_language_info
    from babel.numbers import get_currency_name, get_territory_currencies

    locale, source = _locale(language), cldr_source()
    info = get_territory_language_info(country.alpha2)

    def name(code: str) -> str:
        return locale.languages.get(code) or locale.languages.get(code.split("_")[0], code)

    def by_status(*statuses: str) -> str:
        codes = [c for c, i in info.items() if i.get("official_status") in statuses]
        return ", ".join(dict.fromkeys(name(c) for c in codes))  # one script each: say it once

    share: dict[str, float] = {}  # the highest share of any script of a language
    for code, i in info.items():
        percent = _number(i.get("population_percent"))
        if percent >= WIDELY_SPOKEN:
            share[name(code)] = max(percent, share.get(name(code), 0.0))
    spoken = [f"{language} ({percent:g}%)" for language, percent in share.items()]
    currencies = get_territory_currencies(country.alpha2, tender=True)
    money = [f"{get_currency_name(c, locale=locale)} ({c})" for c in currencies]
    facts = [
        Fact("Official languages", by_status("official", "de_facto_official") or UNKNOWN, source)
    ]
    regional = by_status("official_regional")
    if regional:
        facts.append(Fact("Official in some regions", regional, source))
    facts.append(
        Fact(
            "Widely spoken",
            ", ".join(spoken) or UNKNOWN,
            source,
            f"Languages CLDR estimates at least {WIDELY_SPOKEN:g}% of the population speak.",
        )
    )
    facts.append(Fact("Currency", ", ".join(money) or UNKNOWN, source))
    return facts


def _number(value: object) -> float:
    """A CLDR figure, 0 when absent."""
    return float(value) if isinstance(value, int | float) else 0.0


def table_fact(table: FactTable, row: FactRow) -> Fact:
    """A country's row of a committee fact table, as a citable fact."""
    parts = [f"{FIELD_LABELS[name]}: {row.values[name]}" for name in table.fields]
    if row.date:
        parts.append(f"{table.date_label} {row.date}")
    url = row.source or table.url
    source = Source(table.publisher, table.source_title, url, table.as_of.isoformat())
    return Fact(table.title, " · ".join(parts), source, row.note or table.note)


def profile(country: Country, language: str = "en", committee: Committee | None = None) -> Profile:
    """Every fact of the country profile, with its source, in the order shown."""
    name = territory_name(country.alpha2, language) if language != "en" else country.name
    facts = [
        Fact("Official name", country.official_name, column_source("official_name")),
        Fact("Region", f"{country.region} · {country.subregion}", column_source("region")),
        _capital(country),
        _borders(country, language),
        *cldr_facts(country, language),
        _un(country),
        *membership_facts(country),
    ]
    rows = committee.fact_rows(country.alpha3) if committee else []
    return Profile(country, name, facts, [table_fact(t, r) for t, r in rows])
