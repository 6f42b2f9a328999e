from __future__ import annotations

import pytest

from siyada.gateway.fairqueue import FairQueue, QueueFull


def test_round_robin_between_tenants() -> None:
    q: FairQueue[str] = FairQueue(10)
    for i in range(4):
        q.put("busy", f"busy-{i}")
    q.put("quiet", "quiet-0")
    order = [q.get(0) for _ in range(5)]
    assert order[:3] == ["busy-0", "quiet-0", "busy-1"]
    assert order[3:] == ["busy-2", "busy-3"]


def test_bounded() -> None:
    q: FairQueue[int] = FairQueue(2)
    q.put("a", 1)
    q.put("b", 2)
    with pytest.raises(QueueFull):
        q.put("c", 3)
    assert q.get(0) == 1
    q.put("c", 3)
    assert len(q) == 2


def test_get_times_out_and_close_releases() -> None:
    q: FairQueue[int] = FairQueue(1)
    assert q.get(0.01) is None
    q.close()
    assert q.get() is None
