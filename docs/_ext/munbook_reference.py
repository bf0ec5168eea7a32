"""Reference tables generated from munbook's code, so the docs cannot fall behind it.

Directives (each renders a table when the docs are built):

- ``munbook-environment``: every ``MUNBOOK_*`` name the code under widgets/ reads or sets;
- ``munbook-limits``: the constants of a module (``:module: widgets.core.limits``);
- ``munbook-upstream``: widgets/upstream.py's PATCHES;
- ``munbook-committee-schema``: the committee file's fields, from the pydantic models;
- ``munbook-files``: the folders and files munbook writes (widgets/settings.py), their modes.

A name the code has and this file does not describe, or the other way round, is a
warning, and ``make docs`` turns warnings into errors.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import os
import re
import tokenize
from pathlib import Path
from typing import ClassVar

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

ROOT = Path(__file__).resolve().parents[2]
WIDGETS = ROOT / "widgets"
log = logging.getLogger(__name__)

# What each MUNBOOK_* variable does. Defaults and bounds are read from settings below.
ENVIRONMENT = {
    "MUNBOOK_HOME": ("you", "The folder munbook writes everything into; default `outputs/`."),
    "MUNBOOK_DB": (
        "you",
        "The store's URL, e.g. `postgresql://user:pass@host/munbook`; default a SQLite file in the home.",
    ),
    "MUNBOOK_PUBLIC_URL": (
        "you",
        "The address people open, in every link of code files, mail merge and slips; default `{DEFAULT_PUBLIC_URL}`, at most {MAX_PUBLIC_URL} characters (`--public-url`).",
    ),
    "MUNBOOK_MAX_KERNELS": (
        "you",
        "Kernels one server runs at once (`--max-kernels`); default: half the available memory at {KERNEL_MB} MB each, {MAX_KERNELS} where it cannot be read.",
    ),
    "MUNBOOK_POOL": (
        "you",
        "Preheated kernels for the entry page (`--pool`), 0 to {POOL_MAX}; default {POOL} or a quarter of the cap.",
    ),
    "MUNBOOK_SPARE": (
        "you",
        "Preheated kernels a worker keeps for a dead worker's pages (`--spare`), 0 to {POOL_MAX}; default {SPARE}.",
    ),
    "MUNBOOK_GATE_TIMEOUT": (
        "you",
        "Seconds a page waits for its code before freeing its kernel (`--gate-timeout`); default {GATE_TIMEOUT:g}.",
    ),
    "MUNBOOK_IDLE_TIMEOUT": (
        "you",
        "Seconds a kernel whose browser has gone is kept; default {IDLE_TIMEOUT}.",
    ),
    "MUNBOOK_KERNEL_MEMORY_MB": (
        "you",
        "MB of data one served kernel may hold (`RLIMIT_DATA`); default {KERNEL_MEMORY_MB}.",
    ),
    "MUNBOOK_SERVER_URL": (
        "munbook serve",
        "The server's own address, handed to its kernels (a preheated kernel asks it for its request).",
    ),
    "MUNBOOK_WORKER": (
        "munbook serve",
        "Not a variable: the cookie HAProxy sets to keep a page on its worker.",
    ),
    "MUNBOOK_WORKER_NAME": ("munbook serve", "A worker's own name under `serve --workers`."),
    "MUNBOOK_WORKER_PEERS": (
        "munbook serve",
        "Every worker's name and address under `serve --workers`.",
    ),
    "MUNBOOK_RESTARTED": (
        "munbook serve",
        "Set for a worker the supervisor restarted: its pool waits for an idle core.",
    ),
    "MUNBOOK_SANDBOX_MEMORY": (
        "munbook",
        "The Typst worker's address-space limit, from its parent.",
    ),
    "MUNBOOK_SANDBOX_SECONDS": ("munbook", "The Typst worker's time limit, from its parent."),
}

# Constants without a comment of their own in the code.
CONSTANTS = {
    "SECTION_CHARS": "characters in one section",
    "SECTION_WORDS": "words in one section",
    "PAPER_CHARS": "characters in the whole paper (sections and disclosure)",
    "PAPER_WORDS": "words in the whole paper",
    "NOTE_CHARS": "characters in one research note",
    "DISCLOSURE_CHARS": "characters in the AI-use disclosure",
    "SOURCES": "sources in one paper",
    "SOURCE_FIELD_CHARS": "characters in one field of a source",
    "URL_CHARS": "characters in a source's URL",
    "WORKS_CITED_CHARS": "characters of the works cited (every source at its longest)",
    "RENDER_SECONDS": "seconds one Typst compile may take",
}


def table(head: list[str], rows: list[list[str]], directive: SphinxDirective) -> list[nodes.Node]:
    """A docutils table; cells are MyST inline markdown."""
    group = nodes.tgroup(cols=len(head))
    group += [nodes.colspec(colwidth=1) for _ in head]
    thead, tbody = nodes.thead(), nodes.tbody()
    for target, cells in ((thead, [head]), (tbody, rows)):
        for cells_row in cells:
            row = nodes.row()
            for cell in cells_row:
                entry = nodes.entry()
                text, _ = directive.parse_inline(str(cell), lineno=directive.lineno)
                entry += nodes.paragraph("", "", *text)
                row += entry
            target += row
    group += [thead, tbody]
    return [nodes.table("", group, classes=["munbook-generated"])]


def _variables() -> dict[str, list[str]]:
    """Every MUNBOOK_* name in widgets/, with the modules it appears in."""
    found: dict[str, list[str]] = {}
    for path in sorted(WIDGETS.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        names = set(re.findall(r"(?<![A-Z_])MUNBOOK_[A-Z_]*[A-Z]", text))
        if 'f"MUNBOOK_{name}"' in text:  # serve hands its options to kernels by name
            names |= {f"MUNBOOK_{n}" for n in re.findall(r'"([A-Z][A-Z_]+)": ', text)}
        for name in names:
            found.setdefault(name, []).append(path.relative_to(ROOT).as_posix())
    return found


class Environment(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        settings = importlib.import_module("widgets.settings")
        values = {n: getattr(settings, n) for n in dir(settings) if n.isupper()}
        values |= vars(importlib.import_module("widgets._serving"))
        found = _variables()
        for name in sorted(set(found) - set(ENVIRONMENT)):
            log.warning(f"{name} ({', '.join(found[name])}) is not described in docs/_ext")
        for name in sorted(set(ENVIRONMENT) - set(found)):
            log.warning(f"{name} is described in docs/_ext but no code under widgets/ uses it")
        rows = [
            [f"`{name}`", who, text.format(**values), ", ".join(f"`{p}`" for p in found[name])]
            for name, (who, text) in ENVIRONMENT.items()
            if name in found
        ]
        return table(["variable", "set by", "what it does", "read in"], rows, self)


def _comments(path: Path) -> tuple[dict[int, str], set[int]]:
    """Each line's comment by line number, and the lines that hold only a comment."""
    lines = path.read_text(encoding="utf-8").splitlines()
    with path.open(encoding="utf-8") as fh:
        said = {
            t.start[0]: t.string.lstrip("# ").strip()
            for t in tokenize.generate_tokens(fh.readline)
            if t.type == tokenize.COMMENT
        }
    alone = {n for n in said if lines[n - 1].lstrip().startswith("#")}
    return said, alone


