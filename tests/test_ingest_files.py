"""Bulk ingestion across files (`siyada ingest`): documents of consecutive files share transactions
and model calls, each file's outcome comes back in order, and a bad file is reported and skipped
without losing the files around it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import sqlalchemy as sa

from siyada.governance.tenants import create_tenant
from siyada.knowledge import ingest
from siyada.knowledge.service import Knowledge
from siyada.store.db import open_store
from siyada.store.tables import chunks, documents


class Counting:
    dim = 8

    def __init__(self) -> None:
        self.calls: list[int] = []

    def embed(self, texts: list[str], input_type: str = "query") -> np.ndarray:
        self.calls.append(len(texts))
        out = np.ones((len(texts), self.dim), dtype=np.float32)
        out[:, 0] = [len(t) for t in texts]
        return out


def _kn(tmp_path: Path, model: Counting):  # type: ignore[no-untyped-def]
    engine = open_store(f"sqlite:///{tmp_path / 'k.db'}")
    tenant = create_tenant(engine, "t")
    kn = Knowledge(engine, lambda name: model, None, "counting")
    kn.create_collection(tenant.id, "c")
    return engine, tenant, kn


def _files(n: int) -> list[tuple[str, bytes]]:
    return [(f"note{i}.txt", f"Note {i}: the office opens at {i} o'clock.".encode()) for i in range(n)]


def test_small_files_are_embedded_and_written_together(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    model = Counting()
    engine, tenant, kn = _kn(tmp_path, model)
    writes: list[int] = []
    real_store = ingest.store
    monkeypatch.setattr(
        ingest, "store", lambda e, c, t, batch: writes.append(len(batch)) or real_store(e, c, t, batch)
    )
    files = _files(40)
    outcomes = list(kn.ingest_files(tenant.id, tenant.name, "c", [(n, lambda d=d: d) for n, d in files]))
    assert [o.name for o in outcomes] == [n for n, _ in files]
    assert all(o.error is None and len(o.results) == 1 and o.results[0].created for o in outcomes)
    assert writes == [40]  # one transaction for the 40 one-chunk files (under STORE_BATCH_CHUNKS)
    assert model.calls == [32, 8]  # full model batches across files, not one call per file
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(documents)).scalar_one() == 40
    again = list(kn.ingest_files(tenant.id, tenant.name, "c", [(n, lambda d=d: d) for n, d in files]))
    assert all(not o.results[0].created for o in again)  # idempotent: already there
    assert writes == [40]


def test_a_bad_file_is_reported_in_order_and_the_others_are_kept(tmp_path: Path) -> None:
    engine, tenant, kn = _kn(tmp_path, Counting())

    def unreadable() -> bytes:
        raise OSError("permission denied")

    files = [
        ("a.txt", lambda: b"First note about the civil registry."),
        ("broken.docx", lambda: b"PK\x03\x04 not really a docx"),
        ("gone.txt", unreadable),
        ("b.txt", lambda: b"Second note about building permits."),
    ]
    outcomes = list(kn.ingest_files(tenant.id, tenant.name, "c", files))
    assert [o.name for o in outcomes] == ["a.txt", "broken.docx", "gone.txt", "b.txt"]
    assert [o.error is None for o in outcomes] == [True, False, False, True]
    assert "permission denied" in str(outcomes[2].error)
    with engine.connect() as conn:
        names = {r[0] for r in conn.execute(sa.select(documents.c.name))}
        assert names == {"a.txt", "b.txt"}
        assert conn.execute(sa.select(sa.func.count()).select_from(chunks)).scalar_one() == 2


def test_a_large_file_is_written_in_batches(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    engine, tenant, kn = _kn(tmp_path, Counting())
    writes: list[int] = []
    real_store = ingest.store
    monkeypatch.setattr(
        ingest, "store", lambda e, c, t, batch: writes.append(len(batch)) or real_store(e, c, t, batch)
    )
    monkeypatch.setattr(ingest, "STORE_BATCH_CHUNKS", 10)
    lines = b"\n".join(b'{"text": "Record %d of the register."}' % i for i in range(25))
    (outcome,) = kn.ingest_files(tenant.id, tenant.name, "c", [("r.jsonl", lambda: lines)])
    assert writes == [10, 10, 5]  # a kill mid-file keeps the batches already written
    assert len(outcome.results) == 25 and all(r.created for r in outcome.results)
    assert [r.document["name"] for r in outcome.results] == [f"r.jsonl#{i + 1}" for i in range(25)]
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(documents)).scalar_one() == 25
