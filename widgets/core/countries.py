"""Countries a conference may assign, read from data/countries.csv.

``lookup`` takes only what is sure: a name, an official name, an ISO code or
an alias of data/country_aliases.yaml ("Ivory Coast", "UK", "DRC"). Anything
else is UnknownCountry with candidates, found with the patterns
country_converter ships (copied into the CSV by scripts/build_countries.py) and
by spelling; the caller asks the person which one they meant.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from .. import settings
from ..exceptions import MunbookError, UnknownCountry

# Columns of countries.csv that are not membership flags.
_INFO = ("alpha2", "alpha3", "name", "official_name", "region", "subregion", "pattern")
_FACTS = ("capital", "neighbours", "un_since")


@dataclass(frozen=True)
class Bloc:
    """A group a country may belong to, with where and when its list was checked."""

    key: str
    name: str
    full_name: str
    publisher: str
    title: str
    url: str
    as_of: str
    notes: dict[str, str]
    through: tuple[str, ...] = ()  # blocs that are members as bodies (G20: EU, AU)
    suspended: dict[str, Suspension] = field(default_factory=dict)  # members, kept out for now


@dataclass(frozen=True)
class Suspension:
    """A member kept out of a bloc's activities since ``since``, with the decision's source."""

    since: str  # YYYY-MM-DD
    publisher: str
    title: str
    url: str


@cache
def bloc_info() -> dict[str, Bloc]:
    """Every bloc of data/blocs.yaml, in its order (the profile's order)."""
    import yaml  # already loaded by the committee files; kept local for scripts

    raw = yaml.load(
        settings.BLOCS_YAML.read_text(encoding="utf-8"),
        Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader),  # libyaml when present
    )
    return {
        key: Bloc(
            key=key,
            name=b["name"],
            full_name=b["full_name"],
            publisher=b["publisher"],
            title=b["title"],
            url=b["url"],
            as_of=str(b["as_of"]),
            notes=dict(b.get("notes") or {}),
            through=tuple(b.get("through") or ()),
            suspended={
                code: Suspension(str(s["since"]), s["publisher"], s["title"], s.get("url", ""))
                for code, s in (b.get("suspended") or {}).items()
            },
        )
        for key, b in raw.items()
    }


@dataclass(frozen=True)
class Country:
    alpha2: str
    alpha3: str
    name: str
    official_name: str
    region: str
    subregion: str
    memberships: frozenset[str]
    capital: str = ""
    neighbours: tuple[str, ...] = ()  # ISO alpha-2 codes (GeoNames' land borders)
    un_since: str = ""  # year of UN admission, "" for non-members

    def is_member(self, bloc: str) -> bool:
        return bloc.lower() in self.memberships

    @property
    def membership_names(self) -> list[str]:
        """Human names of the blocs this country belongs to, in a stable order."""
        return [b.name for b in bloc_info().values() if b.key in self.memberships]

    def through(self) -> list[tuple[Bloc, Bloc]]:
        """(group, body) pairs where the country takes part only through a body (G20, EU)."""
        info = bloc_info()
        return [
            (group, info[body])
            for group in info.values()
            for body in group.through
            if group.key not in self.memberships and body in self.memberships
        ]


