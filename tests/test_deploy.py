"""deploy/: the container image and the Kubernetes manifests agree with munbook itself.

The image cannot be built here (no base image download), so its instructions are
checked; the manifests are validated against the Kubernetes schemas offline
(kubernetes-validate) and compared with what ``munbook serve`` uses.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from widgets import settings
from widgets.cli.running import serve_cmd

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
KUBE = DEPLOY / "kubernetes"
KUBERNETES_VERSION = "1.32"  # the oldest release still supported upstream in 2026


def resources() -> list[dict[str, Any]]:
    listed = yaml.safe_load((KUBE / "kustomization.yaml").read_text())["resources"]
    assert sorted(listed) == sorted(
        p.name for p in KUBE.glob("*.yaml") if p.stem != "kustomization"
    )
    return [doc for name in listed for doc in yaml.safe_load_all((KUBE / name).read_text()) if doc]


def one(kind: str, name: str) -> dict[str, Any]:
    return next(r for r in resources() if r["kind"] == kind and r["metadata"]["name"] == name)


def containers() -> list[dict[str, Any]]:
    found = []
    for r in resources():
        spec = r.get("spec", {})
        pod = spec.get("jobTemplate", {}).get("spec", spec).get("template", {}).get("spec")
        found += (pod or {}).get("containers", [])
    return found


def serve_default(name: str) -> Any:
    return next(p.default for p in serve_cmd.params if p.name == name)


def instructions() -> list[tuple[str, str]]:
    text = (DEPLOY / "Containerfile").read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [tuple(line.split(None, 1)) for line in lines if line and not line.startswith("#")]


@pytest.mark.parametrize("doc", resources(), ids=lambda d: f"{d['kind']}/{d['metadata']['name']}")
def test_every_manifest_is_valid_kubernetes(doc: dict[str, Any]):
    kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_an_invalid_manifest_is_refused():
    broken = one("Deployment", "munbook")
    broken = {**broken, "spec": {**broken["spec"], "replicas": "three"}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def test_workers_use_the_port_and_health_path_munbook_serves():
    port = serve_default("port")
    (worker,) = one("Deployment", "munbook")["spec"]["template"]["spec"]["containers"]
    args = worker["args"]
    assert args[:2] == ["munbook", "serve"] and args[args.index("--port") + 1] == str(port)
    assert args[args.index("--host") + 1] == "0.0.0.0"
    assert worker["ports"] == [{"name": "http", "containerPort": port}]
    haproxy = (ROOT / "templates" / "haproxy" / "munbook.cfg").read_text()
    (checked,) = re.findall(r"option httpchk HEAD (\S+)", haproxy)  # the path that says ready
    for probe in ("readinessProbe", "livenessProbe"):
        assert worker[probe]["httpGet"] == {"path": checked, "port": "http"}
    service = one("Service", "munbook")["spec"]["ports"]
    assert service == [{"name": "http", "port": port, "targetPort": "http"}]
    rule = one("Ingress", "munbook")["spec"]["rules"][0]["http"]["paths"][0]["backend"]
    assert rule == {"service": {"name": "munbook", "port": {"name": "http"}}}


def test_ingress_keeps_a_delegate_on_one_pod_with_long_websockets():
    notes = one("Ingress", "munbook")["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert int(notes["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 8 * 3600
    assert notes["nginx.ingress.kubernetes.io/enable-access-log"] == "false"  # codes in URLs


def test_every_setting_named_is_one_munbook_reads():
    read = set(
        re.findall(
            r"MUNBOOK_[A-Z_]+", "".join(p.read_text() for p in (ROOT / "widgets").rglob("*.py"))
        )
    )
    named = set(one("ConfigMap", "munbook")["data"])
    for name in ("munbook-db", "munbook-db-direct"):
        named |= set(one("Secret", name)["stringData"])
    assert named <= read, sorted(named - read)
    assert one("ConfigMap", "munbook")["data"]["MUNBOOK_HOME"] == "/data"


def test_jobs_reach_postgresql_directly_and_workers_through_pgbouncer():
    direct = one("Secret", "munbook-db-direct")["stringData"]["MUNBOOK_DB"]
    pooled = one("Secret", "munbook-db")["stringData"]["MUNBOOK_DB"]
    assert "@pgbouncer:6432/" in pooled and "pgbouncer" not in direct
    by_command = {tuple(c.get("command") or c.get("args", [])[:2]): c for c in containers()}
    for command in (("munbook", "db", "upgrade"), ("munbook", "backup")):
        refs = [e.get("secretRef", {}).get("name") for e in by_command[command]["envFrom"]]
        assert "munbook-db-direct" in refs and "munbook-db" not in refs
    ini = one("ConfigMap", "pgbouncer")["data"]["pgbouncer.ini"]
    assert "pool_mode = transaction" in ini


def test_memory_limit_holds_munbooks_own_kernel_budget():
    """Past its limit a pod is killed; munbook's own cap must turn pages away first."""
    (worker,) = one("Deployment", "munbook")["spec"]["template"]["spec"]["containers"]
    pages = int(worker["args"][worker["args"].index("--max-kernels") + 1])
    pool = int(one("ConfigMap", "munbook")["data"]["MUNBOOK_POOL"])
    limit_mb = int(worker["resources"]["limits"]["memory"].removesuffix("Gi")) * 1024
    assert limit_mb >= (pages + pool) * settings.KERNEL_MB
    request_mb = int(worker["resources"]["requests"]["memory"].removesuffix("Gi")) * 1024
    assert request_mb <= limit_mb


