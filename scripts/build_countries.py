"""Rebuild data/countries.csv from pycountry and country_converter, offline.

Run from the project root:  .venv/bin/python scripts/build_countries.py [OUT.csv]
(needs the ``countries`` extra: pip install -e '.[countries]')

Both libraries ship their data, so no network is needed. The rows are every
state a conference may assign: the 193 UN members, the two UN observer
states, and the INTERPOL members that are not UN members.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import country_converter as coco
import pycountry

OUT = Path(__file__).resolve().parent.parent / "data" / "countries.csv"

UN_OBSERVERS = {"VAT", "PSE"}
# DESIGN.md: INTERPOL = UN members - {North Korea, Tuvalu} + these five.
INTERPOL_NOT_UN = {"PSE", "VAT", "ABW", "CUW", "SXM"}
UN_NOT_INTERPOL = {"PRK", "TUV"}
EXTRA_ROWS = UN_OBSERVERS | INTERPOL_NOT_UN

# Blocs country_converter knows, as (column in its table, our column).
COCO_BLOCS = [
    ("EU", "eu"),
    ("OECD", "oecd"),
    ("G7", "g7"),
    ("G20", "g20"),
    ("APEC", "apec"),
    ("CoE", "coe"),
    ("CIS", "cis"),
    ("BRIC", "bric"),
]
# Neither library lists these; both matter to INTERPOL's topics (AFRIPOL is the
# African Union's police body, ASEANAPOL that of ASEAN), so they are kept here.
ASEAN = {"BRN", "KHM", "IDN", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "VNM", "TLS"}
AU_NON_UN = {"ESH"}  # the Sahrawi Republic is an AU member; not assigned here

# Short names as conferences print them, where country_converter's differ.
NAMES = {"FSM": "Micronesia", "VAT": "Holy See", "COG": "Republic of the Congo"}
CONTINENT_TO_REGION = {"America": "Americas"}

COLUMNS = [
    "alpha2",
    "alpha3",
    "name",
    "official_name",
    "region",
    "subregion",
    "un",
    "un_observer",
    "interpol",
    "au",
    "asean",
    *[col for _, col in COCO_BLOCS],
    "pattern",
]


def build_rows() -> list[dict[str, str]]:
    """One dict per assignable country, sorted by name."""
    table = coco.CountryConverter().data
    rows = []
    for rec in table.to_dict("records"):
        iso3 = rec["ISO3"]
        un_member = str(rec["UNmember"]) not in ("<NA>", "nan", "None")
        if not un_member and iso3 not in EXTRA_ROWS:
            continue
        py = pycountry.countries.get(alpha_3=iso3)
        region = CONTINENT_TO_REGION.get(rec["continent"], rec["continent"])
        row = {
            # pycountry's code: country_converter's ISO2 column holds regexes
            "alpha2": py.alpha_2,
            "alpha3": iso3,
            "name": NAMES.get(iso3, rec["name_short"]),
            "official_name": _official_name(py, rec),
            "region": region,
            "subregion": rec["UNregion"],
            "un": _flag(un_member),
            "un_observer": _flag(iso3 in UN_OBSERVERS),
            "interpol": _flag(
                (un_member and iso3 not in UN_NOT_INTERPOL) or iso3 in INTERPOL_NOT_UN
            ),
            "au": _flag(un_member and region == "Africa"),
            "asean": _flag(iso3 in ASEAN),
            "pattern": rec["regex"],
        }
        for coco_col, col in COCO_BLOCS:
            row[col] = _flag(isinstance(rec[coco_col], str) and bool(rec[coco_col]))
        rows.append(row)
    rows.sort(key=lambda r: r["name"])
    return rows


def _official_name(py, rec: dict) -> str:
    name = getattr(py, "official_name", None) or rec["name_official"]
    return name.removeprefix("the ")


def _flag(value: bool) -> str:
    return "1" if value else "0"


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else OUT
    rows = build_rows()
    interpol = sum(r["interpol"] == "1" for r in rows)
    un = sum(r["un"] == "1" for r in rows)
    if interpol != 196 or un != 193:
        print(f"unexpected counts: {interpol} INTERPOL, {un} UN members", file=sys.stderr)
        return 1
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} countries to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
