"""Countries a conference may assign, read from data/countries.csv.

``lookup`` resolves the names people really write ("Ivory Coast", "UK",
"DR Congo") with the patterns country_converter ships (copied into the CSV by
scripts/build_countries.py), so this module needs only the standard library
and stays light enough for the delegate's kernel.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
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
        )
        for key, b in raw.items()
    }


# Names that the shipped patterns miss or that need a firm answer.
_ALIASES = {
    "holy see": "VAT",
    "vatican city": "VAT",
    "turkey": "TUR",
    "turkiye": "TUR",
    "czech republic": "CZE",
    "state of palestine": "PSE",
    "usa": "USA",
    "us": "USA",
    "u.s.": "USA",
    "u.s.a.": "USA",
    "uk": "GBR",
    "great britain": "GBR",
    "congo": "COG",
    "republic of congo": "COG",
    "drc": "COD",
    "dr congo": "COD",
    "burma": "MMR",
    "swaziland": "SWZ",
    "cape verde": "CPV",
    "east timor": "TLS",
    "holland": "NLD",
}
# Names that mean more than one country: always ask which.
_AMBIGUOUS = {"korea": ("South Korea", "North Korea")}


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
    by_code = {c.alpha3: c for c in countries}
    for alias, code in _ALIASES.items():
        index.setdefault(alias, by_code[code])
    return tuple(countries), index, patterns


@cache
def _patterns() -> list[tuple[re.Pattern, Country]]:
    """The name patterns, compiled only when a name is not found directly."""
    _, index, raw = _table()
    return [(re.compile(pattern, re.IGNORECASE), index[_fold(code)]) for pattern, code in raw]


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
    """The country ``name`` means, or UnknownCountry with three suggestions."""
    index = _table()[1]
    folded = _fold(name)
    if folded in _AMBIGUOUS:
        raise UnknownCountry(name, list(_AMBIGUOUS[folded]))
    if folded in index:
        return index[folded]
    hits = {c.alpha3: c for pattern, c in _patterns() if pattern.search(folded)}
    if len(hits) == 1:
        return next(iter(hits.values()))
    raise UnknownCountry(name, suggest(name, list(hits.values()) or None))


def suggest(name: str, among: list[Country] | None = None, n: int = 3) -> list[str]:
    """The ``n`` country names closest to ``name``."""
    import difflib  # only when a name is unknown

    pool = among or list(all_countries())
    names = {c.name: c for c in pool}
    close = difflib.get_close_matches(_fold(name), [_fold(n) for n in names], n=n, cutoff=0.4)
    by_fold = {_fold(n): n for n in names}
    found = [by_fold[c] for c in close]
    if among and len(found) < n:
        found += [c.name for c in among if c.name not in found][: n - len(found)]
    return found[:n]
