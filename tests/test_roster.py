import csv
import stat
from pathlib import Path

import pytest

from widgets.exceptions import RosterError
from widgets.store import Store
from widgets.workflows import roster

GOOD = "Delegate,School,Committee,Country\nWanjiru Kamau,Nairobi Academy,INTERPOL,Kenya\nChen Wei,SAS,interpol,Singapore\n"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def codes_in(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize(
    "name, data",
    [
        ("utf8.csv", GOOD.encode("utf-8")),
        ("bom.csv", GOOD.encode("utf-8-sig")),
        ("excel.csv", GOOD.replace(",", ";").encode("utf-8-sig")),
        ("excel_sep.csv", ("sep=;\n" + GOOD.replace(",", ";")).encode("cp1252")),
        (
            "upper.csv",
            GOOD.replace(
                "Delegate,School,Committee,Country", "DELEGATE , school,COMMITTEE,country"
            ).encode(),
        ),
        ("tabs.csv", GOOD.replace(",", "\t").encode()),
    ],
)
def test_reads_the_formats_people_export(tmp_path: Path, name: str, data: bytes):
    rows = roster.parse(data, name)
    assert [(r.country, r.delegate) for r in rows] == [
        ("KEN", "Wanjiru Kamau"),
        ("SGP", "Chen Wei"),
    ]


def test_latin1_export_keeps_every_accent(tmp_path: Path):
    data = "delegate;school;committee;country\nAna Sofía Ramírez;Colegio Núñez;INTERPOL;México\n"
    rows = roster.parse(data.encode("latin-1"))
    assert rows[0].delegate == "Ana Sofía Ramírez" and rows[0].school == "Colegio Núñez"
    assert rows[0].country == "MEX"


def test_two_delegate_columns_make_a_double_delegation():
    data = b"Delegate 1,Delegate 2,Committee,Country\nAna,Luis,INTERPOL,Peru\n"
    assert roster.parse(data)[0].delegate == "Ana & Luis"


def test_import_creates_delegations_and_codes_once(tmp_path: Path, home: Path, store: Store):
    path = write(tmp_path, "r.csv", GOOD.encode())
    result = roster.import_roster(path)
    assert len(result.created) == 2
    assert result.codes_file.parent == home.resolve() / "access"
    assert stat.S_IMODE(result.codes_file.stat().st_mode) == 0o600
    codes = codes_in(result.codes_file)
    roles = sorted(c["role"] for c in codes)
    assert roles == ["advisor", "advisor", "chair", "delegate", "delegate", "secretariat"]
    assert sorted(result.school_files) == ["Nairobi Academy", "SAS"]
    kenya = store.find_delegation("interpol", "KEN")
    kenya_code = next(c["code"] for c in codes if c["country"] == "Kenya")
    assert store.check_code(kenya_code, "delegate", "interpol", kenya.id)
    chair_code = next(c["code"] for c in codes if c["role"] == "chair")
    assert store.check_code(chair_code, "chair", "interpol")

    again = roster.import_roster(path)
    assert (len(again.created), len(again.updated), len(again.unchanged)) == (0, 0, 2)
    assert again.codes_file is None
    assert store.check_code(kenya_code, "delegate", "interpol", kenya.id)
    assert len(list((home / "access").rglob("codes-*.csv"))) == 3  # secretariat + 2 schools


def test_a_corrected_spelling_updates_and_keeps_the_code(tmp_path: Path, store: Store):
    first = roster.import_roster(write(tmp_path, "a.csv", GOOD.encode()))
    code = next(c["code"] for c in codes_in(first.codes_file) if c["country"] == "Kenya")
    respelled = GOOD.replace("Wanjiru Kamau", " wanjirú   KAMAU").replace(
        "Nairobi Academy", "NAIROBI ACADEMY"
    )
    second = roster.import_roster(write(tmp_path, "b.csv", respelled.encode()))
    assert [r.country for r in second.updated] == ["KEN"] and not second.reassigned
    assert second.codes_file is None  # same person, same school: no new code
    kenya = store.find_delegation("interpol", "KEN")
    assert (kenya.delegate, kenya.school) == ("wanjirú   KAMAU", "NAIROBI ACADEMY")
    assert store.check_code(code, "delegate", "interpol", kenya.id)


def test_every_bad_row_is_reported_and_nothing_imported(
    tmp_path: Path, files: Path, home: Path, store: Store
):
    path = files / "roster_bad_rows.csv"
    with pytest.raises(RosterError) as caught:
        roster.import_roster(path)
    problems = caught.value.problems
    assert "line 3: unknown committee 'UNSC'; known committees: interpol" in problems
    assert any(
        p.startswith("line 4: unknown country 'Keyna': did you mean Kenya") for p in problems
    )
    assert "line 6: Kenya is assigned twice in interpol (also line 2)" in problems
    assert "line 7: no delegate name" in problems
    assert "line 8: North Korea is not a member of INTERPOL" in problems
    assert any(p.startswith("line 9: delegate contains control characters") for p in problems)
    assert len(problems) == 6
    assert store.delegations() == []
    assert not (home / "access").exists()


def test_missing_columns_and_empty_files(tmp_path: Path):
    with pytest.raises(RosterError, match="line 1: no column for committee"):
        roster.parse(b"name,country\nAna,Peru\n")
    with pytest.raises(RosterError, match="empty"):
        roster.parse(b"")
    with pytest.raises(RosterError, match="no delegations"):
        roster.parse(b"delegate,committee,country\n\n")
