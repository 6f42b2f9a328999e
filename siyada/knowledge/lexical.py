"""The lexical index: BM25 over the terms `siyada.lang.analysis` produces (normalised, stemmed and
transliterated forms), so an Arabizi query meets Arabic-script text.

SQLite: an FTS5 table whose rowid is the chunk id (ranked with FTS5's bm25()); the chunk's collection
is a token ``c<id>`` in a second column that the query ANDs with and bm25 weighs 0. PostgreSQL: a tsvector
side table with a GIN index (ranked with ts_rank_cd, which is not BM25 but orders the same way in
practice). Writes happen inside the caller's transaction, so a document is indexed with its chunks or
not at all.

Dynamic pruning (SQLite): FTS5 scores every row that matches any query term, so a query's cost grows
with the postings of its commonest terms (at a million chunks, seconds). The query keeps its rarest
terms while their postings add up to at most ``POSTINGS_BUDGET`` (at least ``MIN_TERMS`` of them),
read from an fts5vocab view; the dropped terms are the ones whose idf adds least to BM25. Below the
budget (every collection under ~10k chunks, most benchmark corpora) nothing is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

_UNSAFE = re.compile(r"[^\w:]+")
POSTINGS_BUDGET = 20_000
MIN_TERMS = 2


def _safe(term: str) -> str:
    """Terms hold word characters (and ':' for marked forms); anything else is dropped."""
    return _UNSAFE.sub("", term)


def _pg_safe(term: str) -> str:
    return _safe(term).replace(":", "_")  # ':' means weight or prefix in a tsquery


def add(conn: Connection, rows: Iterable[tuple[int, int, Sequence[str]]]) -> None:
    """Index (chunk_id, collection_id, terms) rows."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(
            "INSERT INTO chunk_terms (rowid, terms, coll) VALUES (?, ?, ?)",
            [(cid, " ".join(filter(None, map(_safe, terms))), f"c{int(coll)}") for cid, coll, terms in rows],
        )
        return
    params = [
        {"c": cid, "k": coll, "t": " ".join(filter(None, map(_pg_safe, terms)))} for cid, coll, terms in rows
    ]
    if params:
        conn.execute(
            sa.text(
                "INSERT INTO chunk_terms (chunk_id, collection_id, tsv) "
                "VALUES (:c, :k, to_tsvector('simple', :t))"
            ),
            params,
        )


def delete(conn: Connection, chunk_ids: Sequence[int]) -> None:
    if not chunk_ids:
        return
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("DELETE FROM chunk_terms WHERE rowid = ?", [(i,) for i in chunk_ids])
    else:
        conn.execute(sa.text("DELETE FROM chunk_terms WHERE chunk_id = ANY(:ids)"), {"ids": list(chunk_ids)})


def document_frequencies(conn: Connection, terms: Sequence[str]) -> dict[str, int]:
    """How many chunks hold each term (terms absent from the index are left out)."""
    conn.exec_driver_sql(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.chunk_vocab USING fts5vocab(main, chunk_terms, 'row')"
    )
    marks = ",".join("?" * len(terms))
    rows = conn.exec_driver_sql(
        f"SELECT term, doc FROM temp.chunk_vocab WHERE term IN ({marks})", tuple(terms)
    )
    return {str(t): int(d) for t, d in rows}


def prune(conn: Connection, terms: list[str], budget: int = POSTINGS_BUDGET) -> list[str]:
    """The rarest terms whose postings fit the budget (all of them when they fit)."""
    df = document_frequencies(conn, terms)
    present = sorted((t for t in terms if t in df), key=lambda t: df[t])
    if sum(df.values()) <= budget:
        return present or terms
    kept: list[str] = []
    total = 0
    for t in present:
        if len(kept) >= MIN_TERMS and total + df[t] > budget:
            break
        kept.append(t)
        total += df[t]
    return kept


def search(
    conn: Connection, collection_ids: Sequence[int], terms: Sequence[str], k: int
) -> list[tuple[int, float]]:
    """Best chunks for the terms (any of them may match), as (chunk_id, score), best first."""
    unique = list(dict.fromkeys(t for t in map(_safe, terms) if t))
    if not unique or not collection_ids:
        return []
    marks = ",".join(str(int(c)) for c in collection_ids)
    if conn.dialect.name == "sqlite":
        wanted = " OR ".join('"' + t + '"' for t in prune(conn, unique))
        colls = " OR ".join(f"c{int(c)}" for c in collection_ids)
        rows = conn.exec_driver_sql(
            "SELECT rowid, bm25(chunk_terms, 1.0, 0.0) AS s FROM chunk_terms "
            "WHERE chunk_terms MATCH ? ORDER BY s LIMIT ?",
            (f"terms : ({wanted}) AND coll : ({colls})", k),
        ).all()
        return [(int(r[0]), -float(r[1])) for r in rows]
    query = " | ".join(dict.fromkeys(_pg_safe(t) for t in unique))
    rows = conn.execute(
        sa.text(
            "SELECT chunk_id, ts_rank_cd(tsv, q) AS s FROM chunk_terms, to_tsquery('simple', :q) q "
            f"WHERE tsv @@ q AND collection_id IN ({marks}) ORDER BY s DESC LIMIT :k"
        ),
        {"q": query, "k": k},
    ).all()
    return [(int(r[0]), float(r[1])) for r in rows]