def _described(node: ast.Assign, said: dict[int, str], alone: set[int]) -> str:
    """A constant's comment: on its line (and the comment lines after it), or just above it."""
    if node.lineno in said and node.lineno not in alone:
        parts, line = [said[node.lineno]], (node.end_lineno or node.lineno) + 1
        while line in alone:
            parts.append(said[line])
            line += 1
        return " ".join(parts)
    parts, line = [], node.lineno - 1
    while line in alone:
        parts.insert(0, said[line])
        line -= 1
    return " ".join(parts)


class Limits(SphinxDirective):
    option_spec: ClassVar = {"module": lambda text: text.strip()}

    def run(self) -> list[nodes.Node]:
        name = self.options.get("module", "widgets.core.limits")
        module = importlib.import_module(name)
        path = Path(inspect.getfile(module))
        said, alone = _comments(path)
        rows = []
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if not isinstance(node, ast.Assign) or not isinstance(node.targets[0], ast.Name):
                continue
            const = node.targets[0].id
            value = getattr(module, const)
            if not const.isupper() or not isinstance(value, int | float | tuple):
                continue
            text = _described(node, said, alone) or CONSTANTS.get(const, "")
            if not text:
                log.warning(f"{name}.{const} has no comment and no description in docs/_ext")
            shown = f"{value:,}" if isinstance(value, int) else f"{value}"
            rows.append([f"`{const}`", shown, text])
        return table(["name", "value", "what it bounds"], rows, self)


