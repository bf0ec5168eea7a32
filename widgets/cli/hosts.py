"""Several workers: their share of a machine, and workers on several machines
(``munbook proxy`` in front, ``munbook serve --name/--peers`` on each)."""

from __future__ import annotations

import os
from pathlib import Path

import click
from click.core import ParameterSource

from .. import settings
from ..exceptions import MunbookError
from .group import main

PEERS_HELP = (
    "Every worker of the conference and where it listens, the same list on every machine: "
    "name=host:port,... (e.g. w1=10.0.0.11:8866,w2=10.0.0.12:8866)."
)


def share_kernel_cap(workers: int) -> int:
    """Each worker's kernel cap: the one given, else 1/``workers`` of the machine's (set for them).

    Unshared, each worker would take half the free memory for itself.
    """
    if not os.environ.get("MUNBOOK_MAX_KERNELS", "").strip():
        os.environ["MUNBOOK_MAX_KERNELS"] = str(max(2, settings.max_kernels() // workers))
    return settings.max_kernels()


def peer_options(command):
    """``serve``'s ``--name`` and ``--peers``: this machine's worker among the others."""
    command = click.option("--peers", help=PEERS_HELP + " With --name.")(command)
    return click.option(
        "--name",
        "worker_name",
        help="This worker's name in --peers (several machines behind `munbook proxy`); "
        "it listens at the address --peers gives it unless --host/--port say otherwise.",
    )(command)


def as_peer(name: str | None, peers: str | None, host: str, port: int) -> tuple[str, int]:
    """With ``--name``: this worker's (host, port), its name and peers set for it and its kernels."""
    if not name and not peers:
        return host, port
    if not (name and peers):
        raise MunbookError("--name and --peers go together: this worker's name, and the list")
    from ..serving import hosts
    from ..serving.kernel_cap import NAME_ENV
    from ..serving.peers import PEERS_ENV

    team = hosts.parse_peers(peers)
    me = hosts.this_worker(team, name)
    ctx = click.get_current_context()
    given = {
        p: ctx.get_parameter_source(p) == ParameterSource.COMMANDLINE for p in ("host", "port")
    }
    host = host if given["host"] else me.host.strip("[]")
    port = port if given["port"] else me.port
    if port != me.port or host not in (me.host.strip("[]"), "0.0.0.0", "::"):
        raise MunbookError(
            f"--peers says {name} listens at {me.address}, but this worker would listen at "
            f"{host}:{port}: HAProxy and the other workers look for it at {me.address}"
        )
    os.environ[NAME_ENV], os.environ[PEERS_ENV] = name, hosts.peers_text(team)
    return host, port


@main.command("proxy")
@click.option("--peers", required=True, help=PEERS_HELP)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8866, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--config-only",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write HAProxy's config here (checked) and stop, for a system HAProxy to run.",
)
def proxy_cmd(peers: str, host: str, port: int, config_only: Path | None) -> None:
    """HAProxy in front of `munbook serve --name` workers on other machines."""
    from ..serving import hosts, serve

    team = hosts.parse_peers(peers)
    proxy = hosts.Proxy(host, port, team, say=click.echo)
    if config_only:
        click.echo(f"HAProxy config for {len(team)} workers: {proxy.write_config(config_only)}")
        return
    serve.check_port(host, port)
    proxy.start()
    click.echo(f"HAProxy on http://{host}:{port}/ in front of {len(team)} workers  (Ctrl-C stops)")
    proxy.report()
    click.echo(
        "  a worker that stops is taken out within seconds, its pages closed; back when it answers"
    )
    proxy.run()
