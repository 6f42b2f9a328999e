"""A completed call's usage row is committed before the call is answered: a replica killed with SIGKILL
the instant after its clients saw 12 calls complete (6 streamed) still has 12 rows. Before, rows waited
up to half a second in memory and the kill took them along."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openai

from tests.server import Server, cli
from tests.slow_upstream import SlowUpstream, words
from tests.test_graceful_shutdown import _config, _usage_rows

CALLS = 12


def _call(url: str, key: str, i: int) -> str:
    client = openai.OpenAI(base_url=url + "/v1", api_key=key, max_retries=0, timeout=60)
    messages = [{"role": "user", "content": f"question {i}"}]
    if i % 2:
        stream = client.chat.completions.create(model="slow-chat", messages=messages, stream=True)  # type: ignore[arg-type]
        return "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
    reply = client.chat.completions.create(model="slow-chat", messages=messages)  # type: ignore[arg-type]
    return reply.choices[0].message.content or ""


def test_rows_of_answered_calls_survive_kill_9(tmp_path: Path) -> None:
    upstream = SlowUpstream(pieces=2, pause=0.05)
    data = tmp_path / "gw"
    cli(data, "tenants", "create", "default")
    server = Server(data, config=_config(data / "gw.toml", upstream, 30))
    try:
        server.start()
        key = server.key("default", "user")
        with ThreadPoolExecutor(CALLS) as pool:
            answers = list(pool.map(lambda i: _call(server.url, key, i), range(CALLS)))
        server.kill()  # no shutdown, no flush: what is not committed yet is gone
    finally:
        server.stop()
        upstream.close()
    assert answers == ["".join(words(2))] * CALLS
    assert _usage_rows(data) == {200: CALLS}