def _fold(text: str) -> str:
    """Lower case, no accents, single spaces: the form names are compared in."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(plain.lower().replace("&", "and").split())


@cache
def _table() -> tuple[tuple[Country, ...], dict[str, Country], list[tuple[str, str]]]:
    countries, index, patterns = [], {}, []
    with settings.COUNTRIES_CSV.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            skip = _INFO + _FACTS
            flags = frozenset(k for k, v in row.items() if k not in skip and v == "1")
            country = Country(
                **{k: row[k] for k in _INFO if k != "pattern"},
                memberships=flags,
                capital=row["capital"],
                neighbours=tuple(c for c in row["neighbours"].split(";") if c),
                un_since=row["un_since"],
            )
            countries.append(country)
            for key in (country.alpha2, country.alpha3, country.name, country.official_name):
                index[_fold(key)] = country
            patterns.append((row["pattern"], country.alpha3))
    return tuple(countries), index, patterns


@cache
def _patterns() -> list[tuple[re.Pattern, Country]]:
    """The name patterns, compiled only to suggest candidates for a name not found."""
    _, index, raw = _table()
    return [(re.compile(pattern, re.IGNORECASE), index[_fold(code)]) for pattern, code in raw]


@cache
def aliases() -> tuple[dict[str, Country], dict[str, tuple[Country, ...]]]:
    """(alias -> country, ambiguous name -> its countries), folded, from the data file."""
    import yaml  # already loaded by the committee files; kept local for scripts

    raw = yaml.safe_load(settings.COUNTRY_ALIASES_YAML.read_text(encoding="utf-8"))
    by_code = {c.alpha3: c for c in _table()[0]}
    return (
        {_fold(alias): by_code[code] for alias, code in raw["aliases"].items()},
        {_fold(name): tuple(by_code[c] for c in codes) for name, codes in raw["ambiguous"].items()},
    )


def all_countries() -> tuple[Country, ...]:
    """Every assignable country, sorted by name."""
    return _table()[0]


def blocs() -> list[str]:
    """The membership columns a country list can be filtered by."""
    return list(bloc_info())


def members(bloc: str) -> list[Country]:
    """The countries that belong to ``bloc`` (a column such as ``interpol`` or ``eu``)."""
    bloc = bloc.lower()
    if bloc not in bloc_info():
        raise MunbookError(f"unknown bloc {bloc!r}; known: {', '.join(bloc_info())}")
    return [c for c in all_countries() if bloc in c.memberships]


def lookup(name: str) -> Country:
    """The country ``name`` means exactly: its name, official name, ISO code or an alias.

    Anything else, and every name of data/country_aliases.yaml's ``ambiguous`` list,
    raises UnknownCountry with the candidates: a guess is a question, never an answer.
    """
    index = _table()[1]
    folded = _fold(name)
    if len(folded) <= 3 and folded in index:
        # An ISO code (what fact tables hold) needs no alias file: a served kernel loads no YAML.
        return index[folded]
    alias, ambiguous = aliases()
    if folded in ambiguous:
        raise UnknownCountry(name, *_named(ambiguous[folded]), ambiguous=True)
    found = index.get(folded) or alias.get(folded)
    if found is None:
        raise UnknownCountry(name, *_named(candidates(name)))
    return found


def _named(found: Sequence[Country]) -> tuple[list[str], list[str]]:
    return [c.name for c in found], [c.alpha3 for c in found]


def candidates(name: str, n: int = 3) -> list[Country]:
    """The ``n`` countries ``name`` most likely means (name patterns and spelling), best first."""
    import difflib  # only when a name is unknown

    folded = _fold(name)
    index = _table()[1]
    spellings = {**{k: c for k, c in index.items() if len(k) > 3}, **aliases()[0]}
    pool = {c.alpha3: c for pattern, c in _patterns() if pattern.search(folded)}
    inside = {c.alpha3 for k, c in spellings.items() if k in folded or folded in k}
    pool.update({c.alpha3: c for c in spellings.values() if c.alpha3 in inside})
    for close in difflib.get_close_matches(folded, list(spellings), n=n * 2, cutoff=0.6):
        pool.setdefault(spellings[close].alpha3, spellings[close])

    def closeness(country: Country) -> float:
        names = [k for k, c in spellings.items() if c is country]
        ratio = max((difflib.SequenceMatcher(None, folded, k).ratio() for k in names), default=0)
        return ratio + (0.5 if country.alpha3 in inside else 0)

    scored = sorted(((closeness(c), c) for c in pool.values()), key=lambda p: -p[0])
    ranked = [c for score, c in scored if score >= 0.75]  # a pattern's stray hit is no candidate
    if not ranked:  # a name nothing resembles: the nearest names all the same
        near = difflib.get_close_matches(folded, list(spellings), n=n * 3, cutoff=0.4)
        ranked = list(dict.fromkeys(spellings[k] for k in near))
    return ranked[:n]
