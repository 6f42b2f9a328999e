"""Unit test of the gateway's stream accounting: a stream whose client left before the body was ever
iterated still closes the provider stream, writes its usage row and gives back its quota reservation."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from siyada.gateway.router import ModelEntry, ProviderState, Route, Router
from siyada.gateway.service import Gateway
from siyada.governance.keys import Principal
from siyada.governance.limits import Limit
from siyada.governance.quota_counters import LocalCounters
from siyada.governance.quotas import QuotaExceeded, Quotas
from siyada.governance.tenants import Tenant


class _TwoChunkProvider:
    """A provider that streams one token then its usage (the unit under test is the gateway)."""

    name = "p"
    in_house = True

    async def stream(
        self, endpoint: str, body: dict[str, Any], ctx: Any
    ) -> AsyncIterator[list[dict[str, Any]]]:
        yield [{"choices": [{"index": 0, "delta": {"content": "hi"}}]}]
        yield [{"choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 1}}]

    def count_tokens(self, endpoint: str, body: dict[str, Any]) -> int:
        return 3

    async def close(self) -> None:
        return None


class _Rows:
    def __init__(self) -> None:
        self.rows: list[Any] = []

    def record(self, row: Any) -> None:
        self.rows.append(row)

    async def written(self) -> bool:  # rows here are "committed" as soon as recorded
        return True


def test_abandoned_stream_is_accounted_and_refunded() -> None:
    async def scenario() -> None:
        router = Router({"p": _TwoChunkProvider()}, {"p": ProviderState()})  # type: ignore[dict-item]
        router.add_model(ModelEntry("m", "chat", [Route("p", "m")]))
        quotas = Quotas(LocalCounters(), lambda: [Limit(1, "key", 1, None, 2, None, None, None)])
        rows = _Rows()
        gateway = Gateway(router, rows, quotas)  # type: ignore[arg-type]
        who = Principal(1, "user", Tenant(1, "t", "", None, 0))
        body = {"model": "m", "messages": [{"role": "user", "content": "x"}], "stream": True}

        stream, _ = await gateway.open_stream(who, "chat/completions", body)
        del stream  # the client left before the first write
        await asyncio.sleep(0.05)
        assert [(r.status, r.prompt_tokens, r.completion_tokens) for r in rows.rows] == [(499, 3, 0)]
        assert router.states["p"].in_flight == 0

        stream, _ = await gateway.open_stream(who, "chat/completions", body)
        assert [b async for b in stream]
        await asyncio.sleep(0.05)
        assert (rows.rows[-1].status, rows.rows[-1].completion_tokens) == (200, 1)
        assert router.states["p"].in_flight == 0
        # rpm 2: the abandoned call was given back, the full one counted, so exactly one more fits.
        await quotas.admit(1, 1, "m", 0)
        try:
            await quotas.admit(1, 1, "m", 0)
        except QuotaExceeded:
            return
        raise AssertionError("the limit let a third call through")

    asyncio.run(scenario())
