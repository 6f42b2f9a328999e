"""Dense search inside PostgreSQL with pgvector, where migration 0010 could create `chunk_vectors`.

The same interface as the in-memory `VectorCache` (`search(conn, collection_ids, query, k)`), so the
searcher does not care which one it has. Vectors of any dimension share one table; an HNSW index per
dimension (a partial expression index, created the first time vectors of that size arrive) serves
cosine search, and iterative index scans keep a collection filter from starving the result. Chunks
stored before the extension existed keep their vectors in chunks.vector; they are copied over the
first time their collection is searched or written.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from siyada.store.tables import collections

EF_SEARCH_MIN = 64


_enabled: dict[str, bool] = {}
_indexed_dims: set[tuple[str, int]] = set()


def has_pgvector(engine: Engine) -> bool:
    """Whether this database keeps chunk vectors in pgvector (decided by migration 0010)."""
    key = str(engine.url)
    if key not in _enabled:
        if engine.dialect.name != "postgresql":
            _enabled[key] = False
        else:
            with engine.connect() as conn:
                found = conn.execute(sa.text("SELECT to_regclass('chunk_vectors') IS NOT NULL")).scalar()
            _enabled[key] = found is True
    return _enabled[key]


def add_vectors(
    conn: Connection, collection_id: int, ids: Sequence[int], blobs: Sequence[bytes | None]
) -> None:
    """Store the vectors of newly inserted chunks, in the caller's transaction (no-op without pgvector)."""
    if not has_pgvector(conn.engine):
        return
    rows = [
        {"id": cid, "coll": collection_id, "dims": len(b) // 4, "v": _literal(np.frombuffer(b, dtype="<f4"))}
        for cid, b in zip(ids, blobs, strict=True)
        if b
    ]
    if not rows:
        return
    conn.execute(
        sa.text(
            "INSERT INTO chunk_vectors (chunk_id, collection_id, dims, embedding)"
            " VALUES (:id, :coll, :dims, CAST(:v AS vector)) ON CONFLICT (chunk_id) DO NOTHING"
        ),
        rows,
    )
    for dims in {r["dims"] for r in rows}:
        _ensure_index(conn, dims)


def replace_vectors(
    conn: Connection, collection_id: int, ids: Sequence[int], blobs: Sequence[bytes | None]
) -> None:
    """New vectors of existing chunks (a re-embedding), in the caller's transaction."""
    if not has_pgvector(conn.engine):
        return
    conn.execute(sa.text("DELETE FROM chunk_vectors WHERE chunk_id = ANY(:ids)"), {"ids": list(ids)})
    add_vectors(conn, collection_id, ids, blobs)


def _ensure_index(conn: Connection, dims: int) -> None:
    key = (str(conn.engine.url), dims)
    if key in _indexed_dims:
        return
    conn.execute(
        sa.text(
            f"CREATE INDEX IF NOT EXISTS ix_chunk_vectors_hnsw_{dims} ON chunk_vectors USING hnsw"
            f" ((embedding::vector({dims})) vector_cosine_ops) WHERE dims = {dims}"
        )
    )
    _indexed_dims.add(key)


def _literal(vector: np.ndarray) -> str:
    return "[" + ",".join(f"{x:.7g}" for x in np.asarray(vector, dtype=np.float32).ravel()) + "]"


class PgVectorIndex:
    def __init__(self) -> None:
        self._synced: dict[int, int] = {}  # collection id -> version whose vectors are all copied
        self._lock = threading.Lock()

    def sync(self, conn: Connection, collection_id: int) -> None:
        """Copy vectors that only chunks.vector holds (stored before pgvector, or by an older server)."""
        version = conn.execute(
            sa.select(collections.c.version).where(collections.c.id == collection_id)
        ).scalar()
        if self._synced.get(collection_id) == version:
            return
        missing = conn.execute(
            sa.text(
                "SELECT c.id, c.vector FROM chunks c LEFT JOIN chunk_vectors v ON v.chunk_id = c.id"
                " WHERE c.collection_id = :coll AND c.vector IS NOT NULL AND v.chunk_id IS NULL"
            ),
            {"coll": collection_id},
        ).all()
        if missing:  # written on a connection of its own: the search's read transaction is rolled back
            with conn.engine.begin() as write:
                add_vectors(write, collection_id, [r[0] for r in missing], [bytes(r[1]) for r in missing])
        with self._lock:
            self._synced[collection_id] = version

    def search(
        self, conn: Connection, collection_ids: Sequence[int], query: np.ndarray, k: int
    ) -> list[tuple[int, float]]:
        """(chunk_id, cosine) of the k nearest chunks across the collections, best first."""
        q = np.asarray(query, dtype=np.float32).ravel()
        q = q / (np.linalg.norm(q) or 1.0)
        dims = q.shape[0]
        for cid in collection_ids:
            self.sync(conn, cid)
        with conn.begin_nested():
            # Filtered HNSW scans go on until k rows pass the filter, instead of stopping at ef_search.
            conn.execute(sa.text(f"SET LOCAL hnsw.ef_search = {max(EF_SEARCH_MIN, 2 * k)}"))
            conn.execute(sa.text("SET LOCAL hnsw.iterative_scan = relaxed_order"))
            rows = conn.execute(
                sa.text(
                    f"SELECT chunk_id, embedding::vector({dims}) <=> CAST(:q AS vector({dims})) AS d"
                    f" FROM chunk_vectors WHERE dims = {dims} AND collection_id = ANY(:colls)"
                    f" ORDER BY embedding::vector({dims}) <=> CAST(:q AS vector({dims})) LIMIT :k"
                ),
                {"q": _literal(q), "colls": list(collection_ids), "k": k},
            ).all()
        found = [(int(r[0]), 1.0 - float(r[1])) for r in rows]
        found.sort(key=lambda x: -x[1])  # relaxed order: nearly sorted
        return found
