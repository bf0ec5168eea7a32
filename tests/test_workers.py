"""``munbook serve --workers``: HAProxy in front of Voilà workers on one PostgreSQL.

The cluster tests run the real thing on loopback: `munbook serve --workers 2`
(two Voilà workers, Debian's HAProxy), the load generator speaking the page's
protocol, one worker killed with SIGKILL while 60 delegates write, and (on its
own) chromium on a killed worker's page.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from conftest import _postgres_url, free_port, scratch_database
from tornado.httpclient import HTTPClientError

from widgets import settings
from widgets.cli import main
from widgets.exceptions import MunbookError
from widgets.serving import workers
from widgets.store import migrate

sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
import loadgen
import page_protocol
from workers import Cluster, kill_run, kill_summary, reopen_summary

DELEGATES = 60
SECONDS = 75  # the simulated delegates write until this long after every page is open
OPENING = 240  # seconds the 60 pages get to open (about 50 on 2 idle cores)
# Each worker keeps preheated kernels for the pages of a worker that dies (--spare): as the
# README sizes them, the pages one worker holds divided by the other workers.
SPARE = DELEGATES // 2
# Seconds from the kill until every cut-off delegate's typing is saved again: the issue's
# bound. With the spare kernels each reopened page costs ~0.7 CPU s, not a kernel start:
# 30-38 cut-off pages were all writing again within 12.1-14.2 s on 2 cores that other jobs
# kept busy (load average 60-120); 35-64 s without spares (`make bench workers` prints it).
RECOVERY = 30
RELOAD_MS = 120_000  # chromium's reload after its worker died (nothing else loading)


def test_several_workers_on_sqlite_are_refused(home: Path):
    done = CliRunner().invoke(main, ["serve", "--workers", "2"], prog_name="munbook")
    assert done.exit_code == 2
    assert "--workers 2 needs a PostgreSQL store" in done.output
    assert len(done.output.strip().splitlines()) <= 2
    assert not (home / "run").exists()  # nothing started


def test_one_worker_past_the_limit_is_refused(home: Path):
    past = str(settings.MAX_WORKERS + 1)
    done = CliRunner().invoke(main, ["serve", "--workers", past], prog_name="munbook")
    assert done.exit_code == 2
    assert f"{past} is not in the range 1<=x<={settings.MAX_WORKERS}" in done.output


def test_workers_share_the_machines_kernel_cap(monkeypatch: pytest.MonkeyPatch):
    from widgets import _serving
    from widgets.cli.running import share_kernel_cap

    monkeypatch.setattr(_serving, "available_mb", lambda: 24_000)  # 100 kernels of 120 MB
    monkeypatch.setenv("MUNBOOK_MAX_KERNELS", "")
    assert settings.max_kernels() == 100
    assert share_kernel_cap(4) == 25  # what each worker reads from the environment it inherits
    assert os.environ["MUNBOOK_MAX_KERNELS"] == "25"
    monkeypatch.setenv("MUNBOOK_MAX_KERNELS", "30")  # given: each worker has that many
    assert share_kernel_cap(4) == 30


def test_no_haproxy_is_a_clear_error(tmp_path: Path):
    with pytest.raises(MunbookError, match=r"apt-get install haproxy"):
        workers.haproxy_binary(search=str(tmp_path))


def test_the_generated_config_is_valid_haproxy(tmp_path: Path):
    binary = _haproxy()
    team = [workers.Worker("w1", 41001), workers.Worker("w2", 41002)]
    config = tmp_path / "haproxy.cfg"
    config.write_text(workers.haproxy_config("0.0.0.0", 8866, team))
    checked = subprocess.run([binary, "-c", "-f", str(config)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    text = config.read_text()
    assert "cookie MUNBOOK_WORKER insert indirect nocache" in text
    assert "server w2 127.0.0.1:41002 check cookie w2" in text
    assert "timeout tunnel 8h" in text
    assert "httplog" not in text  # request lines carry access codes: never logged
    assert "http-request set-header X-Munbook-Worker %[req.cook(MUNBOOK_WORKER)]" in text


def test_a_moved_page_may_take_the_spare_kernels(monkeypatch: pytest.MonkeyPatch):
    """Pages HAProxy moved from a dead worker (their cookie names another) take spare kernels."""
    from widgets.serving import kernel_cap, peers

    def done(kernel: str) -> asyncio.Future:
        future = asyncio.Future(loop=loop)
        future.set_result({"kernel_id": kernel})
        return future

    loop = asyncio.new_event_loop()
    try:
        starting = asyncio.Future(loop=loop)
        manager = SimpleNamespace(_pools={"open.ipynb": [starting, done("a"), done("b")]})
        assert not kernel_cap.ready_first(manager, "open.ipynb", keep=2)  # both kept: spares
        assert kernel_cap.ready_first(manager, "open.ipynb", keep=1)  # one past the spares
        assert manager._pools["open.ipynb"][0].result() == {"kernel_id": "a"}
        assert kernel_cap.ready_first(manager, "open.ipynb")  # a moved page: keeps none
    finally:
        loop.close()
    monkeypatch.delenv(kernel_cap.NAME_ENV, raising=False)
    assert not peers.moved({peers.MOVED_HEADER: "w1"})  # a plain serve: never
    monkeypatch.setenv(kernel_cap.NAME_ENV, "w2")
    # w3 is up and ready (health check 200), w4 restarted and still filling its pool (503),
    # w1's port takes no connection (dead).
    up, starting = health_server(200), health_server(503)
    try:
        team = {"w1": free_port(), "w2": 1, "w3": up.server_port, "w4": starting.server_port}
        monkeypatch.setenv(peers.PEERS_ENV, ",".join(f"{n}=127.0.0.1:{p}" for n, p in team.items()))
        assert peers.moved({peers.MOVED_HEADER: "w1"})  # from a dead worker
        assert peers.moved({peers.MOVED_HEADER: "w4"})  # from one HAProxy keeps out for now
        assert not peers.moved({peers.MOVED_HEADER: "w2"})  # its own page
        assert not peers.moved({})  # a new page (no cookie yet)
        # Anyone can send any cookie: a live worker's name, or a made-up one, takes no spare.
        assert not peers.moved({peers.MOVED_HEADER: "w3"})
        assert not peers.moved({peers.MOVED_HEADER: "w9"})
    finally:
        up.shutdown()
        starting.shutdown()


def health_server(status: int):
    """A server on loopback whose every answer is ``status`` (a worker's health check)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Health(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_spare_kernels_are_checked_and_need_workers(home: Path):
    from widgets.serving import kernel_cap

    with pytest.raises(MunbookError, match=r"8 \(and 32 spare\).*lower --pool or --spare"):
        kernel_cap.check_pool(8, 40, spare=32)
    assert kernel_cap.check_pool(8, 40, spare=31) == 8
    done = CliRunner().invoke(main, ["serve", "--spare", "4"], prog_name="munbook")
    assert done.exit_code == 2
    assert "--spare keeps kernels for a dead worker's pages: use it with --workers" in done.output
    past = str(settings.POOL_MAX + 1)
    done = CliRunner().invoke(main, ["serve", "--workers", "2", "--spare", past])
    assert done.exit_code == 2 and f"{past} is not in the range" in done.output


def test_a_restarted_worker_is_not_ready_until_its_pool_is_started():
    """Its health check says 503 meanwhile (HAProxy keeps its pages on the others)."""
    from widgets.serving import kernel_cap

    manager = kernel_cap.CappedKernelManager()
    assert manager.ready()  # no pool: nothing to wait for
    loop = asyncio.new_event_loop()
    try:
        starting = asyncio.Future(loop=loop)
        manager._pools = {"open.ipynb": [starting]}
        manager.room_until = time.monotonic() + 60  # restarted a moment ago
        assert not manager.ready()
        starting.set_result({"kernel_id": "k"})
        assert manager.ready()
        manager._pools["open.ipynb"].append(asyncio.Future(loop=loop))  # a refill, later
        assert manager.ready()  # once ready, a refill does not take it out of HAProxy
        manager._pools = {"open.ipynb": [asyncio.Future(loop=loop)]}
        manager.room_until = time.monotonic() - 1  # its minute is over: back anyway
        assert manager.ready()
    finally:
        loop.close()
    before = kernel_cap.cpu_sample()
    if before is None:
        pytest.skip("no /proc/stat here: a restarted worker's pool does not wait for idle CPU")
    time.sleep(0.2)
    idle, after = kernel_cap.idle_cores(before)
    assert 0 <= idle <= (os.cpu_count() or 1) + 0.01 and after[1] >= before[1]


def _haproxy() -> str:
    try:
        return workers.haproxy_binary()
    except MunbookError:
        pytest.skip("HAProxy is not installed (scripts/system-packages installs it)")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory):
    _haproxy()
    db, drop = scratch_database(_postgres_url(), "workers")
    home = tmp_path_factory.mktemp("workers") / "home"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MUNBOOK_HOME", str(home))
        patch.setenv("MUNBOOK_DB", db)
        # Room on one worker for every page: when the other dies, its pages come here.
        patch.setenv("MUNBOOK_MAX_KERNELS", str(2 * DELEGATES))
        # Each worker keeps a pool of preheated kernels for the entry page (the link
        # delegates are given, and the one a reload after a crash opens again): 8, the
        # default, set here so that the test does not follow a change of default.
        patch.setenv("MUNBOOK_POOL", "8")
        patch.setenv("MUNBOOK_SPARE", str(SPARE))
        migrate.upgrade()
        _generate()
        running = Cluster(home, db, 2, home.parent / "serve.log")
    yield running
    running.stop()
    drop()


