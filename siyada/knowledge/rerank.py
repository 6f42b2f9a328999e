"""Re-ranking: a stronger embedding model rescoring the best candidates of a faster one.

A collection indexed with the static model is dense-indexed in minutes, but that model is weak on
English and French questions over Arabic text (docs/benchmarks.md); multilingual-e5 is strong there
but embeds a 70k-chunk corpus in hours on two cores. So the fast index finds the candidates and the
transformer re-scores only the best of them (`RerankDepth`): its vectors for those chunks take the
place of the collection's own in fusion, under the transformer's lexical weights.

The transformer's vectors of a chunk are computed the first time the chunk is a candidate (the cost
of a re-ranked query: a few hundred ms per uncached candidate on two cores) and kept in
``chunk_rerank_vectors``, keyed by model, so later queries that meet the chunk pay nothing; deleting
the chunk deletes them (a foreign key). Storing them is best effort: a search never waits on a writer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection, Engine

from siyada.knowledge.collections import KnowledgeError
from siyada.knowledge.vectors import Embedder, best_sentence, embed_passages, space_of, wants_sentences
from siyada.store.db import write_if_free
from siyada.store.tables import chunk_rerank_vectors, chunks


@dataclass(frozen=True)
class RerankDepth:
    """How many fused candidates are re-scored: at least `least`, then more, up to `most`, while the
    text of all those re-scored stays within `chars` characters. The transformer's cost is its text
    (an uncached legal chunk of ~680 characters costs e5 ~0.4 s on 2 cores, a sentence a tenth of
    that), so a collection of sentences is re-ranked deeper than one of long chunks for the same
    time. Dev tasks (docs/benchmarks.md): the French FAQ's R@10 needs ~40 candidates to reach plain
    e5's, English → Darija sentences ~100."""

    least: int = 50
    most: int = 100
    chars: int = 34_000  # about 50 chunks of the legal corpus

    @classmethod
    def fixed(cls, depth: int) -> RerankDepth:
        return cls(depth, depth, 0)

    def head(self, conn: Connection, candidates: list[int]) -> list[int]:
        """The leading `candidates` to re-score."""
        first = candidates[: self.most]
        if len(first) <= self.least:
            return first
        length = sa.func.length(chunks.c.text)
        lengths = dict(conn.execute(sa.select(chunks.c.id, length).where(chunks.c.id.in_(first))).all())
        total, n = sum(lengths.get(c, 0) for c in first[: self.least]), self.least
        for cid in first[self.least :]:
            total += lengths.get(cid, 0)
            if total > self.chars:
                break
            n += 1
        return first[:n]


# The bridged e5 query vector's weight beside the static one's 1 (dev tasks, re-ranked at depth 30,
# English → Arabic R@1 / R@10: no bridge 0.820 / 0.940, weight 1 0.847 / 0.973, 3 0.848 / 0.983).
BRIDGE_WEIGHT = 3.0

Ranking = list[tuple[int, float]]


@dataclass
class Reranker:
    name: str  # the embedding model's public name, which keys its stored vectors (with `key`)
    model_for: Callable[[str], Embedder | None]
    depth: RerankDepth = RerankDepth()
    sentence_vectors: bool = True  # when the model declares them, as at ingestion

    @property
    def model(self) -> Embedder | None:
        return self.model_for(self.name)

    @property
    def key(self) -> str:
        """What its stored vectors are keyed by: the model's name and, where it declares one, its
        vector space, so vectors of an earlier build of the model are not mixed with new ones."""
        space = space_of(self.model)
        return f"{self.name}@{space}" if space else self.name

    def query_vector(self, query: str) -> np.ndarray:
        model = self.model
        if model is None:
            raise KnowledgeError(f"the re-ranking model {self.name!r} is not available here", param="rerank")
        q = np.asarray(model.embed([query], "query")[0], dtype=np.float32)
        return q / (np.linalg.norm(q) or 1.0)

    def ranking(self, conn: Connection, q: np.ndarray, candidates: list[int]) -> Ranking:
        """The candidates by the model's cosine with the query vector `q` (the mean of the chunk's and
        its best sentence's, as `vectors.rescore_by_sentences` does), best first."""
        model = self.model
        if model is None or not candidates:
            return []
        vectors = self._vectors(conn, model, candidates)
        scored = [(cid, _score(q, *vectors[cid])) for cid in candidates if cid in vectors]
        return sorted(scored, key=lambda x: -x[1])

    def _vectors(
        self, conn: Connection, model: Embedder, ids: list[int]
    ) -> dict[int, tuple[bytes, bytes | None]]:
        key = self.key
        rows = conn.execute(
            sa.select(
                chunk_rerank_vectors.c.chunk_id,
                chunk_rerank_vectors.c.vector,
                chunk_rerank_vectors.c.sentence_vectors,
            ).where(chunk_rerank_vectors.c.model == key, chunk_rerank_vectors.c.chunk_id.in_(ids))
        ).all()
        found = {int(r[0]): (bytes(r[1]), None if r[2] is None else bytes(r[2])) for r in rows}
        missing = [i for i in ids if i not in found]
        if missing:
            texts = dict(
                conn.execute(sa.select(chunks.c.id, chunks.c.text).where(chunks.c.id.in_(missing))).all()
            )
            present = [int(k) for k in texts]  # a chunk deleted since it was ranked is left out
            per_sentence = wants_sentences(model, self.sentence_vectors)
            embedded = (
                embed_passages(model, [str(texts[i]) for i in present], per_sentence) if present else []
            )
            fresh = dict(zip(present, embedded, strict=True))
            _store(conn.engine, key, fresh)
            found.update(fresh)
        return found


def bridged_query(model: Embedder, own: np.ndarray, reranker: str, strong: np.ndarray) -> np.ndarray:
    """The query vector to search `model`'s index with when the re-ranker's vector `strong` is at
    hand: `model`'s own plus, where `model` has a bridge from the re-ranker's space
    (siyada.gateway.backends.bridge), the bridged one, weighted ``BRIDGE_WEIGHT``."""
    w = getattr(model, "query_bridges", {}).get(reranker)
    if w is None or w.shape[0] != len(strong):
        return own
    mapped = strong @ w
    return own / (np.linalg.norm(own) or 1.0) + BRIDGE_WEIGHT * mapped / (np.linalg.norm(mapped) or 1.0)


def _score(q: np.ndarray, vector: bytes, sentences: bytes | None) -> float:
    whole = float(np.frombuffer(vector, dtype="<f4") @ q)
    return whole if sentences is None else (whole + best_sentence(sentences, q)) / 2


def _store(engine: Engine, model: str, vectors: dict[int, tuple[bytes, bytes | None]]) -> None:
    """Best effort (`write_if_free`): when skipped, a later query computes them again. A chunk deleted
    meanwhile fails the foreign key, which skips the batch too."""
    if not vectors:
        return
    rows = [
        {"model": model, "chunk_id": c, "vector": v, "sentence_vectors": s} for c, (v, s) in vectors.items()
    ]
    if engine.dialect.name == "postgresql":
        insert = pg_insert(chunk_rerank_vectors).on_conflict_do_nothing()
    else:
        insert = chunk_rerank_vectors.insert().prefix_with("OR IGNORE")
    write_if_free(engine, lambda writer: writer.execute(insert, rows))
