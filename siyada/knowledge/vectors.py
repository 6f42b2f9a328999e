"""Dense vectors of chunks: stored with the chunk (float32, L2-normalised) and searched exactly.

Search loads a collection's vectors into one matrix, kept in memory and brought up to date when the
collection changed: every search reads the collection's version (one primary-key row, bumped by each
write transaction, so documents ingested by another process such as the CLI are seen); when it moved,
a count/max-id stamp tells additions (read alone) from deletions (reload all).

Up to ``IVF_MIN`` vectors, search is exact: one matrix-vector product (a few ms at 100k × 384). Past
it, a collection gets an inverted-file index (IVF): k-means centroids trained on a sample, every
vector stored contiguously with the others of its nearest centroid, and a query scans only the
``NPROBE`` lists whose centroids are nearest (at 1M chunks, ~3 % of the vectors). Vectors added after
the index was built are searched exactly beside it until they reach a fifth of it, then the index is
rebuilt. Built in memory from the stored vectors (seconds at 1M), so it never disagrees with them.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection
from threadpoolctl import ThreadpoolController

from siyada.lang.sentences import embedding_sentences
from siyada.store.tables import chunks, collections

# A search's matrix products run on one BLAS thread. They are small (a few ms), and a hybrid search
# runs its lexical half beside them on the other core: OpenBLAS's second thread then waits for that
# core, spinning, and a 3 ms product took 30–300 ms (hybrid p95 at a million chunks 34 ms, max 195;
# with one thread 20 ms, max 25). Loading and indexing keep every thread.
_BLAS = ThreadpoolController()


class Embedder(Protocol):
    """A text embedding model. One that also sets ``sentence_vectors = True`` (a transformer, whose
    pooled vector of a long passage blurs its sentences) gets a vector per sentence of each multi-sentence
    chunk as well, used to rescore dense candidates (`rescore_by_sentences`)."""

    dim: int

    def embed(self, texts: list[str], input_type: str = "query") -> np.ndarray: ...


class VectorIndex(Protocol):
    """Dense search over stored chunk vectors: in this process (VectorCache) or in PostgreSQL (pgvector)."""

    def search(
        self, conn: Connection, collection_ids: Sequence[int], query: np.ndarray, k: int
    ) -> list[tuple[int, float]]: ...


def to_blob(vector: np.ndarray) -> bytes:
    return to_blobs(np.asarray(vector)[None, :])[0]


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    """Rows L2-normalised as float32 (an all-zero row stays zero)."""
    m = np.asarray(matrix, dtype="<f4")
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return m / norms


def to_blobs(matrix: np.ndarray) -> list[bytes]:
    """Rows L2-normalised, as little-endian float32 blobs (one normalisation for the whole batch)."""
    return [row.tobytes() for row in _unit_rows(matrix).astype("<f4")]


def sentence_blob(matrix: np.ndarray) -> bytes:
    """A chunk's sentence vectors, L2-normalised, as little-endian float16 rows (half the bytes of
    float32; they only rescore candidates, where 3 significant digits are plenty)."""
    return _unit_rows(matrix).astype("<f2").tobytes()


def space_of(model: Embedder | None) -> str | None:
    """The model's vector space (a fingerprint of its weights, siyada.knowledge.reindex), where it
    declares one."""
    found = getattr(model, "space", None)
    return str(found) if found is not None else None


def wants_sentences(model: Embedder, configured: bool = True) -> bool:
    """Whether passages embedded by `model` also get a vector per sentence (the model declares it, and
    the deployment has not turned it off)."""
    return configured and bool(getattr(model, "sentence_vectors", False))


def embed_passages(model: Embedder, texts: list[str], per_sentence: bool) -> list[tuple[bytes, bytes | None]]:
    """(vector blob, sentence-vectors blob or None) of each passage, in one model call: the passages
    whole, then, with `per_sentence`, the sentences of every passage that has several."""
    groups = [embedding_sentences(t) if per_sentence else [t] for t in texts]
    extra = [s for g in groups if len(g) > 1 for s in g]
    matrix = model.embed(texts + extra, "passage")
    out: list[tuple[bytes, bytes | None]] = []
    at = len(texts)
    for blob, group in zip(to_blobs(matrix[: len(texts)]), groups, strict=True):
        sentences = None
        if len(group) > 1:
            sentences = sentence_blob(matrix[at : at + len(group)])
            at += len(group)
        out.append((blob, sentences))
    return out


def best_sentence(blob: bytes, q: np.ndarray) -> float:
    """The best cosine between unit query vector `q` and a chunk's stored sentence vectors."""
    return float((np.frombuffer(blob, dtype="<f2").reshape(-1, len(q)).astype(np.float32) @ q).max())


