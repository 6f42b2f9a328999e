"""deploy/: the Kubernetes overlays render (kubectl kustomize) and validate against the Kubernetes schemas
(kubernetes-validate; the two custom resources against minimal schemas in tests/fixtures/crd), checkov
finds nothing beyond the reasoned skips of deploy/.checkov.yaml, the Dockerfile parses (BuildKit's parser,
the `dockerfile` package) and keeps its conventions, and compose.yaml validates against the Compose
Specification's schema (as shipped by check-jsonschema). No Docker engine exists here: the image is not
built by the tests (docs/deploy.md)."""

from __future__ import annotations

import copy
import functools
import importlib.resources
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import dockerfile
import jsonschema
import kubernetes_validate
import pytest
import yaml

from siyada.config import parse_config_file
from siyada.gateway.egress import EgressPolicy

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
KUSTOMIZE = DEPLOY / "kubernetes"
OVERLAYS = ("dev", "prod")
K8S_VERSIONS = ("1.29.0", kubernetes_validate.latest_version())  # oldest supported upstream, newest known
CRD_SCHEMAS = {
    ("monitoring.coreos.com/v1", "ServiceMonitor"): "servicemonitor.json",
    ("postgresql.cnpg.io/v1", "Cluster"): "cnpg-cluster.json",
}
KUBECTL = shutil.which("kubectl")
needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="kubectl (with kustomize) is not installed")


