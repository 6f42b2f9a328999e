"""A completed call's usage row is committed before the call is answered: a replica killed with SIGKILL
the instant after its clients saw 12 calls complete (6 streamed) still has 12 rows. Before, rows waited
up to half a second in memory and the kill took them along."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.slow_upstream import SlowUpstream, words
from tests.test_graceful_shutdown import _call, _usage_rows, serving

CALLS = 12


def test_rows_of_answered_calls_survive_kill_9(tmp_path: Path) -> None:
    with serving(tmp_path, SlowUpstream(pieces=2, pause=0.05), 30) as (server, key):
        with ThreadPoolExecutor(CALLS) as pool:
            answers = list(pool.map(lambda i: _call(server.url, key, i), range(CALLS)))
        server.kill()  # no shutdown, no flush: what is not committed yet is gone
    assert answers == ["".join(words(2))] * CALLS
    assert _usage_rows(tmp_path / "gw") == {200: CALLS}
