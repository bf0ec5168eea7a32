"""The country profile's facts: every one sourced and dated; the committee's fact tables."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from widgets.apps.reading import CountryProfile, topic_html
from widgets.apps.workbook import WorkbookApp
from widgets.core import committees, countries, fact_tables, facts
from widgets.core.times import now
from widgets.exceptions import CommitteeError
from widgets.store import Store

DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
INTERPOL = Path(committees.__file__).parents[2] / "data" / "committees" / "interpol.yaml"


def assert_sourced(fact: facts.Fact) -> None:
    source = fact.source
    where = f"{fact.label}: {fact.value}"
    assert source.publisher.strip() and source.title.strip(), where
    assert DATE.match(source.as_of), f"{where}: no date ({source.as_of!r})"
    assert source.url == "" or source.url.startswith(("https://", "http://")), where
    assert fact.value.strip(), where


def test_every_fact_of_every_profile_has_a_source_and_a_date():
    interpol = committees.load("interpol")
    for country in countries.all_countries():
        profile = facts.profile(country, "en", interpol)
        assert len(profile.instruments) == 4
        for fact in profile.facts + profile.instruments:
            assert_sourced(fact)


def test_a_fact_without_a_date_fails_the_check():
    undated = facts.Fact("Capital", "Nairobi", facts.Source("GeoNames", "x", "", ""))
    with pytest.raises(AssertionError, match="no date"):
        assert_sourced(undated)


def test_profiles_read_right():
    kenya = facts.profile(countries.lookup("Kenya"))
    by_label = {}
    for fact in kenya.facts:
        by_label.setdefault(fact.label, []).append(fact.value)
    assert by_label["Capital"] == ["Nairobi"]
    assert by_label["Official languages"] == ["Swahili, English"]
    bosnia = {f.label: f.value for f in facts.profile(countries.lookup("Bosnia")).facts}
    assert bosnia["Official languages"] == "Bosnian, Croatian, Serbian"  # CLDR lists two scripts
    assert bosnia["Widely spoken"].count("Bosnian") == 1
    assert by_label["Currency"] == ["Kenyan Shilling (KES)"]
    assert by_label["UN member since"] == ["1963"]
    assert "Tanzania" in by_label["Land borders"][0] and "Uganda" in by_label["Land borders"][0]
    assert by_label["Takes part in"] == ["G20: through the African Union"]
    assert "G20" not in by_label["Member of"]
    kazakhstan = {f.label: f for f in facts.profile(countries.lookup("Kazakhstan")).facts}
    assert kazakhstan["Capital"].value == "Astana" and "2022" in kazakhstan["Capital"].note
    holy_see = {f.label: f.value for f in facts.profile(countries.lookup("Holy See")).facts}
    assert holy_see["UN member since"] == "not a member (non-member observer State)"


def test_names_in_the_committees_language():
    kyrgyzstan = facts.profile(countries.lookup("Kyrgyzstan"), "es")
    assert kyrgyzstan.name == "Kirguistán"
    borders = next(f.value for f in kyrgyzstan.facts if f.label == "Land borders")
    assert "Kazajistán" in borders


def test_cldr_source_is_dated_for_the_installed_babel():
    # Upgrading Babel fails here until data/sources.yaml says when its CLDR shipped.
    assert DATE.match(facts.cldr_source().as_of)


def test_interpol_fact_tables_answer_their_prompts():
    interpol = committees.load("interpol")
    assert [t.key for t in interpol.facts] == ["budapest", "medicrime", "afripol", "aseanapol"]
    malta = dict((t.key, r) for t, r in interpol.fact_rows("MLT"))
    assert malta["budapest"].values == {"signed": "yes", "ratified": "yes"}
    assert malta["afripol"].values == {"member": "no"}
    kenya = dict((t.key, r) for t, r in interpol.fact_rows("KEN"))
    assert kenya["afripol"].values == {"member": "yes"}
    assert kenya["budapest"].values == {"signed": "unknown", "ratified": "unknown"}
    assert [t.key for t, _ in interpol.facts_for_prompt("B", 3, "KEN")] == ["budapest"]
    page = topic_html(interpol.topics[1], interpol, countries.lookup("Malta"))
    assert "Budapest Convention on Cybercrime" in page and "ratified or acceded: yes" in page


def write_committee(tmp_path: Path, csv_text: str | bytes, **changes: str) -> Path:
    text = INTERPOL.read_text(encoding="utf-8")
    for old, new in changes.items():
        text = text.replace(old, new)
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "interpol.yaml"
    path.write_text(text, encoding="utf-8")
    folder = tmp_path / "interpol"
    folder.mkdir()
    for name in ("medicrime", "afripol", "aseanapol"):
        (folder / f"{name}.csv").write_bytes(
            (INTERPOL.parent / "interpol" / f"{name}.csv").read_bytes()
        )
    data = csv_text.encode() if isinstance(csv_text, str) else csv_text
    (folder / "budapest.csv").write_bytes(data)
    return path


def test_bad_fact_table_rows_are_named_by_line_and_field(tmp_path: Path):
    rows = (
        "country,signed,ratified,date,source,note\n"
        "Kenya,yes,maybe,,,\n"
        "Atlantis,yes,yes,,,\n"
        "Malta,yes,yes,12 April 2012,,\n"
        "Peru,n/a,yes,,ftp://x,\n"
        "Japan,yes,yes,2012-07-03,,\n"
        "JPN,no,no,,,\n"
    )
    with pytest.raises(CommitteeError) as caught:
        committees.check_file(write_committee(tmp_path, rows))
    problems = "\n".join(caught.value.problems)
    assert (
        "interpol/budapest.csv line 2: ratified: must be one of yes, no, unknown, n/a" in problems
    )
    assert "line 3: country: unknown country 'Atlantis'" in problems
    assert "line 4: date: must be a date like 2025-01-31" in problems
    assert "line 5: source: must be a web address" in problems
    assert "line 7: country: JPN has a row already" in problems
    assert len(caught.value.problems) == 5


def test_fact_table_limits_and_columns(tmp_path: Path):
    header = "country,signed,ratified,date,source,note\n"
    big = header + "x" * fact_tables.MAX_BYTES
    with pytest.raises(CommitteeError, match=f"at most {fact_tables.MAX_BYTES} bytes"):
        committees.check_file(write_committee(tmp_path / "a", big))
    many = header + "Kenya,yes,yes,,,\n" * (fact_tables.MAX_ROWS + 1)
    with pytest.raises(CommitteeError, match=f"more than {fact_tables.MAX_ROWS} rows"):
        committees.check_file(write_committee(tmp_path / "b", many))
    at_limit = header + "Kenya,yes,yes,,,\n" + "\n" * (fact_tables.MAX_ROWS - 1)
    committees.check_file(write_committee(tmp_path / "c", at_limit))
    with pytest.raises(CommitteeError, match="the columns must be country,signed,ratified"):
        committees.check_file(write_committee(tmp_path / "d", "country,ratified\nKenya,yes\n"))
    with pytest.raises(CommitteeError, match="not UTF-8"):
        committees.check_file(write_committee(tmp_path / "e", b"\xff\xfe"))


def test_a_table_must_answer_real_prompts(tmp_path: Path):
    path = write_committee(
        tmp_path,
        "country,signed,ratified,date,source,note\n",
        **{"answers: [B.4]": "answers: [B.40]"},
    )
    with pytest.raises(CommitteeError, match=r"facts budapest: answers B\.40: no such prompt"):
        committees.check_file(path)


def test_missing_rows_are_unknown(tmp_path: Path):
    path = write_committee(tmp_path, "country,signed,ratified,date,source,note\n")
    committee = committees.check_file(path)
    row = dict((t.key, r) for t, r in committee.fact_rows("JPN"))["budapest"]
    assert row.values == {"signed": "unknown", "ratified": "unknown"}


def test_add_to_sources_saves_once(store: Store):
    db = store
    delegation = db.add_delegation("interpol", "MLT", "Ella Borg", "St Aloysius")
    app = WorkbookApp(
        db, db.delegation(delegation), committees.load("interpol"), countries.lookup("Malta")
    )
    profile = app.profile
    assert isinstance(profile, CountryProfile) and profile.profile is None  # built when opened
    app.reading.selected_index = len(app.reading.children) - 1
    card = profile.children[0].value
    assert "G20: through the European Union" in card and "OECD" not in card
    eu = next(s for s in profile.profile.sources if s.publisher == "European Union")
    assert profile.add(eu) and not profile.add(eu)  # the second click adds nothing
    app.save_now()
    saved = db.latest_draft(delegation).content["sources"]
    assert [s["title"] for s in saved] == ["EU countries"]
    assert saved[0]["url"].startswith("https://european-union.europa.eu/")
    today = app.zone.bare(now(), "%Y-%m-%d")  # the day it was added, not the data's date
    assert saved[0]["accessed"] == today != eu.as_of
    index = profile.profile.sources.index(eu)
    assert (
        profile.buttons[index].disabled and profile.buttons[index].description == "In your sources"
    )
    reopened = WorkbookApp(
        db, db.delegation(delegation), committees.load("interpol"), countries.lookup("Malta")
    )
    reopened.profile.show()
    assert reopened.profile.buttons[index].disabled


def test_the_kernel_loads_babel_only_for_the_profile():
    probe = (
        "import sys, widgets.apps.workbook, widgets.core.facts;"
        "print('babel' in sys.modules, 'pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True)
    assert out.stdout.split() == ["False", "False"]
