"""The embedded backend under pressure and with a registered local model."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from tests.server import Server, cli


def test_full_queue_answers_503_and_server_survives(tmp_path: Path) -> None:
    data = tmp_path / "d"
    cfg = tmp_path / "s.toml"
    cfg.write_text("[embedded]\nqueue_size = 1\nthreads = 1\n")
    cli(data, "tenants", "create", "default")
    srv = Server(data, config=cfg).start()
    try:
        key = srv.key()

        def ask(i: int) -> httpx.Response:
            return httpx.post(
                srv.url + "/v1/chat/completions",
                headers={"Authorization": f"Bearer {key}"},
                json={
                    "model": "siyada-chat",
                    "messages": [{"role": "user", "content": f"Story {i}"}],
                    "max_tokens": 48,
                },
                timeout=120,
            )

        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(ask, range(8)))
        codes = sorted(r.status_code for r in results)
        assert 200 in codes and 503 in codes and set(codes) <= {200, 503}, codes
        busy = next(r for r in results if r.status_code == 503).json()["error"]
        assert busy["type"] == "service_unavailable" and "queue" in busy["message"]
        assert ask(99).status_code == 200  # still serving afterwards
    finally:
        srv.stop()


def test_registered_gguf_is_served_under_its_name(tmp_path: Path) -> None:
    data = tmp_path / "d"
    cli(data, "tenants", "create", "default")
    packaged = next(
        m["path"]
        for m in __import__("json").loads(cli(data, "models", "--json").stdout)
        if m["name"] == "siyada-chat"
    )
    cli(data, "models", "add", packaged, "--name", "commune-assistant")
    srv = Server(data).start()
    try:
        key = srv.key()
        r = httpx.post(
            srv.url + "/v1/chat/completions",
            headers={"Authorization": f"Bearer {key}"},
            json={
                "model": "commune-assistant",
                "messages": [{"role": "user", "content": "Salam"}],
                "max_tokens": 8,
            },
            timeout=120,
        )
        assert r.status_code == 200, r.text
        assert r.json()["model"] == "commune-assistant"
        listed = httpx.get(srv.url + "/v1/models", headers={"Authorization": f"Bearer {key}"}).json()["data"]
        assert any(m["id"] == "commune-assistant" and m["owned_by"] == "registered" for m in listed)
    finally:
        srv.stop()
