"""A collection remembers which version of its embedding model made its vectors: after the model
changes under the same name, dense search and ingestion refuse it with a clear 409 until it is
re-embedded, lexical search keeps working, and re-embedding (also after a kill mid-way) gives the
vectors a fresh ingestion would."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa

from siyada.governance.tenants import create_tenant
from siyada.knowledge import reindex as reindex_module
from siyada.knowledge.collections import KnowledgeError
from siyada.knowledge.service import Knowledge
from siyada.store.db import open_store

DOCS = ["the river flows to the sea", "olive trees on the hill", "a market sells fresh bread"]


class Versioned:
    """A test model whose vectors depend on its version: a seeded random vector per word."""

    dim = 64  # wide enough that shared words dominate the random cross terms

    def __init__(self, version: int) -> None:
        self.version = version
        self.space = f"test:{version}"

    def embed(self, texts: list[str], input_type: str = "query") -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.split():
                seed = sum(map(ord, word)) * 31 + self.version
                out[row] += np.random.default_rng(seed).normal(size=self.dim).astype(np.float32)
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def _store(tmp_path: Path, model: Versioned) -> tuple[sa.Engine, int, Knowledge, dict[str, Versioned]]:
    engine = open_store(f"sqlite:///{tmp_path / 'k.db'}")
    tenant = create_tenant(engine, "t")
    models = {"m": model}
    kn = Knowledge(engine, models.get, None, "m", rerank_model=None)
    kn.create_collection(tenant.id, "c")
    kn.ingest(tenant.id, "t", "c", "\n".join(json.dumps({"text": t}) for t in DOCS).encode(), "d.jsonl")
    return engine, tenant.id, kn, models


def _vectors(engine: sa.Engine) -> list[bytes]:
    with engine.connect() as conn:
        return [bytes(r[0]) for r in conn.execute(sa.text("SELECT vector FROM chunks ORDER BY id"))]


def test_a_changed_model_is_refused_until_the_collection_is_reindexed(tmp_path: Path) -> None:
    engine, tid, kn, models = _store(tmp_path, Versioned(1))
    assert kn.search(tid, "t", ["c"], "olive hill", 1, "semantic")[0]["chunk"]["text"] == DOCS[1]
    old = _vectors(engine)
    models["m"] = Versioned(2)  # an upgrade ships other weights under the same name
    for mode in ("semantic", "hybrid", None):
        with pytest.raises(KnowledgeError) as refused:
            kn.search(tid, "t", ["c"], "olive hill", 1, mode)  # type: ignore[arg-type]
        assert refused.value.status == 409 and refused.value.code == "collection_needs_reindex"
        assert "siyada collections reindex c" in str(refused.value)
    with pytest.raises(KnowledgeError) as refused:
        kn.ingest(tid, "t", "c", b"more text about bread", "e.txt")
    assert refused.value.status == 409
    assert kn.search(tid, "t", ["c"], "olive hill", 1, "lexical")[0]["chunk"]["text"] == DOCS[1]

    seen: list[tuple[int, int]] = []
    assert kn.reindex(tid, "c", lambda done, total: seen.append((done, total))).embedded == 3
    assert seen[-1] == (3, 3)
    new = _vectors(engine)
    assert new != old
    fresh = Versioned(2).embed(DOCS, "passage")
    assert all(np.allclose(np.frombuffer(b, dtype="<f4"), v) for b, v in zip(new, fresh, strict=True))
    assert kn.search(tid, "t", ["c"], "olive hill", 1, "hybrid")[0]["chunk"]["text"] == DOCS[1]
    kn.ingest(tid, "t", "c", b"more text about bread", "e.txt")  # accepted again


def test_a_reindex_killed_midway_leaves_the_collection_refused_then_resumes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _engine, tid, kn, models = _store(tmp_path, Versioned(1))
    models["m"] = Versioned(2)
    monkeypatch.setattr(reindex_module, "BATCH_CHUNKS", 1)
    calls = {"n": 0}
    real = reindex_module.embed_passages

    def dies_on_the_second_batch(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # stands for a kill between two batches
        return real(*args, **kwargs)

    monkeypatch.setattr(reindex_module, "embed_passages", dies_on_the_second_batch)
    with pytest.raises(KeyboardInterrupt):
        kn.reindex(tid, "c")
    with pytest.raises(KnowledgeError) as refused:  # one chunk new, two old: never searched like that
        kn.search(tid, "t", ["c"], "olive hill", 1, "semantic")
    assert "being re-embedded" in str(refused.value)
    assert kn.reindex(tid, "c").embedded == 3
    assert kn.search(tid, "t", ["c"], "olive hill", 1, "semantic")[0]["chunk"]["text"] == DOCS[1]


def test_models_without_a_space_and_older_collections_are_not_checked(tmp_path: Path) -> None:
    engine, tid, kn, models = _store(tmp_path, Versioned(1))
    with engine.begin() as conn:  # a collection made before spaces were recorded
        conn.execute(sa.text("UPDATE collections SET embedding_space = NULL"))
    models["m"] = Versioned(2)
    assert kn.search(tid, "t", ["c"], "olive hill", 1, "semantic")


def test_the_packaged_models_declare_their_space() -> None:
    from siyada.gateway.backends.static import StaticEmbedder

    static = StaticEmbedder()
    assert static.space.startswith("e5-static:") and static.space == StaticEmbedder().space


def test_siyada_collections_reindex_from_the_command_line(tmp_path: Path) -> None:
    import sqlite3

    from tests.server import cli

    data, docs = tmp_path / "d", tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("الحالة المدنية: طلب نسخة من عقد الازدياد في مكتب الجماعة.", encoding="utf-8")
    (docs / "b.txt").write_text(
        "Le certificat de résidence est délivré par l'arrondissement.", encoding="utf-8"
    )
    cli(data, "tenants", "create", "default")
    cli(data, "collections", "create", "procs", "--embedding-model", "siyada-embed-static")
    cli(data, "ingest", str(docs), "--collection", "procs")
    con = sqlite3.connect(data / "siyada.db")  # as if the installed static model had changed since
    with con:
        con.execute("UPDATE collections SET embedding_space = 'e5-static:0000000000000000'")
    con.close()
    refused = cli(data, "search", "certificat de résidence", "--collection", "procs", check=False)
    assert refused.returncode != 0 and "siyada collections reindex procs" in refused.stderr
    lexical = cli(data, "search", "certificat de résidence", "--collection", "procs", "--mode", "lexical")
    assert "arrondissement" in lexical.stdout
    done = cli(data, "collections", "reindex", "procs")
    assert "2 chunks re-embedded" in done.stdout
    found = cli(data, "search", "certificat de résidence", "--collection", "procs")
    assert "arrondissement" in found.stdout
