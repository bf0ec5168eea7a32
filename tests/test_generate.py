"""Generating workbooks; store-touching tests run on SQLite and PostgreSQL (`store` fixture)."""

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from widgets import settings
from widgets.exceptions import MunbookError, RosterError
from widgets.store import Store
from widgets.workflows import generate


def files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def test_parameters_are_injected_and_recorded(home: Path, store: Store):
    result = generate.generate("interpol", country_names=["Kenya", "Japan"])
    assert len(result.written) == 2
    kenya = nbformat.read(home / "site" / "workbooks" / "interpol" / "kenya.ipynb", as_version=4)
    tags = [c.metadata.get("tags", []) for c in kenya.cells]
    assert tags[0] == ["parameters"] and tags[1] == ["injected-parameters"]
    params = kenya.metadata.papermill.parameters
    assert params["committee"] == "interpol" and params["country"] == "KEN"
    assert isinstance(params["delegation_id"], int) and params["delegation_id"] > 0
    assert f"delegation_id = {params['delegation_id']}" in kenya.cells[1].source
    assert kenya.metadata.kernelspec.name == "python3"
    nbformat.validate(kenya)


def test_codes_are_created_but_never_written_into_workbooks(home: Path, store: Store):
    result = generate.generate("interpol", country_names=["Kenya"])
    codes = [row.split(",")[-1] for row in result.codes_file.read_text().splitlines()[1:]]
    assert codes
    text = (home / "site" / "workbooks" / "interpol" / "kenya.ipynb").read_text()
    assert not any(code in text for code in codes)


def test_all_members_writes_196_safely_named_files(home: Path, store: Store):
    result = generate.generate("interpol", all_members=True)
    assert len(result.written) == 196 and not result.failed
    names = [p.name for p in (home / "site" / "workbooks" / "interpol").iterdir()]
    assert len(names) == len(set(names)) == 196
    assert all(re.fullmatch(r"[a-z0-9-]+\.ipynb", n) for n in names)
    assert "cote-d-ivoire.ipynb" in names and "curacao.ipynb" in names


def test_idempotent_and_force_rewrites(home: Path, store: Store):
    generate.generate("interpol", country_names=["Kenya", "Japan"])
    path = home / "site" / "workbooks" / "interpol" / "kenya.ipynb"
    before = path.stat().st_mtime_ns
    again = generate.generate("interpol", country_names=["Kenya", "Japan"])
    assert (len(again.written), len(again.unchanged)) == (0, 2)
    assert again.codes_file is None
    assert path.stat().st_mtime_ns == before
    path.write_text(path.read_text().replace('"KEN"', '"XXX"'))
    repaired = generate.generate("interpol", country_names=["Kenya", "Japan"])
    assert [t.country for t in repaired.written] == ["KEN"]
    forced = generate.generate("interpol", country_names=["Kenya", "Japan"], force=True)
    assert len(forced.written) == 2


def test_roster_with_hostile_values_writes_only_inside_home(
    tmp_path: Path, home: Path, store: Store
):
    hostile = tmp_path / "hostile.csv"
    hostile.write_text(
        "delegate,school,committee,country\n"
        '"Robert\'); DROP TABLE delegations;--","../../etc",INTERPOL,Kenya\n'
        '"<script>alert(1)</script>","..\\..\\windows",INTERPOL,Japan\n',
        encoding="utf-8",
    )
    outside_before = files_under(tmp_path) - files_under(home)
    result = generate.generate("interpol", roster_file=hostile)
    assert len(result.written) == 2
    assert files_under(tmp_path) - files_under(home) == outside_before
    for target in result.written:
        assert settings.home() in target.path.parents
    workbook = (home / "site" / "workbooks" / "interpol" / "kenya.ipynb").read_text()
    assert "DROP TABLE" not in workbook  # names live in the store, not in code cells


@pytest.mark.parametrize(
    "value, reason",
    [("Two\nlines", "control characters"), ("x" * 10_000, "10000 characters long")],
)
def test_roster_values_that_cannot_be_names_are_refused(tmp_path: Path, home: Path, value, reason):
    bad = tmp_path / "bad.csv"
    with bad.open("w", newline="") as fh:
        import csv

        csv.writer(fh).writerows(
            [["delegate", "school", "committee", "country"], [value, value, "INTERPOL", "Kenya"]]
        )
    with pytest.raises(RosterError, match=reason):
        generate.generate("interpol", roster_file=bad)
    assert not (home / "site" / "workbooks").exists()


def test_choices_are_checked():
    with pytest.raises(MunbookError, match="exactly one"):
        generate.generate("interpol", all_members=True, country_names=["Kenya"])
    with pytest.raises(MunbookError, match="not members of INTERPOL: North Korea"):
        generate.generate("interpol", country_names=["Kenya", "North Korea"])


