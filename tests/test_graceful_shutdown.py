"""SIGTERM under load: the server stops accepting, lets the 16 calls in flight (8 streamed, 8 whole) run to
their end although each takes longer than uvicorn's old 5 s cut, writes one usage row per completed call
and exits 0 (not 143, the re-raised signal)."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import openai
import pytest
import sqlalchemy as sa

from tests.server import Server, cli
from tests.slow_upstream import SlowUpstream, words

CALLS = 16
PIECES = 7
PAUSE = 1.0  # each call lasts ~7 s, past the 5 s uvicorn used to allow


def _config(path: Path, upstream: SlowUpstream, grace: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"""
egress_allow = ["127.0.0.1"]
shutdown_grace_seconds = {grace}

[embedded]
enabled = false

[[providers]]
name = "slow"
url = "{upstream.url}"
retries = 0
in_house = true

[[models]]
name = "slow-chat"
routes = [{{ provider = "slow", model = "slow" }}]
"""
    )
    return path


def _call(url: str, key: str, i: int) -> str:
    client = openai.OpenAI(base_url=url + "/v1", api_key=key, max_retries=0, timeout=60)
    messages = [{"role": "user", "content": f"question {i}"}]
    if i % 2:
        stream = client.chat.completions.create(model="slow-chat", messages=messages, stream=True)  # type: ignore[arg-type]
        return "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
    reply = client.chat.completions.create(model="slow-chat", messages=messages)  # type: ignore[arg-type]
    return reply.choices[0].message.content or ""


def _usage_rows(data: Path) -> dict[int, int]:
    engine = sa.create_engine(f"sqlite:///{data / 'siyada.db'}")
    with engine.connect() as conn:
        rows = conn.execute(sa.text("select status, count(*) from usage group by status")).all()
    engine.dispose()
    return {int(s): int(n) for s, n in rows}


@contextlib.contextmanager
def serving(tmp_path: Path, upstream: SlowUpstream, grace: float) -> Iterator[tuple[Server, str]]:
    """A server whose tenant `default` reaches `upstream`, and a user key; both stopped on the way out."""
    data = tmp_path / "gw"
    cli(data, "tenants", "create", "default")
    server = Server(data, config=_config(data / "gw.toml", upstream, grace))
    try:
        server.start()
        yield server, server.key("default", "user")
    finally:
        server.stop()
        upstream.close()


def _sigterm_once_received(server: Server, upstream: SlowUpstream, calls: int) -> subprocess.Popen[bytes]:
    deadline = time.monotonic() + 30
    while upstream.received < calls and time.monotonic() < deadline:
        time.sleep(0.05)
    assert upstream.received == calls, "the calls never all reached the upstream"
    assert server.proc is not None
    server.proc.send_signal(signal.SIGTERM)
    return server.proc


def test_sigterm_drains_calls_in_flight_and_flushes_usage(tmp_path: Path) -> None:
    upstream = SlowUpstream(PIECES, PAUSE)
    with serving(tmp_path, upstream, 30) as (server, key):
        with ThreadPoolExecutor(CALLS) as pool:
            futures = [pool.submit(_call, server.url, key, i) for i in range(CALLS)]
            proc = _sigterm_once_received(server, upstream, CALLS)
            # The listener is closed at once: a new call is refused, never half-served.
            time.sleep(0.5)
            with pytest.raises(httpx.TransportError):
                httpx.get(server.url + "/health", timeout=2)
            answers = [f.result() for f in futures]
        code = proc.wait(60)
    assert answers == ["".join(words(PIECES))] * CALLS, server.output()[-2000:]
    assert code == 0, server.output()[-2000:]
    assert _usage_rows(tmp_path / "gw") == {200: CALLS}


def test_calls_still_running_when_the_grace_ends_get_an_openai_error_not_a_plain_500(tmp_path: Path) -> None:
    """uvicorn cancels what runs past the grace and used to answer `500 Internal Server Error` in plain
    text; a client must read why: a 503 with the API's error body, or an error event ending the stream."""
    upstream = SlowUpstream(PIECES, PAUSE)
    with serving(tmp_path, upstream, 1) as (server, key):
        with ThreadPoolExecutor(2) as pool:
            futures = [pool.submit(_call, server.url, key, i) for i in range(2)]
            proc = _sigterm_once_received(server, upstream, 2)
            errors = []
            for f in futures:
                with pytest.raises(openai.APIError) as caught:
                    f.result()
                errors.append(caught.value)
        code = proc.wait(60)
    whole, streamed = errors  # call 0 is whole, call 1 streamed (see _call)
    assert isinstance(whole, openai.APIStatusError) and whole.status_code == 503, server.output()[-2000:]
    assert whole.code == "server_stopping"
    assert "grace" in streamed.message and not isinstance(streamed, openai.APIStatusError)
    assert code == 0
