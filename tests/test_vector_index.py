"""The vector cache: exact search, the IVF index past IVF_MIN, and incremental loading."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from siyada.knowledge import vectors
from siyada.knowledge.collections import bump_version
from siyada.store.db import open_store
from siyada.store.tables import chunks, collections, documents, tenants


def _clustered(n: int, dim: int = 32, centres: int = 40, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    c = rng.normal(size=(centres, dim))
    v = c[rng.integers(0, centres, n)] + rng.normal(scale=0.35, size=(n, dim))
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def _add(engine, vecs: np.ndarray, start: int) -> None:  # type: ignore[no-untyped-def]
    with engine.begin() as conn:
        conn.execute(
            chunks.insert(),
            [
                {"id": start + i, "document_id": "doc_1", "collection_id": 1, "idx": start + i, "start": 0,
                 "end": 1, "text": "x", "vector": vectors.to_blob(v)}
                for i, v in enumerate(vecs)
            ],
        )  # fmt: skip
        bump_version(conn, 1)


@pytest.fixture()
def engine(tmp_path: Path):  # type: ignore[no-untyped-def]
    engine = open_store(f"sqlite:///{tmp_path / 'v.db'}")
    with engine.begin() as conn:
        conn.execute(tenants.insert().values(id=1, name="t", created_at=time.time()))
        conn.execute(collections.insert().values(id=1, tenant_id=1, name="c", created_at=time.time()))
        conn.execute(
            documents.insert().values(
                id="doc_1", collection_id=1, tenant_id=1, name="d", sha256="0", format="text", chars=1,
                chunks=1, created_at=time.time(),
            )
        )  # fmt: skip
    return engine


def test_ivf_finds_what_exact_search_finds(engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(vectors, "IVF_MIN", 2_000)
    data = _clustered(6_000)
    _add(engine, data, 1)
    cache = vectors.VectorCache()
    queries = _clustered(50, seed=9)
    with engine.connect() as conn:
        m = cache.matrix(conn, 1)
        assert m.ivf is not None and m.count() == 6_000 and len(m.ids) == 0
        hits = 0
        for q in queries:
            exact = set((np.argsort(-(data @ q))[:10] + 1).tolist())
            got = {c for c, _ in cache.search(conn, [1], q, 10)}
            hits += len(exact & got)
    assert hits / (10 * len(queries)) >= 0.9  # recall@10 of the index against exact search


def test_an_unchanged_version_means_no_reload(engine) -> None:  # type: ignore[no-untyped-def]
    _add(engine, _clustered(10), 1)
    cache = vectors.VectorCache()
    with engine.connect() as conn:
        first = cache.matrix(conn, 1)
        assert cache.matrix(conn, 1) is first and first.count() == 10


def test_new_rows_are_appended_then_indexed_and_deletions_reload(engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(vectors, "IVF_MIN", 1_000)
    data = _clustered(3_000)
    _add(engine, data[:1_000], 1)
    cache = vectors.VectorCache()
    with engine.connect() as conn:
        first = cache.matrix(conn, 1)
    assert first.ivf is not None and first.count() == 1_000
    _add(engine, data[1_000:1_100], 1_001)  # a small addition: searched exactly beside the index
    with engine.connect() as conn:
        second = cache.matrix(conn, 1)
        assert second.ivf is first.ivf and len(second.ids) == 100 and second.count() == 1_100
        top = cache.search(conn, [1], data[1_050], 1)
    assert top[0][0] == 1_051
    _add(engine, data[1_100:], 1_101)  # past a fifth of the index: rebuilt over everything
    with engine.connect() as conn:
        third = cache.matrix(conn, 1)
        assert third.ivf is not first.ivf and third.count() == 3_000 and len(third.ids) == 0
    with engine.begin() as conn:
        conn.execute(chunks.delete().where(chunks.c.id == 5))
        bump_version(conn, 1)
    with engine.connect() as conn:
        fourth = cache.matrix(conn, 1)
        assert fourth.count() == 2_999 and 5 not in set(fourth.ivf.ids.tolist())  # type: ignore[union-attr]
