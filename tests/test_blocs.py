"""Every bloc column of data/countries.csv against an independent list.

Each list below was written from the organisation's own membership page as it
stood on the date beside it, by name as the page writes it, and is resolved
with ``countries.lookup`` (so the names people copy from those pages resolve
too). They do not read data/blocs.yaml: a wrong line there fails here.
"""

from __future__ import annotations

import re

import pytest

from widgets.core import countries, facts

# un.org/en/about-us/member-states, true since 14 July 2011 (South Sudan, the 193rd).
UN_2011_07_14 = """
AFG ALB DZA AND AGO ATG ARG ARM AUS AUT AZE BHS BHR BGD BRB BLR BEL BLZ BEN BTN BOL BIH
BWA BRA BRN BGR BFA BDI CPV KHM CMR CAN CAF TCD CHL CHN COL COM COG CRI CIV HRV CUB CYP
CZE PRK COD DNK DJI DMA DOM ECU EGY SLV GNQ ERI EST SWZ ETH FJI FIN FRA GAB GMB GEO DEU
GHA GRC GRD GTM GIN GNB GUY HTI HND HUN ISL IND IDN IRN IRQ IRL ISR ITA JAM JPN JOR KAZ
KEN KIR KWT KGZ LAO LVA LBN LSO LBR LBY LIE LTU LUX MDG MWI MYS MDV MLI MLT MHL MRT MUS
MEX FSM MCO MNG MNE MAR MOZ MMR NAM NRU NPL NLD NZL NIC NER NGA MKD NOR OMN PAK PLW PAN
PNG PRY PER PHL POL PRT QAT KOR MDA ROU RUS RWA KNA LCA VCT WSM SMR STP SAU SEN SRB SYC
SLE SGP SVK SVN SLB SOM ZAF SSD ESP LKA SDN SUR SWE CHE SYR TJK THA TLS TGO TON TTO TUN
TUR TKM TUV UGA UKR ARE GBR TZA USA URY UZB VUT VEN VNM YEM ZMB ZWE
""".split()  # noqa: SIM905 (reads as the page lists them)

# un.org/en/about-us/non-member-states, since 29 November 2012 (resolution 67/19).
UN_OBSERVERS_2012_11_29 = ["Holy See", "State of Palestine"]

# interpol.int/en/Who-we-are/Member-countries, as of 1 January 2025: 196 members,
# every UN member but these two, plus these five.
INTERPOL_2025_01_01 = {
    "not": ["North Korea", "Tuvalu"],
    "also": ["State of Palestine", "Holy See", "Aruba", "Curaçao", "Sint Maarten"],
}

# au.int member states, as of 1 January 2025 (the 55th, the Sahrawi Arab
# Democratic Republic, is no row of countries.csv).
AU_2025_01_01 = """Algeria; Angola; Benin; Botswana; Burkina Faso; Burundi; Cabo Verde; Cameroon;
Central African Republic; Chad; Comoros; Congo; Democratic Republic of the Congo;
Côte d'Ivoire; Djibouti; Egypt; Equatorial Guinea; Eritrea; Eswatini; Ethiopia; Gabon;
Gambia; Ghana; Guinea; Guinea-Bissau; Kenya; Lesotho; Liberia; Libya; Madagascar; Malawi;
Mali; Mauritania; Mauritius; Morocco; Mozambique; Namibia; Niger; Nigeria; Rwanda;
São Tomé and Príncipe; Senegal; Seychelles; Sierra Leone; Somalia; South Africa;
South Sudan; Sudan; Tanzania; Togo; Tunisia; Uganda; Zambia; Zimbabwe"""

# asean.org/member-states, as of 26 October 2025 (Timor-Leste admitted that day).
ASEAN_2025_10_26 = """Brunei Darussalam; Cambodia; Indonesia; Lao PDR; Malaysia; Myanmar;
Philippines; Singapore; Thailand; Viet Nam; Timor-Leste"""