class Upstream(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        upstream = importlib.import_module("widgets.upstream")
        rows = [[f"`{p.target}`", p.how, f"`widgets.{p.where}`", p.why] for p in upstream.PATCHES]
        intro = nodes.paragraph(text=f"Tested on {upstream.TESTED}.")
        return [intro, *table(["upstream name", "how", "where", "why"], rows, self)]


def _type(spec: dict) -> str:
    if "$ref" in spec:
        return spec["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in spec:
        return " or ".join(_type(s) for s in spec["anyOf"])
    if "enum" in spec:
        return "one of " + ", ".join(f"`{v}`" for v in spec["enum"])
    if "const" in spec:
        return f"`{spec['const']}`"
    kind = spec.get("type", "any")
    if kind == "array":
        return f"list of {_type(spec.get('items', {}))}"
    return {
        "string": "text",
        "integer": "whole number",
        "number": "number",
        "boolean": "yes/no",
    }.get(kind, kind) + (f" ({spec['format']})" if "format" in spec else "")


BOUNDS = {
    "minLength": "at least {} characters",
    "minItems": "at least {} entries",
    "minimum": "at least {}",
    "exclusiveMinimum": "more than {}",
    "maximum": "at most {}",
    "pattern": "matches `{}`",
}


def _bounds(spec: dict) -> str:
    parts = [text.format(spec[k]) for k, text in BOUNDS.items() if k in spec]
    for inner in spec.get("anyOf", []) + ([spec["items"]] if "items" in spec else []):
        inner_bounds = _bounds(inner)
        if inner_bounds:
            parts.append(inner_bounds)
    return "; ".join(parts)


class CommitteeSchema(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        schema = importlib.import_module("widgets.core.committee_schema")
        full = schema.Committee.model_json_schema()
        models = {"Committee": full, **full.get("$defs", {})}
        out: list[nodes.Node] = []
        for title, spec in models.items():
            section = nodes.rubric(text=title)
            required = set(spec.get("required", []))
            rows = []
            for field, prop in spec.get("properties", {}).items():
                default = "required" if field in required else f"default `{prop.get('default')!r}`"
                said = "; ".join(x for x in (prop.get("description", ""), _bounds(prop)) if x)
                rows.append([f"`{field}`", _type(prop), default, said])
            out += [section, *table(["field", "type", "", "rules"], rows, self)]
        return out


# Folders whose function in settings has no docstring of its own.
FOLDERS = {
    "binders_dir": "Committee binders (`munbook binder`).",
    "cache_dir": "Font coverage, the prepared workbook template, validated committees.",
    "grades_dir": "Grades (`munbook grades`).",
    "submissions_dir": "Every submitted PDF as submitted, written once (0400); nothing else writes here.",
}
MODES = {"docs_dir": "as Sphinx writes it (nothing private in it)"}


# The folders in the home and what writes them; every zero-argument *_dir of settings.
class Files(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        settings = importlib.import_module("widgets.settings")
        old = os.environ.get("MUNBOOK_HOME")
        os.environ["MUNBOOK_HOME"] = "/MUNBOOK_HOME"
        try:
            home = settings.home()
            rows = []
            for name in sorted(n for n in dir(settings) if n.endswith(("_dir", "_file"))):
                func = getattr(settings, name)
                if not callable(func) or inspect.signature(func).parameters:
                    continue
                try:
                    where = func()
                except Exception:  # a folder that needs a package (fonts)
                    continue
                if home not in Path(where).parents:
                    continue
                doc = (inspect.getdoc(func) or FOLDERS.get(name, "")).split("\n\n")[0]
                if not doc:
                    log.warning(
                        f"settings.{name}() has no docstring and no description in docs/_ext"
                    )
                mode = MODES.get(name, "0700 folder" if name.endswith("_dir") else "0600")
                doc = doc.replace("\n", " ")
                rel = Path(where).relative_to(home).as_posix()
                rows.append([f"`{rel}`", f"`settings.{name}()`", mode, doc])
        finally:
            if old is None:
                os.environ.pop("MUNBOOK_HOME", None)
            else:
                os.environ["MUNBOOK_HOME"] = old
        return table(["under the home", "decided by", "mode", "what"], rows, self)


def setup(app: Sphinx) -> dict:
    app.add_directive("munbook-environment", Environment)
    app.add_directive("munbook-limits", Limits)
    app.add_directive("munbook-upstream", Upstream)
    app.add_directive("munbook-committee-schema", CommitteeSchema)
    app.add_directive("munbook-files", Files)
    return {"parallel_read_safe": True, "version": "1"}
