"""Everything munbook writes under its home is 0600 in 0700 folders, whatever the umask."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from widgets import settings
from widgets.store import Store

WRITE_ONCE = 0o400  # submitted PDFs: private and read-only


def modes(root: Path) -> dict[Path, int]:
    return {p: stat.S_IMODE(p.lstat().st_mode) for p in [root, *root.rglob("*")]}


@pytest.fixture
def umask_022():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_a_full_workflow_leaves_only_private_files(full_home: dict, home: Path, umask_022):
    db = Store()  # an open store: its -wal and -shm exist while we look
    db.record_failure("delegate:1")
    found = modes(home)
    db.dispose()
    kinds = {p.relative_to(home).parts[0] for p in found if p != home}
    assert {"munbook.sqlite-wal", "munbook.sqlite-shm", "access", "site", "submissions"} <= kinds
    assert {"papers", "grades", "feedback", "binders", "cache"} <= kinds
    assert list((home / "site" / "apps").glob("*.ipynb"))
    assert list((home / "papers" / "interpol" / "drafts" / "notebooks").glob("*.ipynb"))
    assert (home / "grades" / "table.csv").exists()
    wrong = {}
    for path, mode in found.items():
        if path.is_dir():
            expected = 0o700
        elif path.parent.name == "interpol" and path.parent.parent.name == "submissions":
            expected = WRITE_ONCE
        else:
            expected = 0o600
        if mode != expected:
            wrong[str(path.relative_to(home))] = oct(mode)
    assert not wrong
    assert not list(home.rglob("*.tmp"))  # no temporary file left behind


def test_write_private_is_atomic_and_owner_only(home: Path, umask_022):
    target = home / "grades" / "x.csv"
    settings.write_private(target, "a,b\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700
    with pytest.raises(RuntimeError), settings.private_file(target, text=True) as fh:
        fh.write("half a fi")
        raise RuntimeError("the writer failed")
    assert target.read_text() == "a,b\n"  # the old file stays whole
    assert [p.name for p in target.parent.iterdir()] == ["x.csv"]  # no temporary left
    with pytest.raises(FileExistsError):
        settings.write_private(target, "new", exclusive=True)
    assert target.read_text() == "a,b\n"


def test_existing_loose_folders_and_store_are_tightened(home: Path, umask_022):
    (home / "grades").mkdir(parents=True)
    os.chmod(home, 0o755)
    os.chmod(home / "grades", 0o777)
    (home / "munbook.sqlite").touch()
    os.chmod(home / "munbook.sqlite", 0o644)
    Store().dispose()
    settings.ensure_dir(home / "grades" / "deeper")
    assert stat.S_IMODE((home / "munbook.sqlite").stat().st_mode) == 0o600
    for folder in (home, home / "grades", home / "grades" / "deeper"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_a_chosen_out_folder_keeps_its_permissions(home: Path, tmp_path: Path, umask_022):
    mine = tmp_path / "mine"
    mine.mkdir(mode=0o755)
    path = settings.write_private(mine / "table.csv", "x\n")
    assert stat.S_IMODE(mine.stat().st_mode) == 0o755  # the user's folder, untouched
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # the file is still private
    with pytest.raises(Exception, match="refusing to write outside"):
        settings.ensure_dir(tmp_path / "elsewhere")