def test_every_pod_runs_as_a_user_not_root():
    for r in resources():
        spec = r.get("spec", {})
        pod = spec.get("jobTemplate", {}).get("spec", spec).get("template", {}).get("spec")
        if pod:
            assert pod["securityContext"]["runAsNonRoot"] is True, r["metadata"]["name"]


def test_the_image_installs_the_lock_and_serves_as_a_user():
    steps = instructions()
    stages = [args for op, args in steps if op == "FROM"]
    assert all(s.startswith("docker.io/library/debian:bookworm-slim") for s in stages)
    munbook = steps[: next(i for i, (op, a) in enumerate(steps) if op == "FROM" and i > 0)]
    runs = " ".join(a for op, a in munbook if op == "RUN")
    assert "-r requirements.lock" in runs and "--no-deps ." in runs
    (user,) = [a for op, a in munbook if op == "USER"]
    assert user != "0" and user != "root"
    (cmd,) = [a for op, a in munbook if op == "CMD"]
    assert yaml.safe_load(cmd)[:4] == ["munbook", "serve", "--host", "0.0.0.0"]
    assert [a for op, a in munbook if op == "EXPOSE"] == [str(serve_default("port"))]


def test_the_image_has_the_fonts_and_tools_papers_need():
    runs = " ".join(a for op, a in instructions() if op == "RUN")
    installed = set(shlex.split(runs))
    wanted = re.findall(r"^\s+(\S+)\s", (ROOT / "scripts" / "system-packages").read_text(), re.M)
    runtime = {p for p in wanted if p.startswith("fonts-")} | {"poppler-utils", "libpq5"}
    assert runtime <= installed, sorted(runtime - installed)


def test_the_image_copies_what_the_wheel_carries():
    copied = {a.split()[0] for op, a in instructions() if op == "COPY"}
    pyproject = (ROOT / "pyproject.toml").read_text()
    carried = set(re.findall(r'^"(\w+)" = "widgets/', pyproject, re.M))
    assert carried and carried <= copied
    ignored = {line for line in (ROOT / ".containerignore").read_text().splitlines()}
    for source in copied:
        assert (ROOT / source).exists() and source not in ignored, source


def test_hadolint_passes_the_containerfile(tmp_path: Path):
    hadolint = Path(sys.executable).parent / "hadolint"
    done = subprocess.run([hadolint, DEPLOY / "Containerfile"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    bad = tmp_path / "Containerfile"  # and it does refuse: root and a floating base
    bad.write_text("FROM debian\nRUN apt-get install curl\nCMD munbook serve\n")
    assert subprocess.run([hadolint, bad], capture_output=True).returncode != 0


def test_kustomize_renders_the_folder_the_docs_apply():
    """`kubectl apply -k deploy/kubernetes` (the docs' command) renders every resource."""
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("no kubectl here: the manifests are still validated one by one above")
    done = subprocess.run([kubectl, "kustomize", str(KUBE)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    rendered = [d for d in yaml.safe_load_all(done.stdout) if d]
    assert sorted((d["kind"], d["metadata"]["name"]) for d in rendered) == sorted(
        (d["kind"], d["metadata"]["name"]) for d in resources()
    )
    for doc in rendered:  # the common label, as kustomization.yaml sets it
        assert doc["metadata"]["labels"]["app.kubernetes.io/part-of"] == "munbook"