@functools.cache
def rendered_text(overlay: str) -> str:
    assert KUBECTL is not None
    proc = subprocess.run(
        [KUBECTL, "kustomize", str(KUSTOMIZE / "overlays" / overlay)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def rendered(overlay: str) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(rendered_text(overlay)) if d]


def find(docs: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    hits = [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name]
    assert len(hits) == 1, f"{kind}/{name}: {len(hits)} found"
    return hits[0]


def pod_specs(docs: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{d['kind']}/{d['metadata']['name']}", d["spec"]["template"]["spec"])
        for d in docs
        if d["kind"] in ("Deployment", "Job", "StatefulSet", "DaemonSet")
    ]


# ---- Kubernetes ----------------------------------------------------------------------------------


@needs_kubectl
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_overlay_renders_and_validates_against_the_schemas(overlay: str) -> None:
    docs = rendered(overlay)
    kinds = {d["kind"] for d in docs}
    for kind in ("Deployment", "Service", "Ingress", "HorizontalPodAutoscaler", "PodDisruptionBudget"):
        assert kind in kinds, kind
    for kind in ("ConfigMap", "NetworkPolicy", "Job", "ServiceMonitor", "ServiceAccount"):
        assert kind in kinds, kind
    for doc in docs:
        assert doc["metadata"].get("namespace") == ("siyada" if overlay == "prod" else "siyada-dev"), doc
        crd = CRD_SCHEMAS.get((doc["apiVersion"], doc["kind"]))
        if crd is not None:
            schema = json.loads((ROOT / "tests" / "fixtures" / "crd" / crd).read_text())
            jsonschema.validate(doc, schema, cls=jsonschema.Draft202012Validator)
            continue
        for version in K8S_VERSIONS:
            kubernetes_validate.validate(doc, version, strict=True)  # raises on any error


@needs_kubectl
def test_the_schema_checks_catch_a_mistake() -> None:
    """The validation above can fail: a misspelt field and a wrong type are refused."""
    deployment = find(rendered("dev"), "Deployment", "siyada")
    bad = copy.deepcopy(deployment)
    bad["spec"]["template"]["spec"]["containers"][0]["readinessProbes"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(bad, K8S_VERSIONS[0], strict=True)
    monitor = find(rendered("dev"), "ServiceMonitor", "siyada")
    bad = copy.deepcopy(monitor)
    bad["spec"]["endpoints"][0]["intervall"] = "30s"
    schema = json.loads((ROOT / "tests" / "fixtures" / "crd" / "servicemonitor.json").read_text())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema, cls=jsonschema.Draft202012Validator)


@needs_kubectl
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_server_is_probed_and_confined(overlay: str) -> None:
    docs = rendered(overlay)
    server = find(docs, "Deployment", "siyada")["spec"]["template"]["spec"]
    (container,) = server["containers"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/health"
    assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert container["startupProbe"]["httpGet"]["path"] == "/health"
    for where, spec in pod_specs(docs):
        assert spec["securityContext"]["runAsNonRoot"] is True, where
        assert spec["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault", where
        assert spec.get("automountServiceAccountToken") is False, where
        for c in spec.get("initContainers", []) + spec["containers"]:
            sc = c["securityContext"]
            assert sc["readOnlyRootFilesystem"] is True, (where, c["name"])
            assert sc["allowPrivilegeEscalation"] is False, (where, c["name"])
            assert sc["capabilities"]["drop"] == ["ALL"], (where, c["name"])
            assert {"cpu", "memory"} <= set(c["resources"]["limits"]), (where, c["name"])
            assert {"cpu", "memory"} <= set(c["resources"]["requests"]), (where, c["name"])


@needs_kubectl
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_migrations_run_in_a_job_before_the_new_pods(overlay: str) -> None:
    docs = rendered(overlay)
    job = find(docs, "Job", "siyada-migrate")["spec"]["template"]["spec"]
    assert job["containers"][0]["args"] == ["migrate"]
    server = find(docs, "Deployment", "siyada")["spec"]["template"]["spec"]
    (init,) = server["initContainers"]
    assert init["args"][:2] == ["migrate", "--check"] and "--wait" in init["args"]
    config = find_config(docs)
    assert config["migrate_on_start"] is False  # replicas never migrate: no race with the job
    # Every secret reaches the pods as a file (SIYADA_*_FILE), none as an environment value.
    for _, spec in pod_specs(docs):
        for c in spec.get("initContainers", []) + spec["containers"]:
            for env in c.get("env", []):
                assert "valueFrom" not in env, (c["name"], env)


def find_config(docs: list[dict[str, Any]]) -> dict[str, Any]:
    (cm,) = [
        d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"].startswith("siyada-config")
    ]
    return yaml.safe_load(cm["data"]["siyada.yaml"])


def _parses_as_siyada_config(text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Siyada's own parser accepts the file, with the secrets it reads from the environment set."""
    for var in ("SIYADA_PRIVACY_SECRET", "SIYADA_HASH_SECRET", "SIYADA_WIDGET_SECRET"):
        monkeypatch.setenv(var, var.lower().ljust(40, "x"))
    for var in ("POSTGRES_PASSWORD", "REDIS_PASSWORD"):
        monkeypatch.setenv(var, "password")
    path = tmp_path / "siyada.yaml"
    path.write_text(text)
    cfg = parse_config_file(path)
    policy = EgressPolicy.from_entries(cfg.egress_allow)
    for provider in cfg.providers:  # the gateway could not reach an upstream the allow-list leaves out
        assert policy.explain(provider.url) is None, provider.url
    return cfg


@needs_kubectl
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_configmap_is_a_valid_siyada_config(
    overlay: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = rendered(overlay)
    (cm,) = [d for d in docs if d["kind"] == "ConfigMap"]
    cfg = _parses_as_siyada_config(cm["data"]["siyada.yaml"], tmp_path, monkeypatch)
    assert [p.url for p in cfg.providers] == ["http://vllm:8000/v1"]


@needs_kubectl
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_scaling_disruption_ingress_and_monitoring(overlay: str) -> None:
    docs = rendered(overlay)
    hpa = find(docs, "HorizontalPodAutoscaler", "siyada")["spec"]
    assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "siyada"}
    assert 1 <= hpa["minReplicas"] < hpa["maxReplicas"]
    pdb = find(docs, "PodDisruptionBudget", "siyada")["spec"]
    server = find(docs, "Deployment", "siyada")
    labels = server["spec"]["template"]["metadata"]["labels"]
    assert pdb["selector"]["matchLabels"].items() <= labels.items()
    service = find(docs, "Service", "siyada")["spec"]
    assert service["selector"].items() <= labels.items()
    monitor = find(docs, "ServiceMonitor", "siyada")["spec"]
    assert monitor["endpoints"][0]["path"] == "/metrics"
    ingress = find(docs, "Ingress", "siyada")["spec"]
    assert ingress["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"] == "siyada"
    assert ingress["tls"], "TLS at the ingress"


@needs_kubectl
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_egress_is_limited_to_dns_the_model_server_and_the_data_stores(overlay: str) -> None:
    docs = rendered(overlay)
    policies = [
        d
        for d in docs
        if d["kind"] == "NetworkPolicy"
        and "Egress" in d["spec"]["policyTypes"]
        and d["spec"]["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "siyada"}
    ]
    ports = sorted(p["port"] for pol in policies for rule in pol["spec"]["egress"] for p in rule["ports"])
    assert ports == [53, 53, 5432, 6379, 8000]  # DNS (UDP, TCP), PostgreSQL, Redis, vLLM
    for pol in policies:
        for rule in pol["spec"]["egress"]:
            assert rule.get("to"), "an egress rule without `to` would allow every destination"
            for peer in rule["to"]:
                cidr = peer.get("ipBlock", {}).get("cidr")
                assert cidr is None or cidr.endswith("/32"), cidr  # one host, never a range
    # Every pod of Siyada (server and job) is under them; the model server may reach nothing.
    for d in docs:
        if d["kind"] in ("Deployment", "Job") and d["metadata"]["name"] != "vllm":
            assert d["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/name"] == "siyada"
    assert find(docs, "NetworkPolicy", "vllm")["spec"]["egress"] == []


@needs_kubectl
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_vllm_runs_on_gpu_nodes(overlay: str) -> None:
    docs = rendered(overlay)
    spec = find(docs, "Deployment", "vllm")["spec"]["template"]["spec"]
    assert spec["nodeSelector"] == {"nvidia.com/gpu.present": "true"}
    assert any(t["key"] == "nvidia.com/gpu" for t in spec["tolerations"])
    (c,) = spec["containers"]
    assert c["resources"]["limits"]["nvidia.com/gpu"] == 1
    assert {"name": "HF_HUB_OFFLINE", "value": "1"} in c["env"]  # nothing downloaded at run time
    assert find(docs, "Service", "vllm")["spec"]["selector"] == {"app.kubernetes.io/name": "vllm"}


@needs_kubectl
def test_prod_runs_postgresql_with_cloudnativepg_and_commits_no_secret() -> None:
    docs = rendered("prod")
    cluster = find(docs, "Cluster", "siyada-db")["spec"]
    assert cluster["instances"] >= 3
    assert "CREATE EXTENSION IF NOT EXISTS vector" in cluster["bootstrap"]["initdb"]["postInitApplicationSQL"]
    assert not [d for d in docs if d["kind"] == "Secret"]
    server = find(docs, "Deployment", "siyada")["spec"]["template"]["spec"]
    env = {e["name"]: e.get("value") for e in server["containers"][0]["env"]}
    assert env["SIYADA_DATABASE_URL_FILE"] == "/run/secrets/db/uri"
    volumes = {v["name"]: v for v in server["volumes"]}
    assert volumes["db"]["secret"]["secretName"] == "siyada-db-app"  # written by CloudNativePG
    dev = rendered("dev")
    assert not [d for d in dev if d["kind"] == "Cluster"]  # dev: an external database URL


def _checkov() -> str:
    found = os.environ.get("SIYADA_CHECKOV") or shutil.which("checkov")
    beside = Path(sys.prefix) / "checkov" / "bin" / "checkov"  # where scripts/test.sh installs it
    if found is None and beside.exists():
        found = str(beside)
    assert found, "checkov is not installed: bash scripts/test.sh installs it into .venv/checkov"
    return found


@needs_kubectl
def test_checkov_finds_nothing_beyond_the_reasoned_skips(tmp_path: Path) -> None:
    files = []
    for overlay in OVERLAYS:  # one checkov run for all: it takes seconds to start
        path = tmp_path / f"{overlay}.yaml"
        path.write_text(rendered_text(overlay))
        files += ["-f", str(path)]
    proc = subprocess.run(
        [
            _checkov(),
            "--config-file",
            str(DEPLOY / ".checkov.yaml"),
            "--framework",
            "kubernetes",
            "dockerfile",
            *files,
            "-f",
            str(DEPLOY / "Dockerfile"),
            "-o",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE", "LOG_LEVEL": "ERROR"},
    )
    reports = json.loads(proc.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    assert {r["check_type"] for r in reports} == {"kubernetes", "dockerfile"}, proc.stderr[-2000:]
    failed = [
        f"{f['check_id']} {f['resource']}: {f['check_name']}"
        for r in reports
        for f in r["results"]["failed_checks"]
    ]
    assert failed == [], failed
    assert all(r["summary"]["passed"] > 20 for r in reports)  # it did check something
    assert all(r["summary"]["parsing_errors"] == 0 for r in reports)


def test_every_checkov_skip_says_why() -> None:
    text = (DEPLOY / ".checkov.yaml").read_text()
    skipped = yaml.safe_load(text).get("skip-check", [])
    lines = text.splitlines()
    for check in skipped:
        at = next(i for i, line in enumerate(lines) if line.strip() == f"- {check}")
        reason = []
        for line in reversed(lines[:at]):
            if not line.strip().startswith("#"):
                break
            reason.append(line)
        assert len(" ".join(reason)) > 80, f"{check}: no reason above it in deploy/.checkov.yaml"


# ---- the image --------------------------------------------------------------------------------------


def _stages() -> list[list[dockerfile.Command]]:
    stages: list[list[dockerfile.Command]] = []
    for cmd in dockerfile.parse_file(str(DEPLOY / "Dockerfile")):
        if cmd.cmd == "FROM":
            stages.append([])
        assert stages, "instructions before the first FROM"
        stages[-1].append(cmd)
    return stages


def _install_sh_fixed_flags() -> set[str]:
    """The flags scripts/install.sh always passes (its CPU-dependent ones are chosen per machine)."""
    text = (ROOT / "scripts" / "install.sh").read_text()
    flags = set()
    for line in re.findall(r'args\+?="([^"$]*)"', text):
        flags.update(line.split())
    assert "-DGGML_NATIVE=OFF" in flags and "-DGGML_AMX_TILE=OFF" in flags, flags
    return flags


def test_the_dockerfile_keeps_its_conventions() -> None:
    stages = _stages()
    assert len(stages) >= 2, "multi-stage: the compiler stays out of the runtime image"
    final = stages[-1]
    by_cmd: dict[str, list[dockerfile.Command]] = {}
    for cmd in final:
        by_cmd.setdefault(cmd.cmd, []).append(cmd)
    user = by_cmd["USER"][-1].value[0]
    assert user.split(":")[0] not in ("root", "0"), user
    (health,) = by_cmd["HEALTHCHECK"]
    assert "/health" in " ".join(health.value)
    assert any("--from=" in f for c in by_cmd["COPY"] for f in c.flags), "the runtime copies the build"
    assert by_cmd["VOLUME"], "the data directory is a volume (the root file system may be read-only)"
    env = " ".join(" ".join(c.value) for c in by_cmd["ENV"])
    assert "SIYADA_DATA_DIR" in env and "HF_HUB_OFFLINE" in env
    for stage in stages:
        for cmd in stage:
            if cmd.cmd in ("RUN", "ADD"):
                text = " ".join(cmd.value)
                assert not re.search(r"\b(curl|wget)\b", text), f"downloads in the image build: {text}"
                assert not re.search(r"https?://", text), f"a URL in the image build: {text}"
            assert cmd.cmd != "ADD", "ADD may fetch URLs: COPY only"
    build_env = " ".join(" ".join(c.value) for stage in stages[:-1] for c in stage if c.cmd in ("ENV", "ARG"))
    missing = _install_sh_fixed_flags() - set(build_env.replace('"', " ").split())
    assert not missing, f"the image's llama.cpp build lacks scripts/install.sh's flags {sorted(missing)}"
    assert "GGML_NATIVE=ON" not in build_env and "AMX_TILE=ON" not in build_env


# ---- compose --------------------------------------------------------------------------------------


def _compose_schema() -> dict[str, Any]:
    vendor = importlib.resources.files("check_jsonschema.builtin_schemas.vendor")
    return json.loads(vendor.joinpath("compose-spec.json").read_text(encoding="utf-8"))


def _compose() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_compose_validates_against_the_compose_specification() -> None:
    validator = jsonschema.Draft7Validator(_compose_schema())
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(_compose())]
    assert errors == []
    bad = _compose()
    bad["services"]["db"]["healthcheck"]["intervall"] = "5s"  # the check can fail
    assert list(validator.iter_errors(bad))


def test_compose_runs_two_replicas_behind_a_balancer_in_order() -> None:
    compose = _compose()
    services = compose["services"]
    replicas = [n for n, s in services.items() if s.get("command") == ["serve"]]
    assert len(replicas) == 2, replicas
    for name in replicas:
        s = services[name]
        assert s["depends_on"]["db"]["condition"] == "service_healthy"
        assert s["depends_on"]["redis"]["condition"] == "service_healthy"
        assert s["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert "/ready" in " ".join(s["healthcheck"]["test"])
        assert s["read_only"] is True and s["cap_drop"] == ["ALL"]
        assert s["environment"]["SIYADA_MIGRATE_ON_START"] == "false"
    lb = services["lb"]
    assert {lb["depends_on"][r]["condition"] for r in replicas} == {"service_healthy"}
    haproxy = (DEPLOY / "compose" / "haproxy.cfg").read_text()
    assert "option httpchk GET /ready" in haproxy
    for name in replicas:
        assert re.search(rf"server {name} {name}:8000 check", haproxy)
    for name in ("db", "redis", "lb"):
        assert services[name]["healthcheck"]["test"], name
    assert "pgvector" in services["db"]["image"]
    assert services["vllm"]["profiles"] == ["gpu"] and services["tei"]["profiles"] == ["embeddings"]
    assert set(compose["volumes"]) >= {"pgdata", "siyada-data"}


def test_compose_keeps_secrets_out_of_its_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    compose = _compose()
    assert all("file" in s for s in compose["secrets"].values())
    text = (DEPLOY / "compose.yaml").read_text() + (DEPLOY / ".env.example").read_text()
    for line in text.splitlines():
        m = re.match(r"\s*[A-Z0-9_]*(PASSWORD|SECRET|KEY)[A-Z0-9_]*\s*[:=]\s*(\S+)", line)
        if m:  # an environment variable of a secret: only the path of its file
            assert m.group(2).startswith("/run/secrets/"), line
    _parses_as_siyada_config((DEPLOY / "compose" / "siyada.yaml").read_text(), tmp_path, monkeypatch)
    gitignore = (DEPLOY / ".gitignore").read_text().split()
    assert "secrets/" in gitignore and ".env" in gitignore
