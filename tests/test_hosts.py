"""Workers on separate hosts: every hop crosses a network made by the test.

PostgreSQL, ``munbook proxy`` (HAProxy) and two ``munbook serve --name`` workers each
run in a network namespace of their own (bench/netns.py: a bridge, a veth and an
address per host; this process joins at 10.251.29.1), with ``MUNBOOK_HOME`` on a bind
mount every host shares. 30 simulated delegates write through the page's protocol;
one worker's host is cut off (link down, then every process on it killed); later
PostgreSQL's link is down for 10 s. Skipped, saying why, where namespaces cannot be
made. Traffic goes only to loopback and to the addresses made here.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SOURCES

sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
import hosts as hosts_bench  # bench/hosts.py
import loadgen
import netns
import page_protocol

from widgets import settings
from widgets.cli import main
from widgets.serving import workers

DELEGATES = int(os.environ.get("HOSTS_DELEGATES", "30"))  # fewer while developing
RECOVERY = 30  # s from the cut until each cut-off delegate's typing is saved again (as workers)
RESUME = 15  # s from PostgreSQL's return until every page has saved again
OUTAGE = 10.0  # s PostgreSQL's link is down


def _skip_reason() -> str:
    why = netns.unavailable()
    if why:
        return why
    try:
        workers.haproxy_binary()
    except Exception:
        return "HAProxy is not installed (scripts/system-packages installs it)"
    if not Path("/usr/lib/postgresql").is_dir():
        return "no PostgreSQL server binaries (/usr/lib/postgresql)"
    return ""


# ---- the commands, without a network -------------------------------------------------


def test_peers_are_checked_and_named_where_wrong():
    from widgets.exceptions import MunbookError
    from widgets.serving import hosts

    team = hosts.parse_peers("w1=10.0.0.11:8866, w2=[fd00::12]:8866,db-3=worker.example.org:80")
    assert [(w.name, w.address) for w in team] == [
        ("w1", "10.0.0.11:8866"),
        ("w2", "[fd00::12]:8866"),
        ("db-3", "worker.example.org:80"),
    ]
    assert hosts.parse_peers(hosts.peers_text(team)) == team
    for text, said in [
        ("", "name the workers"),
        ("w1=10.0.0.11", "entry 1 'w1=10.0.0.11' is not name=host:port"),
        ("w1=10.0.0.11:8866,W2=10.0.0.12:8866", "entry 2 'W2=10.0.0.12:8866'"),
        ("w1=10.0.0.11:65536", "a port 1-65535"),
        ("w1=10.0.0.11:8866,w1=10.0.0.12:8866", "w1 is named twice"),
        ("w1=10.0.0.11:8866,w2=10.0.0.11:8866", "10.0.0.11:8866 is named twice"),
        ("x" * (hosts.SPEC_CHARS + 1), f"at most {hosts.SPEC_CHARS}"),
    ]:
        with pytest.raises(MunbookError, match=re.escape(said)):
            hosts.parse_peers(text)
    past = ",".join(f"w{n}=10.0.0.{n}:8866" for n in range(1, settings.MAX_WORKERS + 2))
    with pytest.raises(MunbookError, match=f"at most {settings.MAX_WORKERS}"):
        hosts.parse_peers(past)


def test_serve_and_proxy_refuse_a_worker_the_list_does_not_name(home: Path):
    peers = "w1=10.0.0.11:8866,w2=10.0.0.12:8866"
    for argv, said in [
        (
            ["serve", "--name", "w3", "--peers", peers],
            "--name w3: not in --peers (it names w1, w2)",
        ),
        (["serve", "--name", "w1"], "--name and --peers go together"),
        (
            ["serve", "--name", "w1", "--peers", peers, "--port", "9000"],
            "listens at 10.0.0.11:8866",
        ),
        (["serve", "--workers", "2", "--name", "w1", "--peers", peers], "not with --workers"),
        (["proxy", "--peers", "w1=10.0.0.11"], "is not name=host:port"),
    ]:
        done = CliRunner().invoke(main, argv, prog_name="munbook")
        assert done.exit_code == 2, done.output
        assert said in done.output and len(done.output.strip().splitlines()) <= 2, done.output
    assert not (home / "run").exists()  # nothing started


def test_proxy_writes_a_config_haproxy_accepts(home: Path, tmp_path: Path):
    try:
        workers.haproxy_binary()
    except Exception:
        pytest.skip("HAProxy is not installed (scripts/system-packages installs it)")
    out = tmp_path / "haproxy.cfg"
    argv = ["proxy", "--peers", "w1=10.0.0.11:8866,w2=10.0.0.12:8866", "--config-only", str(out)]
    done = CliRunner().invoke(main, argv, prog_name="munbook")
    assert done.exit_code == 0, done.output
    text = out.read_text()
    assert "server w2 10.0.0.12:8866 check cookie w2" in text
    assert "on-marked-down shutdown-sessions" in text
    assert out.stat().st_mode & 0o777 == 0o600


# ---- the hosts -------------------------------------------------------------------------


def test_what_a_killed_run_left_is_cleaned_at_start(tmp_path: Path):
    if why := netns.unavailable():
        pytest.skip(why)
    left = netns.Network({"w9": 99})  # as a run killed before its cleanup leaves it
    sleeper = left.start("w9", ["sleep", "600"], tmp_path / "sleep.log", {})
    share, seen = tmp_path / "export", tmp_path / netns.SHARED_HOME
    share.mkdir()
    hosts_bench.bind_mount(share, seen)
    data = Path(netns.tempfile.mkdtemp(prefix=netns.PG_FOLDER))
    try:
        assert set(netns.clean_stale()) == {netns.SWITCH, "munbook-w9"}
        assert sleeper.wait(timeout=10) == -9  # its processes killed with it
        assert not [n for n in _namespaces() if n.startswith(netns.PREFIX)]
        assert str(seen) not in Path("/proc/mounts").read_text()
        assert not data.exists()
        assert subprocess.run(["ip", "link", "show", netns.OURS], capture_output=True).returncode
    finally:
        left.close()
        hosts_bench.unmount(seen)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory):
    if why := _skip_reason():
        pytest.skip(why)
    netns.clean_stale()  # what a killed earlier run left behind
    root = tmp_path_factory.mktemp("hosts")
    running = hosts_bench.HostsCluster(root, 2, hosts_bench.cluster_env(DELEGATES))
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("MUNBOOK_HOME", str(running.home))
            patch.setenv("MUNBOOK_DB", running.db)
            hosts_bench.prepare(running, DELEGATES + 1)  # one more: the submissions' delegation
            running.start()
            yield running
    finally:
        running.close()
    assert not [n for n in _namespaces() if n.startswith(netns.PREFIX)]


@pytest.fixture
def on_hosts(cluster: hosts_bench.HostsCluster, monkeypatch: pytest.MonkeyPatch):
    """The cluster, with this process's store and home its (conftest's ``home`` resets them)."""
    monkeypatch.setenv("MUNBOOK_HOME", str(cluster.home))
    monkeypatch.setenv("MUNBOOK_DB", cluster.db)
    return cluster


def _namespaces() -> list[str]:
    listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, timeout=20)
    return [line.split()[0] for line in listed.stdout.splitlines() if line.strip()]


def test_the_proxy_names_the_workers_by_address(on_hosts: hosts_bench.HostsCluster):
    cluster = on_hosts
    config = (cluster.root / "lb-home" / "run" / "haproxy.cfg").read_text()
    for name in cluster.names:
        address = f"{cluster.net.address(name)}:{hosts_bench.PORT}"
        assert f"server {name} {address} check cookie {name}" in config
    assert "on-marked-down shutdown-sessions" in config


def test_the_docs_commands_are_the_ones_run_here(on_hosts: hosts_bench.HostsCluster):
    """docs/running/hosts.md's commands, its 10.0.0.x being this network's 10.251.29.x."""
    cluster = on_hosts
    page = (Path(__file__).parent.parent / "docs" / "running" / "hosts.md").read_text()
    lines = [line[2:].replace("10.0.0.", f"{netns.SUBNET}.") for line in page.splitlines()]
    lines = [line for line, raw in zip(lines, page.splitlines(), strict=True) if raw[:2] == "$ "]
    lines = [line for line in lines if line.startswith(("munbook ", "export "))]
    run = [" ".join(argv) for argv in cluster.commands]
    said = [line.removeprefix("munbook ") for line in lines if line.startswith("munbook ")]
    assert len(said) == 4
    for command in said:
        if command.startswith("generate "):  # the test's own list of countries
            assert any(
                re.sub(r"--countries \S+", "", r) == re.sub(r"--countries \S+", "", command)
                for r in run
            )
        else:
            assert command in run, (command, run)
    env = next(line for line in lines if line.startswith("export "))
    assert f"MUNBOOK_DB={cluster.db} " in env


def test_a_workbook_generated_on_one_host_opens_on_each(on_hosts: hosts_bench.HostsCluster):
    """w1 generated every workbook (``munbook generate`` there); each worker serves them."""
    cluster = on_hosts
    who = loadgen.delegates_from(cluster.home, DELEGATES + 1)[-1]

    async def visit(worker: str) -> tuple[str, int]:
        jar = {workers.COOKIE: worker}  # the proxy sends the page to the worker named
        page = await page_protocol.open_workbook(cluster.base, who, jar)
        try:
            return jar[workers.COOKIE], len(page.sections())
        finally:
            page.close()

    async def both() -> list[tuple[str, int]]:
        return list(await asyncio.gather(*(visit(w) for w in cluster.names)))

    wanted = [(worker, 8) for worker in cluster.names]
    deadline = time.monotonic() + 60
    got = loadgen.run_async(both())
    while got != wanted and time.monotonic() < deadline:
        time.sleep(5)  # a worker the proxy marked down on a busy machine comes back
        got = loadgen.run_async(both())
    assert got == wanted


SUBMIT = """
import datetime, hashlib, json, sys, time
from widgets.store import Store
from widgets.workflows import submit
delegation, at, start = int(sys.argv[1]), datetime.datetime.fromisoformat(sys.argv[2]), float(sys.argv[3])
store = Store()
store.delegation(delegation)  # connected and warm before the moment
while time.time() < start:
    time.sleep(0.005)