def _generate() -> None:
    """60 workbooks for the simulated delegates, then Kenya's (chromium's, last in the codes)."""
    from widgets.core import countries
    from widgets.workflows import generate

    names = [c.alpha3 for c in countries.members("interpol") if c.name != "Kenya"][:DELEGATES]
    generate.generate("interpol", country_names=[*names, "KEN"], progress=False)


@pytest.fixture
def in_cluster(cluster: Cluster, monkeypatch: pytest.MonkeyPatch) -> Cluster:
    monkeypatch.setenv("MUNBOOK_HOME", str(cluster.home))
    monkeypatch.setenv("MUNBOOK_DB", cluster.db)
    return cluster


def _worker_of_kernel(kernel_id: str) -> int:
    """The process id of the worker that started ``kernel_id`` (the kernel's parent)."""
    for proc in Path("/proc").iterdir():
        try:
            if f"kernel-{kernel_id}.json".encode() in (proc / "cmdline").read_bytes():
                stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
                return int(stat[1])
        except OSError:
            continue
    raise AssertionError(f"no kernel process {kernel_id}")


def test_a_page_and_its_websocket_reach_the_same_worker(in_cluster: Cluster):
    who = loadgen.delegates_from(in_cluster.home, 4)
    pids = in_cluster.pids()

    async def visit() -> list[tuple[str, str, bool]]:
        seen = []
        for delegate in who:
            jar: dict[str, str] = {}
            page = await page_protocol.open_workbook(in_cluster.base, delegate, jar)
            assert page.sections(), "the gate did not open the workbook through the proxy"
            worker = jar[workers.COOKIE]
            # The same kernel through the other worker: refused, so the cookie is what routes.
            other = next(name for name in pids if name != worker)
            ws_url = in_cluster.base.replace("http", "ws") + f"/api/kernels/{page.kernel_id}"
            request = page_protocol.HTTPRequest(
                f"{ws_url}/channels?session_id=x", headers={"Cookie": f"{workers.COOKIE}={other}"}
            )
            try:
                stray = await page_protocol.websocket_connect(request)
                stray.close()
                refused = False
            except HTTPClientError as error:
                refused = error.code == 404
            seen.append((worker, page.kernel_id, refused))
            page.close()
        return seen

    seen = loadgen.run_async(visit())
    for worker, kernel_id, refused in seen:
        assert _worker_of_kernel(kernel_id) == pids[worker]
        assert refused
    assert {worker for worker, *_ in seen} == set(pids)  # new pages are spread over both


