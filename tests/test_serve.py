import logging
import os
import resource
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest
from conftest import Served, free_port
from nbconvert.filters.markdown_mistune import MarkdownWithMath
from voila.tornado.contentshandler import VoilaContentsHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.treehandler import TornadoVoilaTreeHandler

from widgets import _serving as serving_settings  # where max_kernels() reads the memory
from widgets import settings
from widgets.exceptions import MunbookError
from widgets.serving import kernel_cap, serve

KENYA = "workbooks/interpol/kenya.ipynb"


def test_serving_defaults(monkeypatch: pytest.MonkeyPatch):
    config = serve.serving_config()
    assert config.VoilaConfiguration.show_tracebacks is False
    assert config.MappingKernelManager.cull_idle_timeout == settings.IDLE_TIMEOUT == 600
    assert config.MappingKernelManager.cull_interval == 60
    assert config.MappingKernelManager.cull_connected is False
    assert config.VoilaConfiguration.file_allowlist == []  # /voila/files serves nothing
    assert config.VoilaConfiguration.allow_template_override == "NO"
    assert config.VoilaExporter.sanitize_html is True
    monkeypatch.setenv("MUNBOOK_IDLE_TIMEOUT", "120")
    assert serve.serving_config().MappingKernelManager.cull_idle_timeout == 120


def test_limits_come_from_settings(monkeypatch: pytest.MonkeyPatch):
    free = settings.available_mb()
    expected = 40 if free is None else min(max(int(free / 2 / settings.KERNEL_MB), 20), 400)
    assert abs(settings.max_kernels() - expected) <= 2  # memory moves a little between reads
    assert settings.gate_timeout() == 180
    monkeypatch.setenv("MUNBOOK_MAX_KERNELS", "3")
    monkeypatch.setenv("MUNBOOK_GATE_TIMEOUT", "30")
    app = serve.MunbookVoila()
    assert (app.max_kernels, app.gate_timeout) == (3, 30)
    monkeypatch.setenv("MUNBOOK_MAX_KERNELS", "0")
    with pytest.raises(MunbookError, match="MUNBOOK_MAX_KERNELS='0': must be a number from 1"):
        settings.max_kernels()


def test_listings_are_closed_and_pages_wrapped(monkeypatch: pytest.MonkeyPatch):
    for name in ("MUNBOOK_SERVER_URL", "MUNBOOK_GATE_TIMEOUT"):
        monkeypatch.setenv(name, "")  # make_app sets them; restored after the test
    monkeypatch.setattr(serving_settings, "available_mb", lambda: 12_000)  # 50 kernels of 120 MB
    app = serve.make_app(port=free_port())
    app.init_settings()  # what start() does before the routes
    assert isinstance(app.kernel_manager, serve.CappedKernelManager)
    assert app.kernel_manager.max_kernels == app.max_kernels == 50
    handlers = {h for _, h, *_ in app.init_handlers()}
    assert serve.RenderHandler in handlers and serve.ClosedHandler in handlers
    assert not handlers & {TornadoVoilaHandler, TornadoVoilaTreeHandler, VoilaContentsHandler}
    assert os.environ["MUNBOOK_SERVER_URL"] == f"http://127.0.0.1:{app.port}/"


