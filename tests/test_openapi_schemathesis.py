"""The published OpenAPI description is what the server does: schemathesis (`--checks all`, every phase,
the stateful one included) against a real server finds no failure.

Nothing is excluded from the description except what is not a JSON API: the web app's HTML pages and
form posts (`/`, `/ui/login`, `/ui/logout`, `/ui/chat`, ...: `include_in_schema=False`), its static files,
and `/metrics` (Prometheus text for scrapers). The web app's JSON API (`/ui/api/conversations`) is in.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.server import Server, cli

pytest.importorskip("schemathesis")

# Small enough for about three minutes on two shared cores; raise it locally to look harder
# (SIYADA_SCHEMATHESIS_EXAMPLES=200).
MAX_EXAMPLES = int(os.environ.get("SIYADA_SCHEMATHESIS_EXAMPLES", "8"))
SEED = int(os.environ.get("SIYADA_SCHEMATHESIS_SEED", "1"))


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> tuple[Server, str]:
    data = tmp_path_factory.mktemp("schemathesis")
    cli(data, "tenants", "create", "default")
    srv = Server(data).start()
    yield srv, srv.key("default", "admin")
    srv.stop()


def test_spec_references_resolve_and_errors_are_documented(api: tuple[Server, str]) -> None:
    srv, _ = api
    spec = httpx.get(srv.url + "/openapi.json").json()
    text = httpx.get(srv.url + "/openapi.json").text
    assert "#/$defs/" not in text  # pydantic's local refs do not resolve inside an OpenAPI document
    chat = spec["paths"]["/v1/chat/completions"]["post"]
    assert {"400", "401", "404", "413", "429"} <= set(chat["responses"])
    assert chat["responses"]["401"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    assert "/ui/api/conversations" in spec["paths"]


def test_405_names_every_method_of_the_path(api: tuple[Server, str]) -> None:
    srv, key = api
    # GET and POST /v1/collections are two routes; Starlette's Allow named only the first one's method.
    resp = httpx.put(srv.url + "/v1/collections", headers={"Authorization": f"Bearer {key}"})
    assert resp.status_code == 405
    assert {m.strip() for m in resp.headers["allow"].split(",")} >= {"GET", "POST"}


def test_schemathesis_finds_no_failure(api: tuple[Server, str], tmp_path: Path) -> None:
    srv, key = api
    cmd = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        srv.url + "/openapi.json",
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--mode",
        "all",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        str(SEED),
        "--header",
        f"Authorization: Bearer {key}",
        "--request-timeout",
        "60",
        "--workers",
        "1",
        "--no-color",
    ]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "tests.schemathesis_hooks"}
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900, cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stdout[-20_000:] + proc.stderr[-5_000:]
