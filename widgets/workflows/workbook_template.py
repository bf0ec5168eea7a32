"""The workbook template with Papermill's parameters injected once, reused for every delegation.

Papermill (``prepare_only``) injects the template's parameters once, with
placeholder values, and nbformat serialises the result: a text with
placeholders. A delegation's workbook is that text with its own values put in,
byte for byte what Papermill and nbformat write for that delegation
(tests/test_generate.py compares the two), in microseconds instead of a few
milliseconds. That holds for values Papermill writes verbatim both in the
Python cell and in the JSON metadata: a committee key and an ISO code made of
letters, digits, ``-`` and ``_``, and an integer id. Any other value, or a
template where a placeholder does not land exactly where the parameters go,
goes through Papermill in full (``papermill_text``).

The prepared text is kept in home()/cache, keyed by the template's bytes, this
module's code and the versions of Papermill, nbformat and black (Papermill
formats the cell with it when installed): a later run imports neither
Papermill nor nbformat. munbook also ships its own template prepared that way
(``settings.PREPARED_TEMPLATES_DIR``, made by scripts/prepare_template.py under
the same key), so a new home's first ``generate`` needs neither either; with
other versions installed the key differs and Papermill prepares it as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
from dataclasses import dataclass
from functools import cached_property
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from .. import settings
from ..exceptions import MunbookError

KERNEL = "python3"
# Placeholders that Papermill's translator and JSON both write as they are.
COMMITTEE, COUNTRY, TITLE = "munbookCommittee7f3a", "MUNBOOKCOUNTRY7F3A", "munbookTitle7f3a"
DELEGATION_ID = 7_303_186_180_457_331
# Where each one lands: the injected cell and metadata.papermill.parameters; the title once.
EXPECTED = {COMMITTEE: 2, COUNTRY: 2, str(DELEGATION_ID): 2, TITLE: 1}
_MARKS = re.compile("|".join(re.escape(mark) for mark in EXPECTED))
_VERBATIM = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _versions() -> str:
    found = []
    for name in ("papermill", "nbformat", "black"):
        try:
            found.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            found.append(f"{name}=none")
    return ",".join(found)


def papermill_text(
    template: Any, committee: str, country: str, delegation_id: int, title: str
) -> str:
    """The workbook's JSON text from Papermill itself (``template``: an nbformat notebook)."""
    import nbformat
    import papermill

    logging.getLogger("papermill").setLevel(logging.WARNING)
    nb = papermill.execute_notebook(
        template,
        None,  # papermill writes nothing; the caller decides whether the file changed
        parameters={"committee": committee, "country": country, "delegation_id": delegation_id},
        prepare_only=True,
        kernel_name=KERNEL,
        language="python",
        progress_bar=False,
        log_output=False,
    )
    nb.metadata.kernelspec = {"name": KERNEL, "display_name": "Python 3", "language": "python"}
    nb.metadata.papermill.pop("input_path", None)
    nb.metadata.papermill.pop("output_path", None)
    nb.metadata.title = title
    for index, cell in enumerate(nb.cells):
        # Stable ids keep a regenerated workbook byte-identical.
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"
        elif not cell.get("id"):
            cell.id = f"cell-{index}"
    return nbformat.writes(nb) + "\n"


def title_of(country_name: str, committee: str) -> str:
    return f"{country_name} · {committee.upper()}"


@dataclass
class WorkbookTemplate:
    """A template ready to fill: ``text`` has the placeholders, unless ``fast`` is False."""

    source: str  # the template notebook's JSON
    text: str
    fast: bool

    @cached_property
    def notebook(self) -> Any:
        import nbformat

        return nbformat.reads(self.source, as_version=4)

    def fill(self, committee: str, country: str, delegation_id: int, country_name: str) -> str:
        """This delegation's workbook text (see the module docstring)."""
        title = title_of(country_name, committee)
        plain = (
            _VERBATIM.fullmatch(committee)
            and _VERBATIM.fullmatch(country)
            and type(delegation_id) is int
        )
        if not (self.fast and plain):
            return papermill_text(self.notebook, committee, country, delegation_id, title)
        values = {
            COMMITTEE: committee,
            COUNTRY: country,
            str(DELEGATION_ID): str(delegation_id),
            TITLE: json.dumps(title, ensure_ascii=False)[1:-1],  # inside a JSON string
        }
        # One pass: a value put in is never scanned again.
        return _MARKS.sub(lambda match: values[match.group()], self.text)


def load(path: Path) -> WorkbookTemplate:
    """The template at ``path``, prepared (from the cache when this template was seen before)."""
    try:
        raw = path.read_bytes()
        source = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MunbookError(f"cannot read the workbook template {path}: {exc}") from None
    name = kept_name(raw)
    cache = settings.cache_dir() / name
    prepared = _kept(cache, source)
    if prepared:
        return prepared
    prepared = _kept(settings.PREPARED_TEMPLATES_DIR / name, source) or _prepare(path, source)
    with contextlib.suppress(OSError):  # a read-only home costs the next run the same work
        settings.write_private(cache, _kept_text(prepared))
    return prepared


def kept_name(raw: bytes) -> str:
    """The prepared template's file name: the template, this code and the versions it depends on."""
    key = hashlib.sha256(raw + Path(__file__).read_bytes() + _versions().encode()).hexdigest()
    return f"workbook-template-{key[:24]}.json"


def _kept(file: Path, source: str) -> WorkbookTemplate | None:
    try:
        kept = json.loads(file.read_text(encoding="utf-8"))
        return WorkbookTemplate(source, kept["text"], kept["fast"] is True)
    except (OSError, ValueError, KeyError, TypeError):
        return None  # not prepared yet (or a damaged file): prepare it again


def _kept_text(prepared: WorkbookTemplate) -> str:
    return json.dumps({"text": prepared.text, "fast": prepared.fast, "versions": _versions()})


def ship(path: Path, folder: Path) -> Path:
    """Prepare ``path`` with Papermill into ``folder`` (replacing older ones); the file written."""
    raw = path.read_bytes()
    for old in folder.glob("workbook-template-*.json"):
        old.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / kept_name(raw)
    file.write_text(_kept_text(_prepare(path, raw.decode("utf-8"))) + "\n", encoding="utf-8")
    return file


def _prepare(path: Path, source: str) -> WorkbookTemplate:
    import nbformat

    try:
        template = nbformat.reads(source, as_version=4)
    except (ValueError, nbformat.ValidationError) as exc:
        raise MunbookError(f"cannot read the workbook template {path}: {exc}") from None
    text = papermill_text(template, COMMITTEE, COUNTRY, DELEGATION_ID, TITLE)
    fast = all(text.count(mark) == count for mark, count in EXPECTED.items())
    prepared = WorkbookTemplate(source, text, fast)
    prepared.__dict__["notebook"] = template  # already parsed: the slow path needs no re-read
    return prepared
