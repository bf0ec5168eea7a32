import logging
import socket
from pathlib import Path

import pytest

from widgets import serve, settings
from widgets.exceptions import MunbookError


def test_serving_defaults():
    config = serve.serving_config()
    assert config.VoilaConfiguration.show_tracebacks is False
    assert config.MappingKernelManager.cull_idle_timeout == 3600
    assert config.MappingKernelManager.cull_interval == 60
    assert all(
        "ipynb" not in pattern and "sqlite" not in pattern and "csv" not in pattern
        for pattern in config.VoilaConfiguration.file_allowlist
    )


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