# european-union.europa.eu EU countries, true since 1 February 2020.
EU_2020_02_01 = """Austria; Belgium; Bulgaria; Croatia; Cyprus; Czechia; Denmark; Estonia;
Finland; France; Germany; Greece; Hungary; Ireland; Italy; Latvia; Lithuania; Luxembourg;
Malta; Netherlands; Poland; Portugal; Romania; Slovakia; Slovenia; Spain; Sweden"""

# oecd.org members, true since 25 May 2021 (Costa Rica, the 38th). The page writes
# "Korea", which lookup rightly refuses as ambiguous.
OECD_2021_05_25 = """Australia; Austria; Belgium; Canada; Chile; Colombia; Costa Rica;
Czechia; Denmark; Estonia; Finland; France; Germany; Greece; Hungary; Iceland; Ireland;
Israel; Italy; Japan; Republic of Korea; Latvia; Lithuania; Luxembourg; Mexico; Netherlands;
New Zealand; Norway; Poland; Portugal; Slovak Republic; Slovenia; Spain; Sweden;
Switzerland; Türkiye; United Kingdom; United States"""

# The G7's members (the EU takes part but is not counted), as of 1 January 2025.
G7_2025_01_01 = "Canada; France; Germany; Italy; Japan; United Kingdom; United States"

# g20.org: 19 countries plus the European Union and (since 9 September 2023) the
# African Union, as of 1 January 2025.
G20_2025_01_01 = """Argentina; Australia; Brazil; Canada; China; France; Germany; India;
Indonesia; Italy; Japan; Republic of Korea; Mexico; Russia; Saudi Arabia; South Africa;
Türkiye; United Kingdom; United States"""

# apec.org member economies, as of 1 January 2025 (Hong Kong, China and Chinese
# Taipei are economies, not rows of countries.csv).
APEC_2025_01_01 = """Australia; Brunei Darussalam; Canada; Chile; China; Indonesia; Japan;
Republic of Korea; Malaysia; Mexico; New Zealand; Papua New Guinea; Peru; Philippines;
Russia; Singapore; Thailand; United States; Viet Nam"""

# coe.int 46 member states, true since 16 March 2022 (Russia expelled).
COE_2022_03_16 = """Albania; Andorra; Armenia; Austria; Azerbaijan; Belgium;
Bosnia and Herzegovina; Bulgaria; Croatia; Cyprus; Czech Republic; Denmark; Estonia;
Finland; France; Georgia; Germany; Greece; Hungary; Iceland; Ireland; Italy; Latvia;
Liechtenstein; Lithuania; Luxembourg; Malta; Republic of Moldova; Monaco; Montenegro;
Netherlands; North Macedonia; Norway; Poland; Portugal; Romania; San Marino; Serbia;
Slovak Republic; Slovenia; Spain; Sweden; Switzerland; Türkiye; Ukraine; United Kingdom"""

# The CIS's member states as of 1 January 2025: Turkmenistan (associate member),
# Ukraine (never ratified the Charter) and Georgia (left in 2009) are not counted.
CIS_2025_01_01 = """Azerbaijan; Armenia; Belarus; Kazakhstan; Kyrgyzstan; Moldova; Russia;
Tajikistan; Uzbekistan"""

# BRICS members as of 6 January 2025 (Indonesia), as the chairship's FAQ lists them
# (brics.br): Saudi Arabia is listed, though it has not itself confirmed.
BRICS_2025_01_06 = """Brazil; Russia; India; China; South Africa; Saudi Arabia; Egypt; Ethiopia;
Iran; United Arab Emirates; Indonesia"""


# The short names an organisation's own list uses, which munbook always asks about in a
# roster (they could be two countries): read here as the organisation means them.
AS_LISTED = {"Congo": "COG", "Guinea": "GIN", "Sudan": "SDN", "Dominica": "DMA", "Niger": "NER"}


def names(text: str) -> set[str]:
    listed = re.split(r";\s*", text.strip())
    return {AS_LISTED.get(n) or countries.lookup(n).alpha3 for n in listed}


def column(bloc: str) -> set[str]:
    return {c.alpha3 for c in countries.members(bloc)}


