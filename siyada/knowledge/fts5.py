"""The one BM25 ranking query over the SQLite lexical index (FTS5), shared by the lexical search and the
champion lists of its common terms."""

from __future__ import annotations

from sqlalchemy.engine import Connection


def ranked(conn: Connection, match: str, limit: int) -> list[tuple[int, float]]:
    """(chunk_id, BM25) of the best `limit` chunks for an FTS5 MATCH expression, best first (the
    collection column weighs 0)."""
    rows = conn.exec_driver_sql(
        "SELECT rowid, bm25(chunk_terms, 1.0, 0.0) AS s FROM chunk_terms "
        "WHERE chunk_terms MATCH ? ORDER BY s LIMIT ?",
        (match, limit),
    ).all()
    return [(int(r[0]), -float(r[1])) for r in rows]
