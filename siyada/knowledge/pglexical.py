"""Lexical search on PostgreSQL with bounded work per query.

``ts_rank_cd`` reads the tsvector of every row it ranks, and ``WHERE tsv @@ (a | b | c)`` hands it every
chunk matching any query word: a query holding a common word ranked most of the index (11.9 s p95 at
71,600 chunks, 70 s at a million). The same pruning as SQLite's (`siyada.knowledge.lexical`): each
term's matches in the searched collections are counted by the GIN index, stopping at ``BUDGET + 1``
(enough to know a term is over it), and the rarest terms whose counts add up to at most ``BUDGET`` are
ranked in full, by the query search always ran. When fewer than ``min_terms`` fit, the next rarest join,
but over a capped candidate set only: ``CANDIDATES`` of their matches (those holding all of them first),
ranked with every match of the rare terms. A query's ranking thus reads at most ``BUDGET + CANDIDATES``
rows whatever its words; one whose terms all fit the budget runs the very query it ran before (same
rows, same scores). The collection clause is in every statement: no candidate comes from elsewhere.

There is no champion list on PostgreSQL: the capped candidates of a common term are the first the index
returns, not its best, so a query made only of common words ranks a sample of their matches.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyada.knowledge.pruning import split

# Postings ranked in full per query: SQLite's POSTINGS_BUDGET semantics, a smaller figure because a row
# costs more here. ts_rank_cd reads each row's tsvector (toasted: ~3 kB a chunk) and walks it once per
# query term: 0.1-0.2 ms a posting for the bench's 15-30-term queries, where FTS5 spends microseconds.
# At 20,000 chunks of the legal corpus (60 bench queries, lexical mode end to end) a budget of 5,000
# gave a p95 of 558 ms, 1,000 gave 148-153 ms (2,516 ms with every match ranked).
BUDGET = 1_000
# Matches of the over-budget terms ranked per query, beside the rare terms' own (at most BUDGET).
CANDIDATES = 1_000


def _in(collection_ids: Sequence[int]) -> str:
    return ",".join(str(int(c)) for c in collection_ids)  # ints only: safe to inline


def counts(conn: Connection, collection_ids: Sequence[int], terms: Sequence[str], cap: int) -> dict[str, int]:
    """Each term's matching chunks in these collections, counted up to `cap` (the GIN index answers, and
    the count stops there: a common term costs its posting list, not a ranking of its rows)."""
    rows = conn.execute(
        sa.text(
            "SELECT t, (SELECT count(*) FROM (SELECT 1 FROM chunk_terms "
            f"WHERE tsv @@ to_tsquery('simple', t) AND collection_id IN ({_in(collection_ids)}) "
            "LIMIT :cap) s) FROM unnest(CAST(:terms AS text[])) AS t"
        ),
        {"terms": list(terms), "cap": int(cap)},
    ).all()
    return {str(t): int(n) for t, n in rows}


def _ranked(
    conn: Connection, collection_ids: Sequence[int], terms: list[str], k: int
) -> list[tuple[int, float]]:
    """Every match of these terms ranked: the query lexical search always ran (bounded by the caller)."""
    rows = conn.execute(
        sa.text(
            "SELECT chunk_id, ts_rank_cd(tsv, q) AS s FROM chunk_terms, to_tsquery('simple', :q) q "
            f"WHERE tsv @@ q AND collection_id IN ({_in(collection_ids)}) ORDER BY s DESC LIMIT :k"
        ),
        {"q": " | ".join(terms), "k": k},
    ).all()
    return [(int(r[0]), float(r[1])) for r in rows]


def _ids(
    conn: Connection, collection_ids: Sequence[int], query: str, limit: int, skip: list[int]
) -> list[int]:
    if limit <= 0:
        return []
    rows = conn.execute(
        sa.text(
            "SELECT chunk_id FROM chunk_terms WHERE tsv @@ to_tsquery('simple', :q) "
            f"AND collection_id IN ({_in(collection_ids)}) AND chunk_id <> ALL(:skip) LIMIT :n"
        ),
        {"q": query, "n": int(limit), "skip": skip},
    )
    return [int(r[0]) for r in rows]


def candidates(
    conn: Connection, collection_ids: Sequence[int], exact: list[str], common: list[str], budget: int
) -> list[int]:
    """The chunks a pruned query ranks: the rare terms' matches (their counts fit the budget; the limit
    holds if rows were added since), then up to CANDIDATES of the common terms' matches, those holding
    them all first."""
    ids = _ids(conn, collection_ids, " | ".join(exact), budget, []) if exact else []
    start = len(ids)
    if len(common) > 1:
        ids += _ids(conn, collection_ids, " & ".join(common), CANDIDATES, ids)
    ids += _ids(conn, collection_ids, " | ".join(common), CANDIDATES - (len(ids) - start), ids)
    return ids


def search(
    conn: Connection,
    collection_ids: Sequence[int],
    terms: Sequence[str],
    k: int,
    min_terms: int,
    budget: int = BUDGET,
) -> list[tuple[int, float]]:
    """Best k chunks of these collections for the (tsquery-safe, distinct) terms, as (chunk_id, score)."""
    found = counts(conn, collection_ids, terms, budget + 1)
    exact, common = split(terms, found, budget, min_terms)
    if not common:
        return _ranked(conn, collection_ids, exact, k) if exact else []
    ids = candidates(conn, collection_ids, exact, common, budget)
    if not ids:
        return []
    rows = conn.execute(
        sa.text(
            "SELECT chunk_id, ts_rank_cd(tsv, q) AS s FROM chunk_terms, to_tsquery('simple', :q) q "
            "WHERE chunk_id = ANY(:ids) ORDER BY s DESC LIMIT :k"
        ),
        {"q": " | ".join(exact + common), "ids": ids, "k": k},
    ).all()
    return [(int(r[0]), float(r[1])) for r in rows]