def rescore_by_sentences(
    conn: Connection, ranking: list[tuple[int, float]], query: np.ndarray
) -> list[tuple[int, float]]:
    """Dense candidates rescored as the mean of the chunk's cosine and its best sentence's cosine, best
    first. A question usually paraphrases one sentence of the passage that answers it, which the
    chunk's pooled vector dilutes; the chunk's own vector keeps the context. A chunk without sentence
    vectors (a single sentence, or embedded by a model without them) is its own best sentence.
    On the dev tasks this lifts semantic R@1 on every multi-sentence task (docs/benchmarks.md)."""
    if not ranking:
        return ranking
    q = np.asarray(query, dtype=np.float32).ravel()
    q = q / (np.linalg.norm(q) or 1.0)
    rows = conn.execute(
        sa.select(chunks.c.id, chunks.c.sentence_vectors).where(
            chunks.c.id.in_([cid for cid, _ in ranking]), chunks.c.sentence_vectors.is_not(None)
        )
    ).all()
    best = {int(cid): best_sentence(blob, q) for cid, blob in rows}
    rescored = [(cid, (s + best.get(cid, s)) / 2) for cid, s in ranking]
    return sorted(rescored, key=lambda x: -x[1])


IVF_MIN = 100_000
NPROBE = 24
_SAMPLE_PER_LIST = 48
_KMEANS_ROUNDS = 6


@dataclass
class _Ivf:
    centroids: np.ndarray  # (lists, dim)
    offsets: np.ndarray  # (lists + 1,): list j holds rows offsets[j]:offsets[j+1] of ids/vectors
    ids: np.ndarray
    vectors: np.ndarray

    @classmethod
    def build(cls, ids: np.ndarray, vectors: np.ndarray, seed: int = 0) -> _Ivf:
        lists = max(16, int(np.sqrt(len(ids))))
        rng = np.random.default_rng(seed)
        sample = vectors[rng.choice(len(ids), min(len(ids), lists * _SAMPLE_PER_LIST), replace=False)]
        centroids = sample[rng.choice(len(sample), lists, replace=False)].copy()
        for _ in range(_KMEANS_ROUNDS):  # spherical k-means: vectors and centroids on the unit sphere
            nearest = _nearest(sample, centroids)
            sums = np.zeros_like(centroids)
            np.add.at(sums, nearest, sample)
            norms = np.linalg.norm(sums, axis=1, keepdims=True)
            centroids = np.where(norms > 0, sums / np.maximum(norms, 1e-12), centroids)
        assign = _nearest(vectors, centroids)
        order = np.argsort(assign, kind="stable")
        offsets = np.searchsorted(assign[order], np.arange(lists + 1))
        return cls(centroids.astype(np.float32), offsets, ids[order], np.ascontiguousarray(vectors[order]))

    def search(self, q: np.ndarray, nprobe: int = NPROBE) -> tuple[np.ndarray, np.ndarray]:
        """Ids and scores of every vector in the `nprobe` lists nearest to q (the caller takes its top k)."""
        probe = np.argpartition(-(self.centroids @ q), min(nprobe, len(self.centroids) - 1))[:nprobe]
        ids, scores = [], []
        for j in probe:
            lo, hi = self.offsets[j], self.offsets[j + 1]
            if hi > lo:
                ids.append(self.ids[lo:hi])
                scores.append(self.vectors[lo:hi] @ q)
        if not ids:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        return np.concatenate(ids), np.concatenate(scores)


def _nearest(vectors: np.ndarray, centroids: np.ndarray, batch: int = 65_536) -> np.ndarray:
    out = np.empty(len(vectors), dtype=np.int64)
    for lo in range(0, len(vectors), batch):
        out[lo : lo + batch] = np.argmax(vectors[lo : lo + batch] @ centroids.T, axis=1)
    return out


