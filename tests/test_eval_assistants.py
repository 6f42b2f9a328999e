"""The evaluation lab runs an assistant (`siyada eval run --model assistant/NAME[@V]`, over HTTP against
the real server): an unpinned one runs as the version that is latest when the run starts and the run
records it, so each version is its own leaderboard row and re-running a version is comparable; another
tenant can neither run the assistant nor see its results (404)."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.assistants_world import start_server, upload_corpus
from tests.recording_upstream import RecordingUpstream
from tests.server import Server, cli

TASK = "fx_guichet"


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory, echo: RecordingUpstream) -> Iterator[Server]:
    server = start_server(tmp_path_factory.mktemp("eval-assistants"), echo.url)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def keys(srv: Server) -> dict[str, str]:
    return {"admin": srv.key("commune", "admin"), "other": srv.key("other", "admin")}


@pytest.fixture(scope="module")
def task(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three questions the echo model answers exactly (`Echo: <question>`), scored by exact match."""
    folder = tmp_path_factory.mktemp("task")
    items = [
        {"id": f"q{n}", "lang": "fr", "input": f"Bonjour {n}", "references": [f"Echo: Bonjour {n}"]}
        for n in range(3)
    ]
    (folder / "items.jsonl").write_text("\n".join(json.dumps(i) for i in items))
    (folder / "task.yaml").write_text(
        f"name: {TASK}\ntype: generation\ndata: {{jsonl: items.jsonl}}\nshuffle: false\n"
        "prompts:\n  default:\n    user: '{input}'\nmetrics: [exact_match]\n"
    )
    return folder / "task.yaml"


