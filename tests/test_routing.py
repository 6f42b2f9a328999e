"""Routing across two real OpenAI-compatible upstreams (two Siyada servers on loopback): priority,
fallback when one is killed mid-run, streaming pass-through, cool-down and recovery, 503 when none is left."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import openai
import pytest

from tests.server import Server, cli, free_port


def _upstream(root: Path, name: str) -> tuple[Server, str]:
    data = root / name
    cli(data, "tenants", "create", "default")
    srv = Server(data, config=_write(data / "up.toml", "embedded.threads = 1\n"))
    srv.start()
    return srv, srv.key("default", "user")


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    root = tmp_path_factory.mktemp("routing")
    a, key_a = _upstream(root, "up-a")
    b, key_b = _upstream(root, "up-b")
    gw_dir = root / "gateway"
    config = _write(
        gw_dir / "gateway.toml",
        f"""
egress_allow = ["127.0.0.1"]

[embedded]
enabled = false

[[providers]]
name = "a"
url = "http://127.0.0.1:{a.port}/v1"
api_key = "${{UP_A_KEY}}"
retries = 1
backoff = 0.05
failure_threshold = 1
cooldown = 2
connect_timeout = 1

[[providers]]
name = "b"
url = "http://127.0.0.1:{b.port}/v1"
api_key = "${{UP_B_KEY}}"
retries = 1
backoff = 0.05
failure_threshold = 1
cooldown = 2
connect_timeout = 1

[[models]]
name = "shared-chat"
aliases = ["chat"]
routes = [{{ provider = "a", model = "siyada-chat", priority = 0 }},
          {{ provider = "b", model = "siyada-chat", priority = 1 }}]
""",
    )
    cli(gw_dir, "tenants", "create", "default")
    gw = Server(gw_dir, config=config, env={"UP_A_KEY": key_a, "UP_B_KEY": key_b}).start()
    key = gw.key("default", "user")
    yield {"gw": gw, "a": a, "b": b, "key": key}
    for s in (gw, a, b):
        s.stop()


def _chat(cluster: dict, **extra: object) -> httpx.Response:
    return httpx.post(
        cluster["gw"].url + "/v1/chat/completions",
        json={
            "model": "chat",
            "messages": [{"role": "user", "content": "Bonjour"}],
            "max_tokens": 8,
            **extra,
        },
        headers={"Authorization": f"Bearer {cluster['key']}"},
        timeout=60,
    )


def _health(cluster: dict) -> dict:
    return httpx.get(cluster["gw"].url + "/health", timeout=5).json()["providers"]


def test_priority_routes_to_first_provider_and_alias_works(cluster: dict) -> None:
    resp = _chat(cluster)
    assert resp.status_code == 200, resp.text
    assert resp.headers["x-siyada-provider"] == "a"
    assert resp.json()["model"] == "chat"
    assert resp.json()["choices"][0]["message"]["content"]


def test_streaming_is_passed_through_chunk_by_chunk(cluster: dict) -> None:
    client = openai.OpenAI(base_url=cluster["gw"].url + "/v1", api_key=cluster["key"], max_retries=0)
    arrivals: list[float] = []
    texts: list[str] = []
    with client.chat.completions.with_streaming_response.create(
        model="shared-chat",
        messages=[{"role": "user", "content": "Write a long sentence about Morocco."}],
        max_tokens=48,
        temperature=0,
        stream=True,
        stream_options={"include_usage": True},
    ) as raw:
        assert raw.headers["x-siyada-provider"] == "a"
        for chunk in raw.parse():
            arrivals.append(time.monotonic())
            if chunk.choices:
                texts.append(chunk.choices[0].delta.content or "")
            else:
                assert chunk.usage is not None and chunk.usage.completion_tokens > 10
    assert len(texts) > 10
    # A buffering proxy would deliver every chunk at once; generation takes tens of ms per token here.
    assert arrivals[-1] - arrivals[0] > 0.05


def test_fallback_when_preferred_provider_is_killed_mid_run(cluster: dict) -> None:
    results: list[httpx.Response] = []
    with ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(_chat, cluster) for _ in range(4)]
        time.sleep(0.3)
        cluster["a"].kill()
        futures += [pool.submit(_chat, cluster) for _ in range(8)]
        results = [f.result() for f in futures]
    assert all(r.status_code == 200 for r in results), [r.text for r in results if r.status_code != 200]
    served = [r.headers["x-siyada-provider"] for r in results]
    assert "b" in served
    assert served[-1] == "b"
    assert _health(cluster)["a"]["status"] == "cooling_down" or _health(cluster)["a"]["failures"] >= 1


def test_recovery_after_cooldown(cluster: dict) -> None:
    a: Server = cluster["a"]
    if a.proc is not None and a.proc.poll() is None:
        a.kill()
    assert _chat(cluster).headers["x-siyada-provider"] == "b"
    a.start()  # same port, same data directory, same key
    deadline = time.monotonic() + 20
    served = ""
    while time.monotonic() < deadline:
        served = _chat(cluster).headers.get("x-siyada-provider", "")
        if served == "a":
            break
        time.sleep(0.3)
    assert served == "a"
    assert _health(cluster)["a"]["status"] == "healthy"


def test_503_when_no_provider_is_left(cluster: dict) -> None:
    cluster["a"].kill()
    cluster["b"].kill()
    resp = _chat(cluster)
    assert resp.status_code == 503, resp.text
    err = resp.json()["error"]
    assert err["code"] == "no_provider_available" and "shared-chat" in err["message"]
    stream = _chat(cluster, stream=True)
    assert stream.status_code == 503
    # The gateway itself stays up.
    assert httpx.get(cluster["gw"].url + "/health").status_code == 200


def test_fallback_to_embedded_when_upstream_port_is_closed(tmp_path: Path) -> None:
    """A provider whose port has no listener is skipped for the next route."""
    dead = free_port()
    gw_dir = tmp_path / "gw"
    cfg = _write(
        gw_dir / "s.toml",
        f"""
egress_allow = ["127.0.0.1"]
[[providers]]
name = "dead"
url = "http://127.0.0.1:{dead}/v1"
retries = 0
[[models]]
name = "m"
routes = [{{ provider = "dead", model = "x" }},
          {{ provider = "embedded", model = "siyada-chat", priority = 1 }}]
""",
    )
    cli(gw_dir, "tenants", "create", "default")
    gw = Server(gw_dir, config=cfg).start()
    try:
        key = gw.key()
        resp = httpx.post(
            gw.url + "/v1/chat/completions",
            headers={"Authorization": f"Bearer {key}"},
            json={"model": "m", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 4},
            timeout=60,
        )
        assert resp.status_code == 200 and resp.headers["x-siyada-provider"] == "embedded"
    finally:
        gw.stop()
