"""Search over a tenant's collections: lexical (BM25 over language-aware terms), semantic (dense
vectors), or hybrid (both, fused by CombSUM of min-max-normalised scores, the semantic ones weighed by
what the model reads of query and passage: `siyada.knowledge.fusion`), with optional filters on
document metadata."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from siyada.knowledge import lexical
from siyada.knowledge.collections import CHUNK_COLUMNS, KnowledgeError, chunk_dict, require_collection
from siyada.knowledge.fusion import (
    DEPTH,
    Ranking,
    fuse,
    passage_weights,
    query_reading,
    readings_of,
    scoring_head,
)
from siyada.knowledge.reindex import check_space
from siyada.knowledge.rerank import Reranker, bridged_query
from siyada.knowledge.vectors import Embedder, VectorIndex, rescore_by_sentences
from siyada.lang.analysis import query_terms
from siyada.store.tables import chunks, documents

Mode = Literal["lexical", "semantic", "hybrid"]
MODES = ("lexical", "semantic", "hybrid")
_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="siyada-lexical")


@dataclass
class Searcher:
    engine: Engine
    embedder_for: Callable[[str], Embedder | None]
    cache: VectorIndex
    reranker: Reranker | None = None
    rerank_default: bool = False  # re-rank collections of another model when a request does not say

    def search(
        self,
        tenant_id: int,
        collection_refs: Sequence[str | int],
        query: str,
        k: int = 10,
        mode: Mode | None = None,
        filters: dict[str, Any] | None = None,
        rerank: bool | None = None,
    ) -> list[dict[str, Any]]:
        """`rerank`: True re-ranks the fused candidates with the re-ranker's model, False never; None
        follows `rerank_default`, for hybrid and semantic searches of collections that all have
        vectors of another model than the re-ranker's (static collections)."""
        if not query.strip():
            raise KnowledgeError("the query is empty", param="query")
        if mode is not None and mode not in MODES:
            raise KnowledgeError(f"mode must be one of {', '.join(MODES)}", param="mode")
        with self.engine.connect() as conn:
            colls = [require_collection(conn, tenant_id, ref) for ref in collection_refs]
            embedders = {c.id: self.embedder_for(c.embedding_model) for c in colls if c.embedding_model}
            dense = {cid: e for cid, e in embedders.items() if e is not None}
            if mode != "lexical":
                for c in colls:
                    check_space(c, dense.get(c.id))
            if mode == "semantic" and not dense:
                raise KnowledgeError(
                    "semantic search needs a collection with an embedding model", param="mode"
                )
            mode = mode or ("hybrid" if dense else "lexical")
            depth = max(DEPTH, k * 3)
            allowed = _allowed_documents(conn, [c.id for c in colls], filters) if filters else None
            rankings: dict[str, list[tuple[int, float]]] = {}
            ids = [c.id for c in colls]
            reranking = self._reranks(rerank, mode, colls)
            strong: np.ndarray | None = None
            if mode == "hybrid" and dense:
                # Both rankings at once: SQLite and numpy release the GIL, and there are two cores.
                later = _POOL.submit(self._lexical, tenant_id, ids, query, depth * 2)
                strong = self._strong_query(reranking, query)
                semantic = self._semantic(conn, dense, query, depth * 2, strong)
                rankings = {"lexical": later.result(), "semantic": semantic}  # lexical first: fusion ties
            else:
                strong = self._strong_query(reranking, query)
                if mode in ("lexical", "hybrid"):
                    rankings["lexical"] = lexical.search(conn, tenant_id, ids, query_terms(query), depth * 2)
                elif dense:
                    rankings["semantic"] = self._semantic(conn, dense, query, depth * 2, strong)
            if allowed is not None:
                owner = _documents_of(conn, {cid for ranking in rankings.values() for cid, _ in ranking})
                rankings = {m: [(c, s) for c, s in r if owner[c] in allowed] for m, r in rankings.items()}
            if len(rankings) > 1:
                fused = _fuse_read(conn, rankings, "semantic", readings_of(dense.values()), query)
            else:
                fused = next(iter(rankings.values()), [])
            if strong is not None:
                rankings, fused = self._rerank(conn, strong, rankings, fused, query)
            rows = _chunk_rows(conn, {cid for cid, _ in fused[:k]})  # only the hits' texts are read
        names = {c.id: c.name for c in colls}
        ranks = {m: {cid: i + 1 for i, (cid, _) in enumerate(r)} for m, r in rankings.items()}
        raw = {m: dict(r) for m, r in rankings.items()}
        # a chunk deleted since it was ranked (a concurrent delete) is left out
        return [_hit(rows[cid], score, names, ranks, raw) for cid, score in fused[:k] if cid in rows]

    def _reranks(self, wanted: bool | None, mode: str, colls: list[Any]) -> bool:
        if self.reranker is None or wanted is False:
            if wanted:
                raise KnowledgeError("re-ranking is not configured here", param="rerank")
            return False
        if wanted:
            return True
        if not self.rerank_default:
            return False
        own = {c.embedding_model for c in colls}
        return mode != "lexical" and None not in own and self.reranker.name not in own

    def _strong_query(self, reranking: bool, query: str) -> np.ndarray | None:
        """The re-ranker's query vector when this search re-ranks: one e5 call serves both the bridge
        into a static index and the re-ranking."""
        return self.reranker.query_vector(query) if reranking and self.reranker is not None else None

    def _rerank(
        self,
        conn: Connection,
        strong: np.ndarray,
        rankings: dict[str, list[tuple[int, float]]],
        fused: list[tuple[int, float]],
        query: str,
    ) -> tuple[dict[str, list[tuple[int, float]]], list[tuple[int, float]]]:
        """The re-ranker's ranking of the fused top candidates takes the place of the collections'
        semantic one and is fused again with the lexical ranking (of those candidates), weighed by what
        the re-ranker reads; the other results keep their order behind the candidates."""
        assert self.reranker is not None
        head = self.reranker.depth.head(conn, [cid for cid, _ in fused])
        again = {m: r for m, r in rankings.items() if m != "semantic"}
        again["rerank"] = self.reranker.ranking(conn, strong, head)
        if "lexical" in again:
            inside = set(head)
            again["lexical"] = [(c, s) for c, s in again["lexical"] if c in inside]
        model = self.reranker.model
        tables = readings_of([model]) if model is not None else None
        top = _fuse_read(conn, again, "rerank", tables, query) if len(again) > 1 else again["rerank"]
        seen = {cid for cid, _ in top}
        low = min((s for _, s in top), default=0.0)
        rest = [(cid, min(low, s)) for cid, s in fused if cid not in seen]
        return {**rankings, "rerank": again["rerank"]}, top + rest

    def _lexical(
        self, tenant_id: int, collection_ids: list[int], query: str, depth: int
    ) -> list[tuple[int, float]]:
        with self.engine.connect() as conn:
            return lexical.search(conn, tenant_id, collection_ids, query_terms(query), depth)

    def _semantic(
        self,
        conn: Connection,
        dense: dict[int, Embedder],
        query: str,
        depth: int,
        strong: np.ndarray | None = None,
    ) -> list[tuple[int, float]]:
        by_model: dict[int, list[int]] = {}
        for cid, emb in dense.items():
            by_model.setdefault(id(emb), []).append(cid)
        found: list[tuple[int, float]] = []
        for cids in by_model.values():
            model = dense[cids[0]]
            vector = model.embed([query], "query")[0]
            if strong is not None and self.reranker is not None:
                vector = bridged_query(model, vector, self.reranker.name, strong)
            ranking = self.cache.search(conn, cids, vector, depth)
            if getattr(model, "sentence_vectors", False):
                ranking = rescore_by_sentences(conn, ranking, vector)
            found += ranking
        return sorted(found, key=lambda x: -x[1])[:depth]


