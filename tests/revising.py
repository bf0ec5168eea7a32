"""A committee that takes revisions, for the revise-and-resubmit tests (not a test module)."""

from __future__ import annotations

import shutil
from pathlib import Path

from widgets import settings


def add_revising_committee(
    home: Path, acronym: str, deadline: str, revisions_until: str | None
) -> str:
    """INTERPOL copied as ``acronym`` into home()/committees with this deadline and window.

    ``deadline`` as the file writes it (``2026-11-01 23:59``, in America/Mexico_City);
    ``revisions_until`` an aware ISO time, or None for no revisions. Returns the key.
    """
    text = (settings.COMMITTEES_DIR / "interpol.yaml").read_text()
    key = acronym.lower()
    folder = home / "committees"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(settings.COMMITTEES_DIR / "interpol", folder / key)
    until = f"\n  revisions_until: {revisions_until}" if revisions_until else ""
    text = text.replace("acronym: INTERPOL", f"acronym: {acronym}").replace(
        "deadline: 2027-02-26 23:59", f"deadline: {deadline}{until}"
    )
    (folder / f"{key}.yaml").write_text(text)
    return key
