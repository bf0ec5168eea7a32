"""Commands that run things: serve, report, lab, demo."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .. import settings
from ..exceptions import MunbookError
from .group import _public_url_option, _upgrade_store, _use_public_url, main
from .hosts import as_peer, peer_options
from .hosts import share_kernel_cap as share_kernel_cap

# ---- serve and demo --------------------------------------------------------------


def _serve(
    host: str, port: int, delegate: tuple[Path, str] | None = None, codes: dict | None = None
) -> None:
    from ..serving import serve

    app = serve.make_app(host, port)
    base = f"http://{host}:{port}"
    click.echo(f"Serving {settings.site_dir()} with Voilà at {base}/  (Ctrl-C stops)")
    _banner(base, app.max_kernels, app.gate_timeout, app.pool, delegate, codes)
    _stop_on_ctrl_c(app)
    app.start()


def _banner(
    base: str,
    max_kernels: int,
    gate_timeout: float,
    pool: int,
    delegate: tuple[Path, str] | None = None,
    codes: dict | None = None,
) -> None:
    """The limits and the links people open, under the "Serving ..." line."""
    from ..serving import serve

    apps = serve.install_apps()
    click.echo(
        f"  at most {max_kernels} pages open at once; a page closes after "
        f"{gate_timeout:.0f} s without a code"
    )
    click.echo(
        f"  {pool} kernels kept preheated for the delegates' entry page"
        if pool
        else "  no preheated kernels (--pool 0): each page starts its kernel"
    )
    if delegate:
        click.echo(f"  delegate: {serve.url_for(base, apps['entry'], delegate[1])}")
        click.echo(f"            (its own page: {serve.url_for(base, delegate[0], delegate[1])})")
    else:
        click.echo("  delegates: the link and code of each workbook are in the codes file")
    codes = codes or {}
    chair = codes.get("chair")
    click.echo(
        f"  chair:    {serve.url_for(base, apps['chair'])}" + (f"  (code {chair})" if chair else "")
    )
    click.echo(f"  advisor:  {serve.url_for(base, apps['advisor'])}")
    for line in _staff_code_lines(codes):
        click.echo(f"            {line}")
    click.echo(f"  links in new code files and slips start {settings.public_url()}")


def _serve_workers(host: str, port: int, count: int) -> None:
    """``count`` workers on loopback and HAProxy on ``host:port`` (widgets.serving.workers)."""
    from ..serving import serve, workers

    workers.check_store(count, settings.db_url())
    workers.haproxy_binary()
    serve.check_port(host, port)
    _upgrade_store()  # once, before any worker starts
    serve.install_apps()
    spare = settings.spare_size()
    serve.check_pool(settings.pool_size(), share_kernel_cap(count), spare)  # before any worker

    def command(worker: workers.Worker) -> list[str]:
        run = "import sys; from widgets.cli import main; main(sys.argv[1:], prog_name='munbook')"
        return [sys.executable, "-c", run, "serve", "--port", str(worker.port), "--as-worker"]

    supervisor = workers.Supervisor(host, port, count, command, say=click.echo)
    click.echo(f"Starting {count} Voilà workers and HAProxy ...")
    supervisor.start()
    base = f"http://{host}:{port}"
    click.echo(f"Serving {settings.site_dir()} at {base}/ through HAProxy  (Ctrl-C stops)")
    for name, pid in supervisor.pids().items():
        worker = next(w for w in supervisor.workers if w.name == name)
        click.echo(f"  worker {name}: pid {pid} on {worker.base}")
    click.echo("  a worker that stops is restarted; its delegates reopen their link")
    click.echo("  each worker:")
    _banner(base, settings.max_kernels(), settings.gate_timeout(), settings.pool_size())
    if spare:
        click.echo(f"  and {spare} more for the pages of a worker that stops (--spare)")
    supervisor.run()


def _stop_on_ctrl_c(app) -> None:
    """Ctrl-C stops the server the first time, whatever its loop is busy with.

    Left to Python, Ctrl-C is a KeyboardInterrupt raised wherever the main thread
    happens to be (a request, a kernel message, a callback) and may be caught
    there; a signal handler that asks the loop to stop is always heard. Voilà
    then shuts its kernels down; a second Ctrl-C quits at once.
    """
    import os
    import signal

    pressed: list[int] = []

    def handler(signum, frame) -> None:
        loop = getattr(app, "ioloop", None)
        if pressed or loop is None:
            if loop is None:
                raise KeyboardInterrupt
            os._exit(130)
        pressed.append(signum)
        click.echo("\nStopping: closing the kernels (Ctrl-C again quits at once)", err=True)
        loop.asyncio_loop.call_soon_threadsafe(loop.stop)

    signal.signal(signal.SIGINT, handler)


def _staff_code_lines(codes: dict) -> list[str]:
    """The advisor app's demo codes: the secretariat's and one school's advisor's."""
    lines = []
    if codes.get("secretariat"):
        lines.append(f"secretariat code {codes['secretariat']} (the whole conference)")
    if codes.get("advisor"):
        lines.append(
            f"advisor code {codes['advisor']} (only {codes.get('school') or 'one school'})"
        )
    return lines


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8866, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    type=click.IntRange(1, settings.MAX_WORKERS),
    help="Start this many Voilà workers on loopback with HAProxy on --host/--port "
    "(sticky sessions; PostgreSQL store for more than one).",
)
@click.option(
    "--max-kernels",
    type=click.IntRange(1, 10_000),
    help="Pages open at once, per worker (default: as many as half the free memory holds, "
    f"{settings.KERNEL_MB} MB each; or $MUNBOOK_MAX_KERNELS).",
)
@click.option(
    "--gate-timeout",
    type=click.IntRange(5, 86_400),
    help=f"Seconds a page waits for its code (default {settings.GATE_TIMEOUT:.0f}).",
)
@click.option(
    "--pool",
    type=click.IntRange(0, settings.POOL_MAX),
    help=f"Kernels kept preheated for the entry page, below --max-kernels (default: {settings.POOL}"
    f", or a quarter of it if smaller; at most {settings.POOL_MAX}; or $MUNBOOK_POOL; 0: none). "
    "Size it to the committee that opens at once.",
)
@click.option(
    "--spare",
    type=click.IntRange(0, settings.POOL_MAX),
    help="With --workers: kernels each worker keeps preheated, beside --pool, for the pages "
    "of a worker that stops (default 0; or $MUNBOOK_SPARE). Size it to the pages one worker "
    "holds divided by the other workers.",
)
@click.option("--as-worker", is_flag=True, hidden=True, help="Started by serve --workers.")
@peer_options
@_public_url_option
def serve_cmd(
    host: str,
    port: int,
    workers: int | None,
    max_kernels: int | None,
    gate_timeout: int | None,
    pool: int | None,
    spare: int | None,
    as_worker: bool,
    worker_name: str | None,
    peers: str | None,
    public_url: str | None,
) -> None:
    """Serve the workbooks and the advisor and chair apps with Voilà."""
    if workers and (worker_name or peers):
        raise MunbookError("--name/--peers name a worker on its own machine: not with --workers")
    if spare is not None and not (workers or as_worker or worker_name):
        raise MunbookError("--spare keeps kernels for a dead worker's pages: use it with --workers")
    host, port = as_peer(worker_name, peers, host, port)
    # The limits travel as environment variables: the kernels (and workers) read them too.
    limits = {"MAX_KERNELS": max_kernels, "POOL": pool, "SPARE": spare}
    for name, value in {**limits, "GATE_TIMEOUT": gate_timeout}.items():
        if value is not None:
            os.environ[f"MUNBOOK_{name}"] = str(value)
    _use_public_url(public_url)
    if as_worker:  # the supervisor upgraded the store and prints the links
        from ..serving import serve

        app = serve.make_app(host, port)
        click.echo(f"Voilà worker on http://{host}:{port}/")
        _stop_on_ctrl_c(app)
        app.start()
    elif workers:
        _serve_workers(host, port, workers)
    else:
        _upgrade_store()
        _serve(host, port)


@main.command("report")
@click.option("--committee", "committee_name", help="The committee (needed for a chair report).")
@click.option("--kind", type=click.Choice(["chair", "advisor"]), default="chair", show_default=True)
@click.option("--school", help="Advisor report: only this school's delegations.")
@click.option("--to", "to", type=click.Choice(["html", "pdf"]), default="html", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--notebook",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Run your own copy of the analysis notebook instead of the shipped one.",
)
def report_cmd(committee_name, kind, school, to, out, notebook) -> None:
    """Run an analysis notebook (Papermill) and convert it to HTML or PDF (nbconvert)."""
    from ..workflows.report import run_report

    _upgrade_store()
    made = run_report(kind, committee_name, school, to, out, notebook)
    click.echo(f"report: {made.path}")
    click.echo(f"executed notebook: {made.notebook}")


@main.command("lab")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8888, show_default=True, type=click.IntRange(1, 65535))
@click.option("--allow-root", is_flag=True, help="Pass Jupyter's --allow-root (automatic as root).")
def lab_cmd(host: str, port: int, allow_root: bool) -> None:
    """Start JupyterLab on munbook's folder for staff (prints the URL with its token)."""
    from ..serving import lab

    _upgrade_store()
    launch = lab.prepare(host, port, allow_root=allow_root or None)
    click.echo(f"JupyterLab for staff on {launch.root} (Ctrl-C stops)")
    if launch.as_root:
        click.echo("  running as root: Jupyter's --allow-root is passed")
    click.echo(f"  open: {launch.url}")
    click.echo("  notebooks: analysis/; staff apps: site/apps/; workbooks: site/workbooks/")
    lab.run(launch)


