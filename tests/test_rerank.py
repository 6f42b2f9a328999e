"""Re-ranking: a stronger embedding model re-scores the fused candidates of a collection indexed with a
weaker one, keeps its vectors of those chunks (which go with their chunk), and never waits on a writer;
and the query bridge that lets the stronger model's query vector search the weaker index."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa

from siyada.governance.tenants import create_tenant
from siyada.knowledge.collections import KnowledgeError, delete_document
from siyada.knowledge.rerank import BRIDGE_WEIGHT, RerankDepth, bridged_query
from siyada.knowledge.service import Knowledge
from siyada.store.db import open_store
from siyada.store.tables import chunk_rerank_vectors

# The weak model only sees how long words are, so "cedar basil" looks most like the first document.
DOCS = [
    "lemon grape melon peach plum",
    "cedar basil thyme sage mint",
    "lemon grape olive fig date",
]


class WordLengths:
    """A deliberately weak model built by the test: a histogram of word lengths."""

    dim = 16

    def __init__(self) -> None:
        self.calls = 0

    def embed(self, texts: list[str], input_type: str = "query") -> np.ndarray:
        self.calls += 1
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text):
                out[row, min(len(word), self.dim - 1)] += 1.0
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


class BagOfWords:
    """The strong model: one dimension per word."""

    dim = 64
    sentence_vectors = False

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self.texts: list[str] = []

    def embed(self, texts: list[str], input_type: str = "query") -> np.ndarray:
        self.texts += texts
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                out[row, self.vocab.setdefault(word, len(self.vocab))] += 1.0
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def _setup(tmp_path: Path, default: bool = False, strong: BagOfWords | None = None):  # type: ignore[no-untyped-def]
    engine = open_store(f"sqlite:///{tmp_path / 'k.db'}")
    tenant = create_tenant(engine, "t")
    models = {"weak": WordLengths(), "strong": strong or BagOfWords()}
    kn = Knowledge(engine, models.get, None, "weak", rerank_model="strong", rerank_default=default)
    kn.create_collection(tenant.id, "c")
    blob = "\n".join(json.dumps({"text": t, "n": i}) for i, t in enumerate(DOCS))
    kn.ingest(tenant.id, tenant.name, "c", blob.encode(), "docs.jsonl")
    return engine, tenant, kn, models


def _stored(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(chunk_rerank_vectors)).scalar_one())


def test_rerank_lets_the_strong_model_decide_among_the_candidates(tmp_path: Path) -> None:
    engine, tenant, kn, _models = _setup(tmp_path)
    query = "cedar basil"
    plain = kn.search(tenant.id, tenant.name, ["c"], query, 3, "semantic", rerank=False)
    assert plain[0]["chunk"]["text"] == DOCS[0]  # the weak model prefers the most five-letter words
    assert "rerank" not in plain[0]["ranks"]
    hits = kn.search(tenant.id, tenant.name, ["c"], query, 3, "semantic", rerank=True)
    assert hits[0]["chunk"]["text"] == DOCS[1]
    assert hits[0]["ranks"]["rerank"] == 1
    assert _stored(engine) == 3  # the strong model's vectors of the three candidates are kept


def test_rerank_vectors_are_computed_once_and_go_with_their_chunk(tmp_path: Path) -> None:
    engine, tenant, kn, models = _setup(tmp_path)
    kn.search(tenant.id, tenant.name, ["c"], "lemon olive", 3, "hybrid", rerank=True)
    strong = models["strong"]
    assert sorted(set(strong.texts) - {"lemon olive"}) == sorted(DOCS)
    strong.texts.clear()
    hits = kn.search(tenant.id, tenant.name, ["c"], "lemon olive", 3, "hybrid", rerank=True)
    assert strong.texts == ["lemon olive"]  # only the query: the candidates' vectors were stored
    assert hits[0]["chunk"]["text"] == DOCS[2]
    delete_document(engine, tenant.id, hits[0]["document"]["id"])
    assert _stored(engine) == 2


def test_the_rerank_depth_follows_the_candidates_text(tmp_path: Path) -> None:
    """At least `least` candidates, then more while their text fits the budget, never past `most`."""
    engine = open_store(f"sqlite:///{tmp_path / 'k.db'}")
    tenant = create_tenant(engine, "t")
    kn = Knowledge(engine, {"weak": WordLengths()}.get, None, "weak", rerank_model=None)
    kn.create_collection(tenant.id, "c")
    lines = [f"short line number {i}" for i in range(8)] + [("long text " * 30 + str(i)) for i in range(4)]
    kn.ingest(
        tenant.id, tenant.name, "c", "\n".join(json.dumps({"text": t}) for t in lines).encode(), "d.jsonl"
    )
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT id, length(text) FROM chunks ORDER BY id")).all()
        short = [int(r[0]) for r in rows if r[1] < 30]
        long = [int(r[0]) for r in rows if r[1] > 300]
        assert len(short) == 8 and len(long) == 4
        depth = RerankDepth(least=2, most=6, chars=100)
        # eight ~20-character lines: two, then three more within 100 characters
        assert depth.head(conn, short) == short[:5]
        assert depth.head(conn, long + short) == long[:2]  # long chunks spend the budget at once
        assert RerankDepth(least=2, most=6, chars=10_000).head(conn, short) == short[:6]
        assert RerankDepth.fixed(3).head(conn, short + long) == short[:3]
        assert depth.head(conn, short[:1]) == short[:1]


def test_rerank_default_covers_collections_of_another_model_only(tmp_path: Path) -> None:
    _engine, tenant, kn, _models = _setup(tmp_path, default=True)
    hits = kn.search(tenant.id, tenant.name, ["c"], "cedar basil", 3)  # hybrid, the default mode
    assert "rerank" in hits[0]["ranks"]
    assert "rerank" not in kn.search(tenant.id, tenant.name, ["c"], "cedar", 3, "lexical")[0]["ranks"]
    kn.create_collection(tenant.id, "own", embedding_model="strong")
    kn.ingest(tenant.id, tenant.name, "own", b"cedar basil thyme", "a.txt")
    own = kn.search(tenant.id, tenant.name, ["own"], "cedar", 3)
    assert "rerank" not in own[0]["ranks"]  # its own vectors already come from the re-ranker


def test_rerank_without_its_model_is_a_clear_error(tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 'k.db'}")
    tenant = create_tenant(engine, "t")
    kn = Knowledge(engine, {"weak": WordLengths()}.get, None, "weak", rerank_model="absent")
    kn.create_collection(tenant.id, "c")
    kn.ingest(tenant.id, tenant.name, "c", b"cedar basil", "a.txt")
    with pytest.raises(KnowledgeError, match="absent") as err:
        kn.search(tenant.id, tenant.name, ["c"], "cedar", 3, rerank=True)
    assert err.value.param == "rerank"
    off = Knowledge(engine, {"weak": WordLengths()}.get, None, "weak", rerank_model=None)
    with pytest.raises(KnowledgeError, match="not configured"):
        off.search(tenant.id, tenant.name, ["c"], "cedar", 3, rerank=True)


def test_a_held_write_lock_does_not_block_a_reranked_search(tmp_path: Path) -> None:
    engine, tenant, kn, _models = _setup(tmp_path)
    writer = sqlite3.connect(tmp_path / "k.db", timeout=1)
    writer.execute("BEGIN IMMEDIATE")  # an ingestion holding the write lock
    try:
        hits = kn.search(tenant.id, tenant.name, ["c"], "cedar basil", 3, "semantic", rerank=True)
    finally:
        writer.rollback()
        writer.close()
    assert hits[0]["chunk"]["text"] == DOCS[1]
    assert _stored(engine) == 0  # skipped, not waited for: a later query stores them
    kn.search(tenant.id, tenant.name, ["c"], "cedar basil", 3, "semantic", rerank=True)
    assert _stored(engine) == 3


def test_the_query_bridge_adds_the_mapped_strong_vector() -> None:
    class Bridged:
        dim = 2

        def __init__(self) -> None:
            self.query_bridges = {"strong": np.array([[0.0, 2.0], [0.0, 0.0], [0.0, 0.0]], dtype=np.float32)}

    own = np.array([3.0, 0.0], dtype=np.float32)
    strong = np.array([1.0, 0.0, 0.0], dtype=np.float32)
    assert np.allclose(bridged_query(Bridged(), own, "strong", strong), [1.0, BRIDGE_WEIGHT])
    assert np.array_equal(bridged_query(Bridged(), own, "other", strong), own)  # no bridge from it
    assert np.array_equal(bridged_query(Bridged(), own, "strong", strong[:2]), own)  # another space


def test_the_shipped_bridge_finds_translations_the_static_model_alone_misses() -> None:
    from siyada.gateway.backends.embedder import E5Embedder
    from siyada.gateway.backends.static import StaticEmbedder

    static, e5 = StaticEmbedder(), E5Embedder(threads=1)
    w = static.query_bridges["siyada-embed"]
    assert w.shape == (e5.dim, static.dim)
    english = [
        "Where can I renew my national identity card?",
        "The weather is hot in Marrakech today.",
        "My son lost his school bag on the bus.",
        "How much does a birth certificate cost?",
        "We are going to the market to buy vegetables.",
        "The hospital opens at eight in the morning.",
    ]
    darija = [
        "فين نقدر نجدد لاكارط ناسيونال ديالي؟",
        "الجو سخون فمراكش اليوم.",
        "ولدي ضيع الصاك ديال المدرسة فالطوبيس.",
        "شحال كيسوا عقد الازدياد؟",
        "غادي نمشيو للسوق نشريو الخضرة.",
        "السبيطار كيحل على الثمنية دالصباح.",
    ]
    mapped = e5.embed(english, "query") @ w
    mapped /= np.linalg.norm(mapped, axis=1, keepdims=True)
    targets = static.embed(darija)
    bridged_hits = int((np.argmax(mapped @ targets.T, axis=1) == np.arange(6)).sum())
    own_hits = int((np.argmax(static.embed(english) @ targets.T, axis=1) == np.arange(6)).sum())
    assert bridged_hits >= 5 and bridged_hits > own_hits  # measured: 5 of 6, against 3 of 6