def _h(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _run(srv: Server, key: str, task: Path, model: str, check: bool = True) -> subprocess.CompletedProcess:
    args = ["eval", "run", str(task), "--model", model, "--base-url", srv.url, "--api-key", key]
    return cli(srv.data_dir, *args, "--embedding-model", "none", "--json", check=check)


@pytest.fixture(scope="module")
def runs(srv: Server, keys: dict[str, str], task: Path, echo: RecordingUpstream) -> dict[str, Any]:
    """Version 1 (a plain chat over the echo model) run unpinned; then version 2 (quotes from documents
    with no model: another answer) run unpinned too; then version 1 again, pinned."""
    admin = _h(keys["admin"])
    body = {"name": "guichet", "model": "echo", "instructions": {"fr": "Version une."}}
    assert httpx.post(srv.url + "/v1/assistants", json=body, headers=admin).status_code == 201
    first = json.loads(_run(srv, keys["admin"], task, "assistant/guichet").stdout)
    systems = [m["content"] for m in json.loads(echo.bodies[-1])["messages"] if m["role"] == "system"]
    upload_corpus(srv, admin)
    change = {"model": "siyada-chat", "collections": ["procedures"], "answer_mode": "extractive"}
    edited = httpx.patch(srv.url + "/v1/assistants/guichet", json=change, headers=admin)
    assert edited.status_code == 200 and edited.json()["version"] == 2, edited.text
    second = json.loads(_run(srv, keys["admin"], task, "assistant/guichet").stdout)
    sent = len(echo.bodies)
    again = json.loads(_run(srv, keys["admin"], task, "assistant/guichet@1").stdout)
    return {
        "first": first,
        "second": second,
        "again": again,
        "systems": systems,
        "echo_calls": len(echo.bodies) - sent,
    }


def _web(srv: Server, key: str) -> httpx.Client:
    """A web app session opened with `key` (the login form and its double-submit CSRF token)."""
    client = httpx.Client(base_url=srv.url)
    form = client.get("/ui/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form)
    assert csrf is not None
    assert client.post("/ui/login", data={"csrf": csrf.group(1), "api_key": key}).status_code == 303
    return client


def _run_row(srv: Server, key: str, run_id: int) -> httpx.Response:
    return httpx.get(f"{srv.url}/v1/evaluations/{run_id}", headers=_h(key))


def test_an_unpinned_run_records_the_version_it_ran(
    srv: Server, keys: dict[str, str], runs: dict[str, Any]
) -> None:
    assert runs["systems"] == ["Version une."]  # version 1's instructions reached the model
    first = _run_row(srv, keys["admin"], runs["first"]["run_id"]).json()
    second = _run_row(srv, keys["admin"], runs["second"]["run_id"]).json()
    assert first["model"] == "assistant/guichet@1" and first["label"].startswith("assistant/guichet@1")
    assert second["model"] == "assistant/guichet@2" and second["label"].startswith("assistant/guichet@2")
    assert first["provenance"]["model_info"]["assistant"]["version"] == 1
    assert runs["first"]["scores"][0]["primary_value"] == 1.0  # the echo repeats the question
    assert runs["second"]["scores"][0]["primary_value"] == 0.0  # version 2 quotes documents instead


def test_re_running_a_pinned_version_is_comparable(runs: dict[str, Any]) -> None:
    again = runs["again"]
    assert again["run_id"] not in (runs["first"]["run_id"], runs["second"]["run_id"])
    assert [s["primary_value"] for s in again["scores"]] == [
        s["primary_value"] for s in runs["first"]["scores"]
    ]
    # the very requests of the first run: answered from the lab's cache, nothing asked again
    assert "/v1/chat/completions" not in again["requests_by_path"] and runs["echo_calls"] == 0


def test_the_leaderboard_shows_each_version_as_a_row(
    srv: Server, keys: dict[str, str], runs: dict[str, Any]
) -> None:
    boards = httpx.get(
        srv.url + "/v1/evaluations/leaderboard", params={"task": TASK}, headers=_h(keys["admin"])
    ).json()["data"]
    assert len(boards) == 1
    rows = [(e["model"], e["value"]) for e in boards[0]["entries"]]
    assert rows == [("assistant/guichet@1", 1.0), ("assistant/guichet@2", 0.0)]
    board = cli(srv.data_dir, "eval", "leaderboard", "--task", TASK).stdout
    assert "assistant/guichet@1" in board and "assistant/guichet@2" in board


def test_another_tenant_can_neither_run_nor_see_it(
    srv: Server, keys: dict[str, str], task: Path, runs: dict[str, Any]
) -> None:
    refused = _run(srv, keys["other"], task, "assistant/guichet", check=False)
    assert (
        refused.returncode != 0 and "serves no model 'assistant/guichet'" in refused.stdout + refused.stderr
    )
    other = _h(keys["other"])
    for run_id in (runs["first"]["run_id"], runs["second"]["run_id"]):
        r = _run_row(srv, keys["other"], run_id)
        assert r.status_code == 404 and r.json()["error"]["code"] == "evaluation_not_found"
        assert httpx.get(f"{srv.url}/v1/evaluations/{run_id}/report", headers=other).status_code == 404
    listed = httpx.get(srv.url + "/v1/evaluations", params={"limit": 100}, headers=other).json()["data"]
    assert not [r for r in listed if r["model"].startswith("assistant/")]
    boards = httpx.get(srv.url + "/v1/evaluations/leaderboard", headers=other).json()["data"]
    assert not [e for b in boards for e in b["entries"] if e["model"].startswith("assistant/")]
    # nor in the web app's evaluation pages
    page = _web(srv, keys["other"])
    assert "assistant/guichet" not in page.get("/ui/evaluation").text
    assert page.get(f"/ui/evaluation/runs/{runs['first']['run_id']}").status_code == 404
    assert "assistant/guichet@2" in _web(srv, keys["admin"]).get("/ui/evaluation").text
    # and the owner still lists them
    mine = httpx.get(srv.url + "/v1/evaluations", params={"limit": 100}, headers=_h(keys["admin"])).json()[
        "data"
    ]
    assert {r["model"] for r in mine} >= {"assistant/guichet@1", "assistant/guichet@2"}