def test_zmq_sockets_and_open_files_are_sized_for_the_kernel_cap():
    """libzmq's 1,023 sockets per server ran out at ~150 open pages: sized to the cap now."""
    import zmq

    with zmq.Context() as stock:
        assert stock.get(zmq.MAX_SOCKETS) == 1023  # the default the cap would hit
    manager = serve.CappedKernelManager(max_kernels=400)
    assert manager.context.get(zmq.MAX_SOCKETS) == 400 * kernel_cap.SOCKETS_PER_KERNEL + 256
    manager.context.destroy()
    assert kernel_cap.zmq_sockets(20) == 1023  # a small server keeps libzmq's default
    if resource.getrlimit(resource.RLIMIT_NOFILE)[1] <= 1024:
        pytest.skip("this machine's hard open-file limit is 1,024 or less: nothing to raise")
    # The open-file limit: raised to what 400 kernels need, in a child (this process keeps its own).
    code = (
        "import logging, resource; from widgets.serving import kernel_cap; "
        "files = resource.RLIMIT_NOFILE; "
        "resource.setrlimit(files, (1024, resource.getrlimit(files)[1])); "
        "print(kernel_cap.raise_open_files(400, logging.getLogger()), "
        "resource.getrlimit(resource.RLIMIT_NOFILE)[0])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    limit, soft = map(int, done.stdout.split())
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    needed = (400 * kernel_cap.SOCKETS_PER_KERNEL + 256) * 2 + 400 * 4 + 256
    assert limit == soft == min(needed, hard) > 1024


def test_a_hard_open_file_limit_below_the_cap_is_reported():
    if resource.getrlimit(resource.RLIMIT_NOFILE)[1] < 1024:
        pytest.skip("this machine's hard open-file limit is below 1,024: it cannot be set to it")
    code = (
        "import logging, resource; from widgets.serving import kernel_cap; "
        "resource.setrlimit(resource.RLIMIT_NOFILE, (512, 1024)); "
        "print(kernel_cap.raise_open_files(400, logging.getLogger()))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "1024"
    assert "open files are limited to 1024; 400 kernels need about" in done.stderr
    assert "lower --max-kernels" in done.stderr


def test_markdown_renders_as_text():
    renderer = serve.EscapingMarkdownRenderer(escape=False, contents_manager=None)
    html = MarkdownWithMath(renderer=renderer).render(
        "Hi <img src=x onerror=alert(1)> [x](javascript:alert(2)) ![p](../munbook.sqlite)"
    )
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="javascript:' not in html
    assert "data:" not in html  # no local file inlined


def test_access_log_has_no_query_string(caplog: pytest.LogCaptureFixture):
    class Request:
        method, path, uri = (
            "GET",
            "/voila/render/workbooks/interpol/kenya.ipynb",
            "/voila/render/x?code=SECRET",
        )

        def request_time(self):
            return 0.25

    class Handler:
        request = Request()

        def get_status(self):
            return 200

    with caplog.at_level(logging.INFO, logger="munbook.access"):
        serve.redacted_log(Handler())
    assert "GET /voila/render/workbooks/interpol/kenya.ipynb 250ms" in caplog.text
    assert "SECRET" not in caplog.text


def test_apps_are_installed_under_home(home: Path):
    apps = serve.install_apps()
    assert apps["chair"] == home.resolve() / "site" / "apps" / "chair.ipynb"
    assert (
        serve.url_for("http://h:1", apps["advisor"], "AB CD")
        == "http://h:1/voila/render/apps/advisor.ipynb?code=AB%20CD"
    )
    assert settings.home() in apps["advisor"].parents


def test_a_busy_port_is_a_clear_error():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(MunbookError, match=f"port {port} on 127.0.0.1 is in use"):
            serve.check_port("127.0.0.1", port)


# ---- kernels: capped, freed by the gate timeout and by closing the page -------------


def kernels(server: Served) -> list[psutil.Process]:
    """The server's live kernels (munbook serve's launcher); one that exited is not counted."""
    found = []
    for child in psutil.Process(server.process.pid).children(recursive=True):
        try:
            if "widgets.kernel" in " ".join(child.cmdline()):
                found.append(child)
        except (psutil.ZombieProcess, psutil.NoSuchProcess):
            continue  # exited (a zombie until its parent reaps it): its memory is freed
    return found


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return condition()


@pytest.fixture
def small_server(home: Path, demo_home, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """``munbook serve`` with a cap of 2 kernels and a 6 s gate timeout."""
    from conftest import CHROMIUM

    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (scripts/system-packages installs it)")
    monkeypatch.setenv("MUNBOOK_MAX_KERNELS", "2")
    monkeypatch.setenv("MUNBOOK_GATE_TIMEOUT", "6")
    server = Served(home, tmp_path / "serve.log")
    server.start()
    yield server
    server.kill(15)


def get(url: str) -> tuple[int, str, dict]:
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


@pytest.mark.browser
def test_the_cap_answers_busy_and_the_gate_timeout_frees_kernels(small_server: Served):
    answers = [get(small_server.url(KENYA)) for _ in range(3)]
    assert [a[0] for a in answers] == [200, 200, 503]
    _, page, headers = answers[2]
    assert "The server is busy, try again in a minute." in page and headers["Retry-After"] == "60"
    assert len(kernels(small_server)) == 2
    # Nobody enters a code: each kernel asks the server to shut it down after 6 s.
    assert wait_for(lambda: not kernels(small_server), 60)
    log = small_server.log.read_text()
    assert log.count("204 POST /voila/api/shutdown/") == 2
    assert get(small_server.url(KENYA))[0] == 200  # room again


@pytest.mark.browser
def test_closing_the_page_frees_its_kernel(small_server: Served, browser, demo_home):
    context = browser.new_context()
    page = context.new_page()
    page.goto(small_server.url(KENYA, demo_home["Kenya"]), timeout=120_000)
    page.wait_for_selector(".mb-app", timeout=120_000)  # the gate opened: no timeout now
    assert "_xsrf" in {c["name"] for c in context.cookies()}
    assert len(kernels(small_server)) == 1
    page.close(run_before_unload=True)  # as a person closing the tab
    assert wait_for(lambda: not kernels(small_server), 30)
    log = small_server.log.read_text()
    assert "204 POST /voila/api/shutdown/" in log and "403 POST" not in log
    assert "GET /voila/render/" in log and "is not trusted" not in log  # UntrustedContents
    context.close()
