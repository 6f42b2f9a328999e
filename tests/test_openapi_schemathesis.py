"""The published OpenAPI description is what the server does: schemathesis (`--checks all`, every phase,
the stateful one included, positive and negative data) against a real server finds no failure.

Nothing is excluded from the description except what is not a JSON API: the web app's HTML pages and
form posts (`/`, `/ui/login`, `/ui/logout`, `/ui/chat`, ...: `include_in_schema=False`), its static files,
and `/metrics` (Prometheus text for scrapers). The web app's JSON API (`/ui/api/conversations`) is in.
`tests/schemathesis.toml` says where a schema cannot say what the server accepts (and why);
`tests/schemathesis_hooks.py` keeps the run from revoking its own key.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from siyada.api.openapi import ROUTES
from tests.server import Server, cli

pytest.importorskip("schemathesis")

HERE = Path(__file__).parent
# Small enough for about a minute on two shared cores; raise them to look harder
# (SIYADA_SCHEMATHESIS_EXAMPLES=100 SIYADA_SCHEMATHESIS_SEED=7).
MAX_EXAMPLES = int(os.environ.get("SIYADA_SCHEMATHESIS_EXAMPLES", "8"))
STATEFUL_EXAMPLES = int(os.environ.get("SIYADA_SCHEMATHESIS_STATEFUL", "40"))
SEED = int(os.environ.get("SIYADA_SCHEMATHESIS_SEED", "1"))


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str]]:
    data = tmp_path_factory.mktemp("schemathesis")
    cli(data, "tenants", "create", "default")
    srv = Server(data).start()
    yield srv, srv.key("default", "operator")
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
    # Every entry of the table of route-specific answers names an operation that exists (no stale row).
    operations = {(m.upper(), path) for path, item in spec["paths"].items() for m in item}
    assert set(ROUTES) <= operations, set(ROUTES) - operations


def test_405_names_every_method_of_the_path(api: tuple[Server, str]) -> None:
    srv, key = api
    # GET and POST /v1/collections are two routes; Starlette's Allow named only the first one's method.
    resp = httpx.put(srv.url + "/v1/collections", headers={"Authorization": f"Bearer {key}"})
    assert resp.status_code == 405
    assert {m.strip() for m in resp.headers["allow"].split(",")} >= {"GET", "POST"}


def test_numbers_are_json_schema_numbers(api: tuple[Server, str]) -> None:
    srv, key = api
    auth = {"Authorization": f"Bearer {key}"}
    # Integers beyond 64 bits were a 500 (SQLite, orjson); now the 400 the description announces.
    huge = {"messages": [{"role": "user", "content": "x", "citations": [{"n": 2**70}]}]}
    assert httpx.post(srv.url + "/ui/api/conversations", json=huge, headers=auth).status_code == 400
    assert httpx.delete(srv.url + f"/v1/admin/limits/{2**64}", headers=auth).status_code == 404
    # A collection id that is a Unicode digit or beyond 64 bits names no collection (it was a 500).
    for ref in ("²", str(2**70)):
        assert httpx.get(srv.url + f"/v1/collections/{ref}", headers=auth).status_code == 404
    # `false` is no integer, "1" no number: strict validation, as the schema says.
    limit = {"tenant": "default", "rpm": False}
    assert httpx.put(srv.url + "/v1/admin/limits", json=limit, headers=auth).status_code == 400
    search = {"query": "x", "collections": ["c"], "k": "3"}
    assert httpx.post(srv.url + "/v1/search", json=search, headers=auth).status_code == 400
    # ... while 7.0 is the integer 7 for JSON Schema, and for the server.
    limit = {"tenant": "default", "rpm": 7.0}
    assert httpx.put(srv.url + "/v1/admin/limits", json=limit, headers=auth).json()["rpm"] == 7


def test_schemathesis_finds_no_failure(api: tuple[Server, str], tmp_path: Path) -> None:
    srv, key = api
    own = httpx.get(srv.url + "/v1/admin/keys", headers={"Authorization": f"Bearer {key}"}).json()["data"]
    assert len(own) == 1  # the run's key, the only one yet
    config = tmp_path / "schemathesis.toml"
    config.write_text(
        (HERE / "schemathesis.toml").read_text()
        + f"\n[generation]\nmax-examples = {MAX_EXAMPLES}\n"
        + f"\n[phases.stateful.generation]\nmax-examples = {STATEFUL_EXAMPLES}\n"
    )
    cmd = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(config),
        "run",
        srv.url + "/openapi.json",
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--mode",
        "all",
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
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "tests.schemathesis_hooks",
        "SIYADA_ST_OWN_KEY_ID": str(own[0]["id"]),
        "PYTHONPATH": str(HERE.parent),
    }
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900, cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stdout[-20_000:] + proc.stderr[-5_000:]
    spec = httpx.get(srv.url + "/openapi.json").json()
    operations = sum(len(item) for item in spec["paths"].values())
    assert f"{operations} selected / {operations} total" in proc.stdout  # none left out