@pytest.mark.browser
def test_a_killed_workers_page_says_so_and_reopens_on_a_live_worker(in_cluster: Cluster, page):
    """Chromium writes; its worker gets SIGKILL: the banner, then a reload with the text kept."""
    worker, text = _chromium_writes(in_cluster, page)
    killed = in_cluster.pids()[worker]
    os.kill(killed, signal.SIGKILL)
    banner = page.locator("#mb-connection-lost")
    banner.wait_for(state="visible", timeout=20_000)
    assert "Everything saved until now is kept" in banner.inner_text()
    page.get_by_role("button", name="Reload the page").click()
    page.wait_for_selector(".mb-app", timeout=RELOAD_MS)
    page.get_by_role("tab", name="Write").click()
    assert page.locator(SECTION).input_value() == text
    assert f"worker {worker} stopped (exit -9); restarting it" in in_cluster.text()
    assert in_cluster.pids()[worker] != killed  # the restart says its new pid


def test_a_worker_killed_mid_run_loses_no_save_and_everyone_writes_again(in_cluster: Cluster):
    """60 simulated delegates write through the proxy; one worker is killed with SIGKILL:
    nothing lost, and every cut-off delegate writing again within 30 s on a spare kernel.

    The same run as ``make bench workers``' kill line (bench/workers.py kill_run),
    which prints the recovery figure against the issue's 30 s.
    """
    victim = in_cluster.pids()["w1"]
    figures = kill_run(in_cluster, DELEGATES, SECONDS, "w1", opening=OPENING)
    print("worker killed:", kill_summary(figures))  # the recovery figure, in the test's output
    print(reopen_summary(figures))
    assert figures["wrote_before_kill"] == DELEGATES, "not every delegate wrote before the kill"
    assert figures["errors"] == []
    assert figures["opened"] == DELEGATES
    assert all(o.typed for o in figures["outcomes"])
    assert figures["lost"] == 0
    cut_off = [o for o in figures["outcomes"] if o.failed_at]
    assert cut_off, "the killed worker held no simulated delegate"
    again = {
        o.delegate.country: round(o.writing_again_at[-1] - figures["killed_at"], 1)
        if o.writing_again_at
        else None
        for o in cut_off
    }
    assert all(s is not None and s <= RECOVERY for s in again.values()), again
    # The moved pages found preheated kernels: the spare ones at least (HAProxy's split of
    # new pages is not exact: 38 of 60 were on the killed worker once; past the spares and
    # the pool, a page starts a kernel).
    reopens = [r for o in cut_off for r in o.reopens]
    assert sum(r["pooled"] for r in reopens) >= min(len(reopens), SPARE), reopen_summary(figures)
    assert in_cluster.pids()["w1"] != victim  # restarted


SECTION = ".mb-section-A-background textarea"


def _chromium_writes(cluster: Cluster, page) -> tuple[str, str]:
    """Kenya's delegate writes in chromium through the proxy; (its worker, the saved text)."""
    everyone = loadgen.delegates_from(cluster.home, DELEGATES + 1, entry=True)
    kenya = next(d for d in everyone if d.country == "Kenya")
    page.goto(f"{cluster.base}/voila/render/{kenya.path}?code={kenya.code}", timeout=180_000)
    page.wait_for_selector(".mb-app", timeout=180_000)
    page.get_by_role("tab", name="Write").click()
    text = "Saved before the worker died."
    page.locator(SECTION).click()
    page.locator(SECTION).press_sequentially(text, delay=10)
    page.get_by_text("All changes saved").first.wait_for(timeout=60_000)
    cookie = next(c for c in page.context.cookies() if c["name"] == workers.COOKIE)
    return cookie["value"], text
