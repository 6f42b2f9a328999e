"""First run on a fresh machine (issue 20, item 6): the start message names a command that runs, CLI
commands work on a fresh data directory before any `serve`, `siyada ingest` refuses an empty file as the
API does, and the web app's documented address /ui leads to it."""

from __future__ import annotations

import json
import re
import subprocess
import uuid
from pathlib import Path

import httpx

from tests.server import Server, _env, cli

PLAIN_PATH = "/usr/bin:/bin"  # a shell after scripts/install.sh: the venv's bin is not on it


def test_the_start_message_names_a_command_that_runs(tmp_path: Path) -> None:
    config = tmp_path / "siyada.toml"
    config.write_text("[embedded]\nenabled = false\n[knowledge]\nwarm_at_start = false\n")
    srv = Server(tmp_path / "data", config=config, env={"PATH": PLAIN_PATH}).start()
    try:
        line = next(x for x in srv.output().splitlines() if x.startswith("First operator key:"))
    finally:
        srv.stop()
    command = line.removeprefix("First operator key:").strip()
    run = subprocess.run(
        ["bash", "-c", command], capture_output=True, text=True, timeout=120, env=_env({"PATH": PLAIN_PATH})
    )
    assert run.returncode == 0, (command, run.stderr)
    assert re.fullmatch(r"sk-\S+", run.stdout.strip()), run.stdout


def test_cli_commands_work_on_a_fresh_data_directory(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh"
    key = cli(fresh, "keys", "create", "--tenant", "default", "--role", "operator").stdout.strip()
    assert key.startswith("sk-")
    # `tenants create` stays the way to name the first tenant yourself: no default is made behind it.
    named = tmp_path / "named"
    cli(named, "tenants", "create", "default")
    other = tmp_path / "other"
    cli(other, "tenants", "create", "acme")
    listed = json.loads(cli(other, "tenants", "list", "--json").stdout)
    assert [t["name"] for t in listed] == ["acme"]


def test_ingest_refuses_an_empty_file_as_the_api_does(tmp_path: Path, server: Server, admin_key: str) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    data = tmp_path / "data"
    cli(data, "tenants", "create", "default")  # (apart from the fresh-directory friction above)
    run = cli(data, "ingest", str(empty), "--collection", "docs", check=False)
    assert run.returncode != 0, run.stdout
    listed = cli(data, "collections", "list").stdout
    assert re.search(r"^docs\s+0 documents", listed, re.M), listed
    h = {"Authorization": f"Bearer {admin_key}"}
    name = f"empty-{uuid.uuid4().hex[:8]}"
    assert httpx.post(server.url + "/v1/collections", json={"name": name}, headers=h).status_code == 201
    r = httpx.post(
        server.url + "/v1/documents", data={"collection": name}, files={"file": ("empty.txt", b"")}, headers=h
    )
    assert r.status_code == 422, r.text
    message = r.json()["error"]["message"]
    assert message in " ".join(run.stderr.split()), (message, run.stderr)


def test_ui_leads_to_the_app(server: Server) -> None:
    for path in ("/ui", "/ui/"):
        r = httpx.get(server.url + path, follow_redirects=False)
        assert r.status_code == 303, (path, r.status_code)
        assert r.headers["location"] == "/ui/chat"