try:
    receipt = submit.submit(store, delegation, at=at)
    print(json.dumps({"sha256": receipt.sha256, "path": receipt.path}))
except FileExistsError as exc:
    print(json.dumps({"exists": exc.filename}))
"""

READ = """
import hashlib, json, pathlib, sys
folder = pathlib.Path(sys.argv[1])
print(json.dumps({p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob("*.pdf")}))
"""


def _on_hosts(cluster, script: str, argvs: dict[str, list[str]]) -> dict[str, dict]:
    """``script`` on each host at once (python in its namespace); each one's JSON answer."""
    running = {
        host: subprocess.Popen(
            [
                "ip",
                "netns",
                "exec",
                cluster.net.namespace(host),
                sys.executable,
                "-c",
                script,
                *argv,
            ],
            env=cluster.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for host, argv in argvs.items()
    }
    answers = {}
    for host, process in running.items():
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, f"{host}: {err[-2000:]}"
        answers[host] = json.loads(out.strip().splitlines()[-1])
    return answers


def test_two_hosts_submit_into_one_folder_at_once(on_hosts: hosts_bench.HostsCluster):
    """Both hosts write the same submission folder at the same moment: nothing clobbered."""
    cluster = on_hosts
    from datetime import UTC, datetime

    from widgets.store import Store

    store = Store()
    try:
        # Not among the generated ones (those have no names: a submission needs them).
        who = store.delegation(
            store.add_delegation("interpol", "KEN", "Wanjiru Kamau", "Nairobi Academy")
        )
        sections = {
            f"{t}.{s}": f"Kenya {t} {s} text."
            for t in "AB"
            for s in ("background", "past_action", "country_policy", "solutions")
        }
        content = {"sections": sections, "sources": SOURCES, "disclosure": "None."}
        latest = store.latest_draft(who.id)
        store.save_draft(who.id, content, latest.version if latest else None)
        start = time.time() + 6  # both started and connected by then
        same = datetime.now(UTC).isoformat()
        # The same instant on both (clocks agreeing to the microsecond): one file, one row.
        told = _on_hosts(
            cluster, SUBMIT, {h: [str(who.id), same, str(start)] for h in ("w1", "w2")}
        )
        won = [a for a in told.values() if "sha256" in a]
        assert len(won) == 1 and sum("exists" in a for a in told.values()) == 1, told
        folder = settings.submission_file(who.committee, who.country, datetime.now(UTC)).parent
        # Each host its own moment: two files, two rows, neither clobbered.
        start = time.time() + 6
        argvs = {h: [str(who.id), datetime.now(UTC).isoformat(), str(start)] for h in ("w1", "w2")}
        both = _on_hosts(cluster, SUBMIT, argvs)
        assert all("sha256" in a for a in both.values()), both
        rows = store.submissions(who.id)
        assert len(rows) == 3
        # What the hosts wrote, read on the other host (w2 reads w1's and its own, w1 too).
        seen = _on_hosts(cluster, READ, {h: [str(folder)] for h in ("w1", "w2")})
        assert seen["w1"] == seen["w2"]
        assert sorted(seen["w1"].values()) == sorted(r["sha256"] for r in rows)
        assert {r["source_name"] for r in rows} == set(seen["w1"])
        assert hashlib.sha256(rows[0]["pdf"]).hexdigest() == won[0]["sha256"]
        for path in folder.glob("*.pdf"):
            assert path.stat().st_mode & 0o777 == 0o400  # write-once, on the shared mount too
    finally:
        store.dispose()


def test_a_host_cut_off_then_the_store_away(on_hosts: hosts_bench.HostsCluster):
    """30 delegates through the proxy; w1's host is cut off and switched off: its delegates
    write again on w2 within 30 s. Then PostgreSQL is unreachable for 10 s: the pages say
    "Reconnecting", nothing typed is lost, every page saves again once it is back."""
    cluster = on_hosts
    f = hosts_bench.hosts_run(cluster, DELEGATES, "w1", OUTAGE, after=20)
    print("separate hosts:", hosts_bench.summary(f))
    print(hosts_bench.reopen_summary(f))
    assert f["errors"] == []
    assert f["opened"] == DELEGATES
    assert f["wrote_before_kill"] >= DELEGATES
    assert f["lost"] == 0
    cut = [o for o in f["outcomes"] if o.failed_at]
    assert cut, "w1 held no delegate"
    # HAProxy found the silent host down and closed its pages (no reset ever came back).
    assert f["closed_max"] <= 10, hosts_bench.summary(f)
    again = {
        o.delegate.country: o.writing_again_at[0] - f["killed_at"]
        for o in cut
        if o.writing_again_at
    }
    assert len(again) == len(cut) and max(again.values()) <= RECOVERY, again
    # The store away: every page said so, and saved again soon after it returned.
    assert f["told_reconnecting"] == DELEGATES
    assert f["resumed"] == DELEGATES and f["resumed_max"] <= RESUME, hosts_bench.summary(f)
    assert "stopped (exit" not in cluster.text("w2")
