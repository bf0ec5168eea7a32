"""Packaging: what a plain install carries, and the dependencies pinned to what was tested.

A plain (non-editable) install must carry data/, templates/ and notebooks/. The
Jupyter stack munbook subclasses, patches or reaches into is capped in
pyproject.toml below the next major, the lock (requirements.lock, `make lock`) has
the exact versions tested, and environment.yml names the same packages as
pyproject.toml.
"""

import ast
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"

# Distributions munbook subclasses, patches or reaches into the internals of.
JUPYTER_STACK = [
    "ipykernel",
    "voila",
    "jupyter_server",
    "jupyter_client",
    "jupyter_core",
    "comm",
    "nbconvert",
    "nbclient",
    "ipywidgets",
    "traitlets",
    "pyzmq",
    "tornado",
    "jinja2",
    "papermill",
    "nbformat",
    "jupyterlab",
]


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def declared() -> dict[str, Requirement]:
    """Every requirement of pyproject.toml, runtime and extras, by normalised name."""
    meta = project()
    lines = meta["dependencies"] + [r for rs in meta["optional-dependencies"].values() for r in rs]
    return {canonicalize_name(r.name): r for r in map(Requirement, lines)}


def runtime() -> dict[str, Requirement]:
    return {canonicalize_name(r.name): r for r in map(Requirement, project()["dependencies"])}


def pins() -> dict[str, str]:
    """The lock's exact versions by normalised name (`name[extra]==version` lines)."""
    found = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        req = Requirement(line)
        (spec,) = req.specifier
        assert spec.operator == "==", f"requirements.lock: {line!r} is not an exact pin"
        found[canonicalize_name(req.name)] = spec.version
    return found


def next_major(version: str) -> Version:
    """The next breaking release: the next major, or for 0.x the next minor."""
    v = Version(version)
    return Version(f"{v.major + 1}") if v.major else Version(f"0.{v.minor + 1}")


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


def test_installed_jupyter_stack_is_the_locked_one():
    locked = pins()
    wrong = []
    for name in JUPYTER_STACK:
        pin = locked.get(canonicalize_name(name))
        assert pin, f"{name} is not pinned in requirements.lock"
        installed = metadata.version(name)
        if Version(installed) != Version(pin):
            wrong.append(f"{name}: installed {installed}, requirements.lock pins {pin}")
    assert not wrong, "not the versions tested (make install):\n" + "\n".join(wrong)


def test_jupyter_stack_capped_below_next_major():
    locked, reqs = pins(), runtime()
    for name in JUPYTER_STACK:
        req = reqs.get(canonicalize_name(name))
        assert req, f"{name} is not a dependency in pyproject.toml"
        pin = locked[canonicalize_name(name)]
        caps = [Version(s.version) for s in req.specifier if s.operator == "<"]
        assert caps, f"{name}: no upper bound in pyproject.toml ({req})"
        assert req.specifier.contains(pin), f"{name}: {req} excludes the locked {pin}"
        assert caps == [next_major(pin)], (
            f"{name}: {req} should stop below {next_major(pin)}, the next major after {pin}"
        )


def test_lock_covers_every_declared_dependency():
    locked = pins()
    missing = sorted(set(declared()) - set(locked))
    assert not missing, f"declared in pyproject.toml but not in requirements.lock: {missing}"
    for name, req in declared().items():
        assert req.specifier.contains(locked[name], prereleases=True), (
            f"requirements.lock pins {name}=={locked[name]}, outside pyproject.toml's {req}"
        )


def conda_requirements() -> dict[str, str]:
    """environment.yml's packages (conda-forge and pip) by normalised name: their bounds."""
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    found = {}
    for entry in env["dependencies"]:
        lines = entry["pip"] if isinstance(entry, dict) else [entry]
        for line in lines:
            if line.startswith("-e ") or line.split(">")[0].split("=")[0] in ("python", "pip"):
                continue
            req = Requirement(line)
            found[canonicalize_name(req.name)] = str(req.specifier)
    return found


def test_environment_yml_names_pyprojects_packages():
    conda = conda_requirements()
    ours = {name: str(req.specifier) for name, req in declared().items()}
    assert sorted(set(ours) - set(conda)) == [], "in pyproject.toml, not in environment.yml"
    assert sorted(set(conda) - set(ours)) == [], "in environment.yml, not in pyproject.toml"
    differ = {n: (ours[n], conda[n]) for n in ours if ours[n] != conda[n]}
    assert not differ, f"bounds differ (pyproject.toml, environment.yml): {differ}"


def third_party_imports() -> set[str]:
    """Top-level modules imported anywhere under widgets/, the standard library left out."""
    names = set()
    for path in (ROOT / "widgets").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"widgets", "__future__"}


def test_every_module_widgets_imports_is_declared():
    dists = metadata.packages_distributions()
    ours = declared()
    undeclared = {}
    for module in sorted(third_party_imports()):
        owners = {canonicalize_name(d) for d in dists.get(module, [])}
        assert owners, f"widgets/ imports {module}, which no installed distribution provides"
        if not owners & set(ours):
            undeclared[module] = sorted(owners)
    assert not undeclared, f"imported by widgets/, not declared in pyproject.toml: {undeclared}"
