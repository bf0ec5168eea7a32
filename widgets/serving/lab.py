"""``munbook lab``: JupyterLab for staff, on munbook's home folder.

Secretariat, advisors and chairs who prefer notebooks open the staff apps, the
analysis notebooks and any generated workbook (gate included) in JupyterLab;
Voilà's preview extension shows a notebook as delegates see it. Loopback and a
fresh token by default, no browser opened, no terminals (the token holder
needs notebooks, not a shell on the conference server).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from .. import settings
from .serve import check_port, install_apps


@dataclass(frozen=True)
class LabLaunch:
    root: Path
    url: str
    argv: list[str]
    as_root: bool = False  # started by root: Jupyter's --allow-root is passed


def install_analysis() -> list[Path]:
    """Copy the analysis notebooks to home()/analysis (a changed copy is kept: staff edit them)."""
    folder = settings.ensure_dir(settings.analysis_dir())
    copied = []
    for source in sorted(settings.NOTEBOOKS_DIR.glob(settings.ANALYSIS_NOTEBOOKS)):
        target = folder / source.name
        if not target.exists():
            settings.write_private(target, source.read_bytes())
        copied.append(target)
    return copied


def running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def prepare(
    host: str = "127.0.0.1",
    port: int = 8888,
    token: str | None = None,
    allow_root: bool | None = None,
) -> LabLaunch:
    """Check the port, install the staff notebooks and return what JupyterLab is started with.

    ``allow_root`` None: pass Jupyter's --allow-root exactly when this process is root
    (containers and CI run as root; Jupyter would print the URL, then refuse to start).
    """
    check_port(host, port)
    install_apps()
    install_analysis()
    root = settings.ensure_dir(settings.home())
    token = token or secrets.token_urlsafe(24)
    argv = [
        f"--ServerApp.root_dir={root}",
        f"--ServerApp.ip={host}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.open_browser=False",
        "--ServerApp.terminals_enabled=False",
        f"--IdentityProvider.token={token}",
        # The layout Lab remembers belongs to this conference's folder, not the user's.
        f"--LabApp.workspaces_dir={settings.lab_workspaces_dir()}",
    ]
    as_root = running_as_root() if allow_root is None else allow_root
    if as_root:  # Jupyter refuses root unless asked
        argv.append("--ServerApp.allow_root=True")
    shown = f"[{host}]" if ":" in host else host
    return LabLaunch(root, f"http://{shown}:{port}/lab?token={token}", argv, as_root)


def run(launch: LabLaunch) -> None:
    """Start JupyterLab (blocks until Ctrl-C)."""
    from jupyterlab.labapp import LabApp

    LabApp.launch_instance(argv=launch.argv)
