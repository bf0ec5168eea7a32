"""The analysis notebooks run on the demo data (real kernels) and become HTML/PDF reports."""

from __future__ import annotations

import io
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from widgets.cli import main
from widgets.exceptions import MunbookError
from widgets.settings import CHROMIUM
from widgets.workflows import demo
from widgets.workflows.report import run_report


@pytest.fixture
def demo_store(home: Path):
    made = demo.prepare()
    return made


def outputs(nb_path: Path) -> str:
    nb = nbformat.read(nb_path, as_version=4)
    return "\n".join(
        str(o.get("data", {}).get("text/html", "")) + str(o.get("text", ""))
        for cell in nb.cells
        if cell.cell_type == "code"
        for o in cell.outputs
    )


def test_chair_analysis_runs_on_the_demo(demo_store, home: Path):
    report = run_report("chair", "INTERPOL")
    shown = outputs(report.notebook)
    assert "INTERPOL:" in shown and "Kenya" in shown and "<table" in shown
    assert "image/png" in report.notebook.read_text()  # the plots were drawn
    assert (home / "reports" / "interpol-chair-tables.xlsx").exists()
    html = report.path.read_text()
    assert report.path.suffix == ".html" and "Who needs a reminder" in html
    assert "tables.collection_table" not in html  # inputs hidden: a report, not code


def test_advisor_analysis_for_one_school(demo_store, home: Path):
    report = run_report("advisor", school="Colegio Vista Hermosa")
    shown = outputs(report.notebook)
    assert "3 delegations" in shown and "Mexico" in shown and "Ghana" not in shown
    assert list((home / "reports").glob("progress-colegio-vista-hermosa.xlsx"))


def test_a_failing_cell_is_reported_plainly(demo_store, tmp_path: Path):
    broken = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('committee = "interpol"')
    params.metadata.tags = ["parameters"]
    broken.cells = [params, nbformat.v4.new_code_cell("1 / 0")]
    path = tmp_path / "broken.ipynb"
    nbformat.write(broken, path)
    with pytest.raises(MunbookError, match="ZeroDivisionError"):
        run_report("chair", "interpol", notebook=path)


def test_report_command_and_its_errors(demo_store):
    runner = CliRunner()
    result = runner.invoke(main, ["report", "--kind", "chair"], prog_name="munbook")
    assert result.exit_code == 2 and "a chair report needs --committee" in result.output
    result = runner.invoke(main, ["report", "--committee", "interpol"], prog_name="munbook")
    assert result.exit_code == 0, result.output
    assert "report: " in result.output and ".html" in result.output


def test_pdf_report_with_debian_chromium(demo_store):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (scripts/system-packages installs it)")
    report = run_report("chair", "interpol", to="pdf")
    reader = PdfReader(io.BytesIO(report.path.read_bytes()))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Chair analysis" in text and "Kenya" in text