@main.command("demo")
@click.option("--serve/--no-serve", "serve_after", default=True, help="Start serving when ready.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8866, show_default=True, type=click.IntRange(1, 65535))
@_public_url_option
def demo(serve_after: bool, host: str, port: int, public_url: str | None) -> None:
    """Load the INTERPOL demo (roster, workbooks, codes) and serve it."""
    from ..workflows import demo as demo_module

    _use_public_url(public_url)
    _upgrade_store()
    made = demo_module.prepare()
    staff = {
        "chair": made.chair_code,
        "secretariat": made.secretariat_code,
        "advisor": made.advisor_code,
        "school": made.advisor_school,
    }
    click.echo(f"INTERPOL demo: workbooks {made.summary}")
    click.echo(f"store: {settings.db_url()}")
    click.echo(f"access codes (keep them private): {', '.join(str(p) for p in made.codes_files)}")
    click.echo(f"each school's codes only: {settings.schools_access_dir()}/<school>/")
    click.echo(
        "staff in JupyterLab: `.venv/bin/munbook lab` (tables, analysis notebooks, the apps; "
        "as root too: it passes Jupyter's --allow-root itself); "
        "reports: `.venv/bin/munbook report --committee INTERPOL`"
    )
    if serve_after:
        _serve(
            host,
            port,
            (made.workbook, made.delegate_code),
            staff,
        )
    else:
        click.echo(f"delegate workbook: {made.workbook} (code {made.delegate_code})")
        click.echo(f"chair code {made.chair_code}")
        for line in _staff_code_lines(staff):
            click.echo(line)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