def _fuse_read(
    conn: Connection,
    rankings: dict[str, Ranking],
    dense: str,
    tables: list[Mapping[str, float]] | None,
    query: str,
) -> Ranking:
    """The rankings fused, the `dense` one weighed by what its model reads of the query and of each
    passage (only the passages that can score are read, and none when the query is unread)."""
    if tables is None:
        return fuse(rankings)
    q = query_reading(tables, query)
    ids = scoring_head(rankings.get(dense, []))
    texts = _texts(conn, ids) if q and ids else dict.fromkeys(ids, "")
    return fuse(rankings, None, {dense: passage_weights(tables, q, texts)})


def _texts(conn: Connection, ids: list[int]) -> dict[int, str]:
    rows = conn.execute(sa.select(chunks.c.id, chunks.c.text).where(chunks.c.id.in_(ids)))
    return {int(r[0]): str(r[1]) for r in rows}


def _allowed_documents(conn: Connection, collection_ids: list[int], filters: dict[str, Any]) -> set[str]:
    """Documents whose metadata match every filter (a value, or a list meaning any of these values)."""
    rows = conn.execute(
        sa.select(documents.c.id, documents.c.metadata, documents.c.format, documents.c.name).where(
            documents.c.collection_id.in_(collection_ids)
        )
    ).all()
    allowed = set()
    for row in rows:
        meta = {**(row.metadata or {}), "format": row.format, "name": row.name}
        if all(_matches(meta.get(key), want) for key, want in filters.items()):
            allowed.add(row.id)
    return allowed


def _matches(value: Any, want: Any) -> bool:
    if isinstance(want, list):
        return value in want
    return value == want


def _documents_of(conn: Connection, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = conn.execute(sa.select(chunks.c.id, chunks.c.document_id).where(chunks.c.id.in_(list(ids))))
    return {int(r[0]): str(r[1]) for r in rows}


def _chunk_rows(conn: Connection, ids: set[int]) -> dict[int, Any]:
    if not ids:
        return {}
    rows = conn.execute(
        sa.select(
            *CHUNK_COLUMNS,
            chunks.c.document_id,
            chunks.c.collection_id,
            documents.c.name.label("document_name"),
            documents.c.title.label("document_title"),
            documents.c.metadata.label("document_metadata"),
        )
        .join(documents, documents.c.id == chunks.c.document_id)
        .where(chunks.c.id.in_(list(ids)))
    ).all()
    return {r.id: r for r in rows}


def _hit(
    row: Any,
    score: float,
    names: dict[int, str],
    ranks: dict[str, dict[int, int]],
    raw: dict[str, dict[int, float]],
) -> dict[str, Any]:
    return {
        "object": "search.result",
        "score": round(score, 6),
        "ranks": {mode: r[row.id] for mode, r in ranks.items() if row.id in r},
        # each ranking's own score before min-max normalisation (BM25, cosine): `score` is relative to
        # the collection's best, these say how well the passage matches at all (abstention reads them)
        "raw_scores": {mode: round(float(r[row.id]), 6) for mode, r in raw.items() if row.id in r},
        "collection": names[row.collection_id],
        "document": {
            "id": row.document_id,
            "name": row.document_name,
            "title": row.document_title,
            "metadata": row.document_metadata or {},
        },
        "chunk": chunk_dict(row.document_id, row),
    }