def test_execute_runs_real_kernels_and_reports_the_broken_one(tmp_path: Path, home: Path):
    template = nbformat.read(settings.WORKBOOK_TEMPLATE, as_version=4)
    template.cells.append(
        nbformat.v4.new_code_cell(
            'if country == "JPN":\n    raise RuntimeError("broken on purpose")'
        )
    )
    broken = tmp_path / "broken.ipynb"
    nbformat.write(template, broken)
    result = generate.generate(
        "interpol", country_names=["Kenya", "Japan", "Ghana"], execute=True, jobs=2, template=broken
    )
    assert sorted(t.country for t in result.written) == ["GHA", "KEN"]
    [(failed, reason)] = result.failed
    assert failed.country_name == "Japan"
    assert reason == "cell 3 failed: RuntimeError: broken on purpose"
    kenya = json.loads((home / "site" / "workbooks" / "interpol" / "kenya.ipynb").read_text())
    outputs = kenya["cells"][2]["outputs"]
    assert outputs and "application/vnd.jupyter.widget-view+json" in outputs[0]["data"]


def test_injected_once_equals_papermill_for_every_member(home: Path):
    """The reused injection is byte for byte Papermill's own, workbook by workbook."""
    from widgets.core import countries
    from widgets.workflows import workbook_template as wt

    prepared = wt.load(settings.WORKBOOK_TEMPLATE)
    assert prepared.fast
    template = nbformat.read(settings.WORKBOOK_TEMPLATE, as_version=4)
    for delegation_id, country in enumerate(countries.members("interpol"), start=1):
        args = ("interpol", country.alpha3, delegation_id)
        expected = wt.papermill_text(template, *args, wt.title_of(country.name, "interpol"))
        assert prepared.fill(*args, country.name) == expected, country.name
    # values Papermill would escape go through Papermill itself, and agree too
    odd = ('a "quoted" \\ key', "K\u00e9N", 10**20, 'C\u00f4te "d\'Ivoire"\n')
    assert prepared.fill(*odd) == wt.papermill_text(template, *odd[:3], wt.title_of(odd[3], odd[0]))


def test_a_template_holding_a_placeholder_is_filled_by_papermill(tmp_path: Path, home: Path):
    from widgets.workflows import workbook_template as wt

    nb = nbformat.read(settings.WORKBOOK_TEMPLATE, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell(f"not a parameter: {wt.COUNTRY}"))
    odd = tmp_path / "odd.ipynb"
    nbformat.write(nb, odd)
    prepared = wt.load(odd)
    assert not prepared.fast
    text = prepared.fill("interpol", "KEN", 7, "Kenya")
    assert text.count(wt.COUNTRY) == 1 and '"country": "KEN"' in text


def test_the_prepared_template_is_kept_and_a_second_run_needs_no_papermill(home: Path):
    generate.generate("interpol", country_names=["Kenya"])
    kept = list(settings.cache_dir().glob("workbook-template-*.json"))
    assert len(kept) == 1 and kept[0].stat().st_mode & 0o777 == 0o600
    probe = (
        "import sys\nfrom widgets.workflows import generate\n"
        "r = generate.generate('interpol', country_names=['Kenya', 'Japan'], force=True)\n"
        "assert len(r.written) == 2, r.summary()\n"
        "print(sorted({'papermill', 'nbformat', 'jsonschema'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    kept[0].write_text("{damaged")  # a damaged cache is prepared again, not trusted
    again = generate.generate("interpol", country_names=["Japan"], force=True)
    assert len(again.written) == 1 and json.loads(kept[0].read_text())["fast"] is True


def test_a_workbook_run_with_outputs_counts_as_unchanged(home: Path):
    generate.generate("interpol", country_names=["Kenya"])
    path = home / "site" / "workbooks" / "interpol" / "kenya.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[2].outputs = [nbformat.v4.new_output("stream", text="rendered\n")]
    nb.cells[2].execution_count = 1
    path.write_text(nbformat.writes(nb))
    assert generate.generate("interpol", country_names=["Kenya"]).unchanged
    assert "rendered" in path.read_text()  # outputs kept
    path.write_text("{not json")
    assert generate.generate("interpol", country_names=["Kenya"]).written
    assert nbformat.read(path, as_version=4).cells[1].metadata.tags == ["injected-parameters"]


def test_the_shipped_prepared_template_is_papermills_own():
    """data/prepared/ holds what Papermill makes of the template with this code and these versions."""
    from widgets.workflows import workbook_template as wt

    raw = settings.WORKBOOK_TEMPLATE.read_bytes()
    shipped = settings.PREPARED_TEMPLATES_DIR / wt.kept_name(raw)
    if not shipped.exists():
        made_with = [
            json.loads(p.read_text()).get("versions")
            for p in settings.PREPARED_TEMPLATES_DIR.glob("workbook-template-*.json")
        ]
        if made_with and wt._versions() not in made_with:
            pytest.skip(f"shipped for {made_with}, installed {wt._versions()}: Papermill prepares")
        pytest.fail("the shipped template is stale: run scripts/prepare_template.py")
    kept = json.loads(shipped.read_text())
    fresh = wt._prepare(settings.WORKBOOK_TEMPLATE, raw.decode())
    assert kept["fast"] is True and kept["text"] == fresh.text
    # and a new home uses it: no Papermill, the home keeps its own copy
    probe = (
        "import sys\nfrom widgets.workflows import workbook_template as wt\n"
        "from widgets import settings\nwt.load(settings.WORKBOOK_TEMPLATE)\n"
        "print('papermill' in sys.modules, len(list(settings.cache_dir().iterdir())))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "1"]