@dataclass
class _Matrix:
    stamp: tuple[int, int]
    ids: np.ndarray  # chunk ids, int64 — the vectors not in the IVF index (all when there is none)
    vectors: np.ndarray  # (n, dim) float32
    ivf: _Ivf | None = None
    version: int | None = None  # the collection's version when loaded

    def count(self) -> int:
        return len(self.ids) + (len(self.ivf.ids) if self.ivf is not None else 0)

    def candidates(self, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        ids, scores = self.ids, (self.vectors @ q if len(self.ids) else np.zeros(0, np.float32))
        if self.ivf is not None:
            more_ids, more_scores = self.ivf.search(q)
            ids, scores = np.concatenate([more_ids, ids]), np.concatenate([more_scores, scores])
        return ids, scores


class VectorCache:
    def __init__(self) -> None:
        self._by_collection: dict[int, _Matrix] = {}
        self._lock = threading.Lock()

    def _stamp(self, conn: Connection, collection_id: int) -> tuple[int, int]:
        row = conn.execute(
            sa.select(sa.func.count(), sa.func.coalesce(sa.func.max(chunks.c.id), 0)).where(
                chunks.c.collection_id == collection_id, chunks.c.vector.is_not(None)
            )
        ).one()
        return int(row[0]), int(row[1])

    def matrix(self, conn: Connection, collection_id: int) -> _Matrix:
        version = conn.execute(
            sa.select(collections.c.version).where(collections.c.id == collection_id)
        ).scalar()
        with self._lock:
            found = self._by_collection.get(collection_id)
        if found is not None and found.version == version:
            return found
        stamp = self._stamp(conn, collection_id)
        if found is not None and found.stamp == stamp:
            found.version = version
            return found
        if found is not None and stamp[1] > found.stamp[1]:
            ids, vectors = _load(conn, collection_id, after=found.stamp[1])
            if found.count() + len(ids) == stamp[0]:  # only additions since: append them
                built = _extend(found, stamp, ids, vectors)
            else:
                built = _fresh(stamp, *_load(conn, collection_id))
        else:
            built = _fresh(stamp, *_load(conn, collection_id))
        built.version = version
        with self._lock:
            self._by_collection[collection_id] = built
        return built

    def search(
        self, conn: Connection, collection_ids: Sequence[int], query: np.ndarray, k: int
    ) -> list[tuple[int, float]]:
        """(chunk_id, cosine) of the k nearest chunks across the collections, best first."""
        q = np.asarray(query, dtype=np.float32).ravel()
        q = q / (np.linalg.norm(q) or 1.0)
        best: list[tuple[int, float]] = []
        for cid in collection_ids:
            m = self.matrix(conn, cid)
            if not m.count() or m.vectors.shape[1] != q.shape[0]:
                continue
            with _BLAS.limit(limits=1, user_api="blas"):
                ids, scores = m.candidates(q)
            top = (
                np.argpartition(-scores, min(k, len(scores) - 1))[:k]
                if len(scores) > k
                else np.arange(len(scores))
            )
            best += [(int(ids[i]), float(scores[i])) for i in top]
        best.sort(key=lambda x: -x[1])
        return best[:k]


def _load(conn: Connection, collection_id: int, after: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rows = conn.execute(
        sa.select(chunks.c.id, chunks.c.vector)
        .where(chunks.c.collection_id == collection_id, chunks.c.vector.is_not(None), chunks.c.id > after)
        .order_by(chunks.c.id)
    ).all()
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    if not rows:
        return ids, np.zeros((0, 1), dtype=np.float32)
    return ids, np.frombuffer(b"".join(r[1] for r in rows), dtype="<f4").reshape(len(rows), -1)


def _fresh(stamp: tuple[int, int], ids: np.ndarray, vectors: np.ndarray) -> _Matrix:
    if len(ids) >= IVF_MIN:
        empty = np.zeros((0, vectors.shape[1]), dtype=np.float32)
        return _Matrix(stamp, ids[:0], empty, _Ivf.build(ids, vectors))
    return _Matrix(stamp, ids, vectors)


def _extend(old: _Matrix, stamp: tuple[int, int], ids: np.ndarray, vectors: np.ndarray) -> _Matrix:
    """`old` plus rows added since (never none: the stamp's max id moved past old's)."""
    tail_ids = np.concatenate([old.ids, ids]) if len(old.ids) else ids
    tail = np.vstack([old.vectors, vectors]) if len(old.ids) else vectors
    limit = len(old.ivf.ids) // 5 if old.ivf is not None else IVF_MIN
    if len(tail_ids) < limit:
        return _Matrix(stamp, tail_ids, tail, old.ivf)
    if old.ivf is not None:  # the tail grew past a fifth of the index: rebuild over everything
        tail_ids = np.concatenate([old.ivf.ids, tail_ids])
        tail = np.vstack([old.ivf.vectors, tail])
    order = np.argsort(tail_ids, kind="stable")
    return _fresh(stamp, tail_ids[order], tail[order])
