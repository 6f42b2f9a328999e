"""The egress guard: providers outside the allow-list are refused at load and never contacted, and
redirects to outside hosts are never followed. "Outside" is 127.0.0.2, a loopback address that is not
on the allow-list, watched by a listener that records every connection."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from siyada.gateway.egress import EgressPolicy
from tests.server import Server, cli, free_port


class RecordingListener:
    """Accepts TCP connections on an address and records them; answers nothing."""

    def __init__(self, host: str = "127.0.0.2") -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.host, self.port = self.sock.getsockname()
        self.connections: list[tuple[str, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, addr = self.sock.accept()
            except OSError:
                continue
            self.connections.append(addr)
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@pytest.fixture()
def outside() -> Iterator[RecordingListener]:
    listener = RecordingListener()
    yield listener
    listener.close()


def _config(path: Path, providers: str, allow: str = '["127.0.0.1"]') -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"egress_allow = {allow}\n[embedded]\nenabled = false\n{providers}")
    return path


def test_outside_provider_refused_at_load_and_never_contacted(
    tmp_path: Path, outside: RecordingListener
) -> None:
    cfg = _config(
        tmp_path / "siyada.toml",
        f"""
[[providers]]
name = "foreign"
url = "http://{outside.host}:{outside.port}/v1"
[[models]]
name = "m"
routes = [{{ provider = "foreign" }}]
""",
    )
    check = cli(tmp_path / "d", "config", "check", config=cfg, check=False)
    assert check.returncode == 2
    assert "foreign" in check.stderr and "not on the egress allow-list" in check.stderr
    serve = cli(tmp_path / "d", "serve", "--port", str(free_port()), config=cfg, check=False)
    assert serve.returncode == 2 and "egress" in serve.stderr
    assert outside.connections == []


def test_host_name_not_listed_is_refused_even_if_it_resolves_locally(tmp_path: Path) -> None:
    cfg = _config(
        tmp_path / "siyada.toml",
        """
[[providers]]
name = "by-name"
url = "http://localhost:9/v1"
""",
    )
    check = cli(tmp_path / "d", "config", "check", config=cfg, check=False)
    assert check.returncode == 2 and "'localhost'" in check.stderr


def test_allowed_config_checks_ok(tmp_path: Path) -> None:
    cfg = _config(
        tmp_path / "siyada.toml",
        """
[[providers]]
name = "vllm"
url = "http://10.1.2.3:8000/v1"
api_key = "${VLLM_KEY:-none}"
""",
        allow='["10.0.0.0/8", "*.gov.ma"]',
    )
    check = cli(tmp_path / "d", "config", "check", config=cfg, check=False)
    assert check.returncode == 0, check.stderr
    assert "configuration OK" in check.stdout


class _Redirector(BaseHTTPRequestHandler):
    target = ""

    def do_POST(self) -> None:
        self.send_response(307)
        self.send_header("Location", self.target + self.path)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST

    def log_message(self, *args: object) -> None:
        pass


def test_redirect_to_outside_host_is_not_followed(tmp_path: Path, outside: RecordingListener) -> None:
    handler = type("H", (_Redirector,), {"target": f"http://{outside.host}:{outside.port}"})
    redirector = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=redirector.serve_forever, daemon=True).start()
    try:
        cfg = _config(
            tmp_path / "siyada.toml",
            f"""
[[providers]]
name = "sneaky"
url = "http://127.0.0.1:{redirector.server_address[1]}/v1"
retries = 0
[[models]]
name = "m"
routes = [{{ provider = "sneaky" }}]
""",
        )
        cli(tmp_path / "d", "tenants", "create", "default")
        gw = Server(tmp_path / "d", config=cfg).start()
        try:
            key = gw.key()
            resp = httpx.post(
                gw.url + "/v1/chat/completions",
                headers={"Authorization": f"Bearer {key}"},
                json={"model": "m", "messages": [{"role": "user", "content": "hi"}]},
                timeout=30,
            )
            assert resp.status_code in (502, 503)
            assert "redirect" in resp.json()["error"]["message"]
        finally:
            gw.stop()
    finally:
        redirector.shutdown()
    assert outside.connections == []


@pytest.mark.parametrize(
    ("entries", "url", "allowed"),
    [
        (["127.0.0.1"], "http://127.0.0.1:8000/v1", True),
        (["127.0.0.1"], "http://127.0.0.2:8000/v1", False),
        (["10.0.0.0/8"], "http://10.20.30.40/v1", True),
        (["10.0.0.0/8"], "http://11.0.0.1/v1", False),
        (["*.gov.ma"], "https://llm.interieur.gov.ma/v1", True),
        (["*.gov.ma"], "https://gov.ma.evil.com/v1", False),
        (["llm.local"], "http://LLM.local:80/v1", True),
        (["::1"], "http://[::1]:8000/v1", True),
        ([], "http://127.0.0.1/v1", False),
    ],
)
def test_policy_matching(entries: list[str], url: str, allowed: bool) -> None:
    assert (EgressPolicy.from_entries(entries).explain(url) is None) is allowed


def test_usage_records_name_the_provider(tmp_path: Path) -> None:
    """Each usage row says which provider served the call (here the embedded one)."""
    import sqlite3
    import time

    data = tmp_path / "d"
    cli(data, "tenants", "create", "default")
    gw = Server(data).start()
    try:
        key = gw.key()
        r = httpx.post(
            gw.url + "/v1/embeddings",
            headers={"Authorization": f"Bearer {key}"},
            json={"model": "siyada-embed", "input": "salam"},
            timeout=60,
        )
        assert r.status_code == 200
    finally:
        gw.stop()
    time.sleep(0.1)
    rows = (
        sqlite3.connect(data / "siyada.db")
        .execute("select model, provider, status, prompt_tokens from usage")
        .fetchall()
    )
    assert rows[-1][:3] == ("siyada-embed", "embedded", 200) and rows[-1][3] > 0