def interpol_expected() -> set[str]:
    plain = set(UN_2011_07_14) - names("; ".join(INTERPOL_2025_01_01["not"]))
    return plain | names("; ".join(INTERPOL_2025_01_01["also"]))


EXPECTED = {
    "un": lambda: set(UN_2011_07_14),
    "un_observer": lambda: names("; ".join(UN_OBSERVERS_2012_11_29)),
    "interpol": interpol_expected,
    "au": lambda: names(AU_2025_01_01),
    "asean": lambda: names(ASEAN_2025_10_26),
    "eu": lambda: names(EU_2020_02_01),
    "oecd": lambda: names(OECD_2021_05_25),
    "g7": lambda: names(G7_2025_01_01),
    "g20": lambda: names(G20_2025_01_01),
    "apec": lambda: names(APEC_2025_01_01),
    "coe": lambda: names(COE_2022_03_16),
    "cis": lambda: names(CIS_2025_01_01),
    "brics": lambda: names(BRICS_2025_01_06),
}
COUNTS = {"un": 193, "un_observer": 2, "interpol": 196, "au": 54, "asean": 11, "eu": 27}
COUNTS |= {"oecd": 38, "g7": 7, "g20": 19, "apec": 19, "coe": 46, "cis": 9, "brics": 11}


def test_every_bloc_column_has_an_independent_list():
    assert set(EXPECTED) == set(countries.blocs())


@pytest.mark.parametrize("bloc", sorted(EXPECTED))
def test_bloc_matches_the_organisations_list(bloc: str):
    expected = EXPECTED[bloc]()
    assert len(expected) == COUNTS[bloc]  # the list itself is complete
    got = column(bloc)
    assert not got - expected, f"{bloc}: not members {sorted(got - expected)}"
    assert not expected - got, f"{bloc}: missing {sorted(expected - got)}"


@pytest.mark.parametrize("bloc", sorted(EXPECTED))
def test_every_bloc_has_a_source_and_a_date(bloc: str):
    info = countries.bloc_info()[bloc]
    assert info.url.startswith(("https://", "http://")) and info.publisher and info.title
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", info.as_of), info.as_of


def test_g20_through_the_eu_and_au_never_as_members():
    malta, kenya = countries.lookup("Malta"), countries.lookup("Kenya")
    assert not malta.is_member("g20") and not kenya.is_member("g20")
    assert [(g.key, b.key) for g, b in malta.through()] == [("g20", "eu")]
    assert [(g.key, b.key) for g, b in kenya.through()] == [("g20", "au")]
    # A G20 country in the EU or AU is a member in its own right, not "through".
    for name in ("France", "South Africa"):
        assert countries.lookup(name).through() == []


def test_the_decisions_on_unclear_statuses_are_written_down():
    notes = {k: b.notes for k, b in countries.bloc_info().items()}
    assert {"MDA", "TKM", "UKR", "GEO"} <= set(notes["cis"])
    assert "has not publicly confirmed" in notes["brics"]["SAU"]
    assert "2025" in notes["asean"]["TLS"]
    assert "RUS" in notes["coe"]


# Suspended from the AU as of 1 December 2025 (PSC decisions; Amani Africa's list of
# 12 November 2025 for the first five, the PSC communiqués for Madagascar and Guinea-Bissau).
AU_SUSPENDED_2025_12_01 = {"MLI", "GIN", "SDN", "BFA", "NER", "MDG", "GNB"}


def test_suspended_members_say_so_with_their_source():
    au = countries.bloc_info()["au"]
    assert set(au.suspended) == AU_SUSPENDED_2025_12_01
    for code, held in au.suspended.items():
        assert countries.lookup(code).is_member("au")  # suspended members stay members
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", held.since) and held.publisher and held.title
    mali = {f.value: f for f in facts.profile(countries.lookup("Mali")).facts}
    fact = mali["African Union (suspended since 2021-06-01)"]
    assert fact.source.publisher == "Amani Africa" and "suspended" in fact.note
    gabon = {f.value: f for f in facts.profile(countries.lookup("Gabon")).facts}
    assert "lifted" in gabon["African Union"].note  # no longer suspended: said, not hidden
