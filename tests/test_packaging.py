"""A plain (non-editable) install must carry data/, templates/ and notebooks/."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_ships_data_and_finds_it(tmp_path: Path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    target = tmp_path / "site"
    (wheel,) = wheels.glob("munbook-*.whl")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    probe = (
        "from widgets import settings; from widgets.core import committees, countries;"
        "print(settings.DATA_DIR);"
        "print(committees.load('interpol').acronym, len(countries.members('interpol')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={
            "PYTHONPATH": str(target),
            "MUNBOOK_HOME": str(tmp_path / "home"),
            "PATH": "/usr/bin:/bin",
        },
    ).stdout.splitlines()
    assert out[0] == str(target / "widgets" / "data")
    assert out[1] == "INTERPOL 196"
    assert (target / "widgets" / "templates").is_dir()
    assert (target / "widgets" / "notebooks").is_dir()
