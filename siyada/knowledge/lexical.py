"""The lexical index: BM25 over the terms `siyada.lang.analysis` produces (normalised, stemmed and
transliterated forms), so an Arabizi query meets Arabic-script text.

SQLite: an FTS5 table per tenant whose rowid is the chunk id (ranked with FTS5's bm25()); the chunk's
collection is a token ``c<id>`` in a second column that the query ANDs with and bm25 weighs 0. Every
statistic a ranking uses (idf, average chunk length, the term counts and champion lists below) is the
tenant's own (`siyada.knowledge.fts5`): another tenant's uploads never move a score. PostgreSQL: a
tsvector side table with a GIN index (ranked with ts_rank_cd, which is not BM25 but orders the same way
in practice, and reads nothing but the ranked row: no corpus statistic to share), pruned as below by
`siyada.knowledge.pglexical` (terms counted by the GIN index up to the budget, the over-budget ones
ranked over a capped candidate set). Writes happen inside the caller's transaction, so a document is
indexed with its chunks or not at all.

Dynamic pruning (SQLite): FTS5 scores every row that matches any query term, so a query's cost grows
with the postings of its commonest terms (at a million chunks, seconds). The query ranks in full its
rarest terms while their postings add up to at most ``POSTINGS_BUDGET``; the dropped terms are the
ones whose idf adds least to BM25. When fewer than ``MIN_TERMS`` fit, the next rarest join: ranked from
their champion lists (`siyada.knowledge.champions`) when the collection is most of the index, in full
otherwise. Each term's chunk count, estimated from a sample of the chunks (``DF_SAMPLE``), lives in
``chunk_terms_df_<tenant>``, updated in the same transaction as the index: FTS5 can only count a term
by walking its doclist (fts5vocab), 16–35 ms per query at a million chunks.

A collection that holds most of its tenant's index is searched without the collection clause
and filtered afterwards (the same BM25 scores, so the same ranking), because ANDing with its token's
doclist costs more than the ranking itself.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from siyada.knowledge import fts5, pglexical
from siyada.knowledge.champions import champions, warm
from siyada.knowledge.fts5 import Tables
from siyada.knowledge.fts5 import ranked as _ranked
from siyada.knowledge.pruning import split
from siyada.store.tables import chunks, collections

_UNSAFE = re.compile(r"[^\w:]+")
POSTINGS_BUDGET = 5_000
MIN_TERMS = 2
# Collections holding at least this share of the index are searched without the collection clause and
# filtered afterwards: ANDing with a collection token whose doclist is most of the index costs more
# than ranking the matches themselves (45 of 72 ms at a million chunks in one collection).
POST_FILTER_SHARE = 0.5


def _safe(term: str) -> str:
    """Terms hold word characters (and ':' for marked forms); anything else is dropped."""
    return _UNSAFE.sub("", term)


def _pg_safe(term: str) -> str:
    return _safe(term).replace(":", "_")  # ':' means weight or prefix in a tsquery


def add(conn: Connection, tenant_id: int, rows: Iterable[tuple[int, int, Sequence[str]]]) -> None:
    """Index a tenant's (chunk_id, collection_id, terms) rows."""
    rows = list(rows)
    if not rows:
        return
    if conn.dialect.name == "sqlite":
        safe = [(cid, coll, [t for t in map(_safe, terms) if t]) for cid, coll, terms in rows]
        joined = [(cid, " ".join(terms), f"c{int(coll)}") for cid, coll, terms in safe]
        table = fts5.ensure(conn, tenant_id).terms
        conn.exec_driver_sql(f"INSERT INTO {table} (rowid, terms, coll) VALUES (?, ?, ?)", joined)
        count_terms(conn, tenant_id, [(cid, text) for cid, text, _ in joined], +1)
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


def drop_tenant(conn: Connection, tenant_id: int) -> None:
    """Remove a tenant's whole index, statistics included (in the transaction deleting the tenant)."""
    if conn.dialect.name == "sqlite":
        fts5.drop(conn, tenant_id)
        champions.forget(tenant_id)
        return
    conn.execute(
        sa.text(
            "DELETE FROM chunk_terms WHERE collection_id IN (SELECT id FROM collections WHERE tenant_id = :t)"
        ),
        {"t": int(tenant_id)},
    )


def delete(conn: Connection, tenant_id: int, chunk_ids: Sequence[int]) -> None:
    """Unindex chunks of a tenant."""
    if not chunk_ids:
        return
    if conn.dialect.name == "sqlite":
        if not fts5.exists(conn, tenant_id):
            return
        table = Tables(tenant_id).terms
        gone: list[tuple[int, str]] = []
        sampled = [int(i) for i in chunk_ids if _sampled(int(i))]
        for lo in range(0, len(sampled), 500):
            part = sampled[lo : lo + 500]
            marks = ",".join("?" * len(part))
            sql = f"SELECT rowid, terms FROM {table} WHERE rowid IN ({marks})"
            gone += [(int(r[0]), str(r[1])) for r in conn.exec_driver_sql(sql, tuple(part))]
        conn.exec_driver_sql(f"DELETE FROM {table} WHERE rowid = ?", [(i,) for i in chunk_ids])
        count_terms(conn, tenant_id, gone, -1)
    else:
        conn.execute(sa.text("DELETE FROM chunk_terms WHERE chunk_id = ANY(:ids)"), {"ids": list(chunk_ids)})


# Term counts are kept for one chunk in DF_SAMPLE (by chunk id) and scaled: pruning only needs to
# know which terms are common, and counting every chunk's terms made a bulk ingestion 2.5x slower (the
# per-file transactions rewrote the counts' B-tree pages: 140 s instead of 55 s for the legal corpus).
# A term missing from the sample is rare (likely in fewer than DF_SAMPLE chunks) and is always kept.
DF_SAMPLE = 32


def _sampled(chunk_id: int) -> bool:
    return chunk_id % DF_SAMPLE == 0


def count_terms(conn: Connection, tenant_id: int, rows: Iterable[tuple[int, str]], sign: int) -> None:
    """Add (sign +1) or remove (-1) the terms of a tenant's (chunk_id, space-joined terms) rows to its
    sampled per-term chunk counts (SQLite only). Case is folded as the FTS5 tokenizer (unicode61) folds
    it."""
    counts: Counter[str] = Counter()
    for chunk_id, joined in rows:
        if _sampled(chunk_id):
            counts.update(set(joined.lower().split()))
    if not counts:
        return
    table = Tables(tenant_id).df
    conn.exec_driver_sql(
        f"INSERT INTO {table} (term, df) VALUES (?, ?)"
        " ON CONFLICT (term) DO UPDATE SET df = df + excluded.df",
        sorted((t, sign * n) for t, n in counts.items()),  # in key order: 2.5x faster B-tree upserts
    )
    if sign < 0:
        conn.exec_driver_sql(f"DELETE FROM {table} WHERE df <= 0")


def document_frequencies(conn: Connection, tenant_id: int, terms: Sequence[str]) -> dict[str, int]:
    """Estimated chunks of the tenant holding each term, for the terms in the sample (the others are
    rare)."""
    table = Tables(tenant_id).df
    keys = {t: t.lower() for t in terms}
    found: dict[str, int] = {}
    wanted = list(set(keys.values()))
    for lo in range(0, len(wanted), 500):
        part = wanted[lo : lo + 500]
        marks = ",".join("?" * len(part))
        sql = f"SELECT term, df FROM {table} WHERE term IN ({marks})"
        rows = conn.exec_driver_sql(sql, tuple(part))
        found.update((str(t), int(n) * DF_SAMPLE) for t, n in rows)
    return {t: found[k] for t, k in keys.items() if found.get(k, 0) > 0}


class _IndexStats:
    """Per-database memo of a tenant's collection sizes, valid while none of its collections changes:
    every write bumps its collection's version, so the sum of the tenant's versions (one small query)
    tells when the memo is stale. Shares are of the tenant's own index, which is what its searches rank."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stamps: dict[int, tuple[int, int]] = {}
        self._sizes: dict[tuple[int, tuple[int, ...]], float] = {}

    def _fresh(self, conn: Connection, tenant_id: int) -> None:
        stamp = conn.execute(
            sa.select(sa.func.coalesce(sa.func.sum(collections.c.version), 0), sa.func.count()).where(
                collections.c.tenant_id == tenant_id
            )
        ).one()
        stamp = (int(stamp[0]), int(stamp[1]))
        with self._lock:
            if stamp != self._stamps.get(tenant_id):
                self._stamps[tenant_id] = stamp
                self._sizes = {key: v for key, v in self._sizes.items() if key[0] != tenant_id}

    def share(self, conn: Connection, tenant_id: int, collection_ids: Sequence[int]) -> float:
        """The share of the tenant's indexed chunks that these collections hold."""
        self._fresh(conn, tenant_id)
        key = (int(tenant_id), tuple(sorted(collection_ids)))
        found = self._sizes.get(key)
        if found is None:
            count = sa.select(sa.func.count()).select_from(chunks)
            mine = conn.execute(count.where(chunks.c.collection_id.in_(key[1]))).scalar()
            owned = sa.select(collections.c.id).where(collections.c.tenant_id == tenant_id)
            total = conn.execute(count.where(chunks.c.collection_id.in_(owned))).scalar()
            found = self._sizes[key] = (mine or 0) / total if total else 0.0
        return found


_stats: dict[str, _IndexStats] = {}


def _stats_for(conn: Connection) -> _IndexStats:
    key = str(conn.engine.url)
    if key not in _stats:
        _stats[key] = _IndexStats()
    return _stats[key]


def plan(
    conn: Connection, tenant_id: int, terms: list[str], budget: int | None = None
) -> tuple[list[str], list[str], dict[str, int]]:
    """(exact, common, df): the rarest terms whose postings fit the budget, ranked in full; then, when
    they are fewer than MIN_TERMS, the next rarest ones, over the budget on their own; and the estimated
    chunk counts. A term outside the count sample is rare: it costs (almost) nothing and is kept."""
    budget = POSTINGS_BUDGET if budget is None else budget
    df = document_frequencies(conn, tenant_id, terms)
    exact, common = split(terms, df, budget, MIN_TERMS)
    return exact, common, df


def warm_champions(engine: Engine) -> int:
    """Champion lists for every term a search may rank by its list, computed now rather than by a
    search. `plan` makes a term common only while fewer than MIN_TERMS rarer ones were kept, and only
    when it and those rarer ones exceed the budget together, so a common term's count is over
    ``POSTINGS_BUDGET / MIN_TERMS``, not only over the budget: the lists of terms between the two
    (at a million chunks, 16 of them met by 900 benchmark queries, 20–180 ms each) were computed by
    the first search that needed one."""
    if engine.dialect.name != "sqlite":
        return 0
    done = 0
    with engine.connect() as conn:
        tenants = fts5.indexed_tenants(conn)
    for tenant_id in tenants:
        with engine.connect() as conn:
            rows = conn.exec_driver_sql(
                f"SELECT term, df FROM {Tables(tenant_id).df} WHERE df * ? > ?",
                (DF_SAMPLE, POSTINGS_BUDGET // MIN_TERMS),
            ).all()
        done += warm(engine, tenant_id, {str(t): int(n) * DF_SAMPLE for t, n in rows})
    return done


def preload(engine: Engine) -> int:
    """Read the tables searches read (every tenant's: ~1 GB at a million chunks), once through, so the OS
    holds their pages (as search engines preload their index files at start): the first searches after
    a restart then find their postings in memory instead of waiting on the disk. SQLite only; returns
    the bytes read."""
    if engine.dialect.name != "sqlite":
        return 0
    read = 0
    with engine.connect() as conn:
        tables = [name for tenant_id in fts5.indexed_tenants(conn) for name in Tables(tenant_id).searched()]
        for table in tables:
            result = conn.exec_driver_sql(f"SELECT * FROM {table}")  # fixed names, not input
            while rows := result.fetchmany(2_000):
                read += sum(len(v) for row in rows for v in row if isinstance(v, bytes | str))
    return read


def search(
    conn: Connection, tenant_id: int, collection_ids: Sequence[int], terms: Sequence[str], k: int
) -> list[tuple[int, float]]:
    """Best chunks of these collections of the tenant for the terms (any of them may match), as
    (chunk_id, score), best first. The collections must be the tenant's (the caller checked them)."""
    unique = list(dict.fromkeys(t for t in map(_safe, terms) if t))
    if not unique or not collection_ids:
        return []
    if conn.dialect.name == "sqlite":
        if not fts5.exists(conn, tenant_id):
            return []  # nothing indexed yet
        share = _stats_for(conn).share(conn, tenant_id, collection_ids)
        exact, common, df = plan(conn, tenant_id, unique)
        if share >= POST_FILTER_SHARE and common:
            return _with_champions(conn, tenant_id, collection_ids, exact, common, df, k, share)
        wanted = " OR ".join('"' + t + '"' for t in exact + common)
        if share >= POST_FILTER_SHARE:
            found = _post_filtered(conn, tenant_id, collection_ids, wanted, k, share)
            if found is not None:
                return found
        colls = " OR ".join(f"c{int(c)}" for c in collection_ids)
        return _ranked(conn, tenant_id, f"terms : ({wanted}) AND coll : ({colls})", k)
    wanted = list(dict.fromkeys(_pg_safe(t) for t in unique))
    return pglexical.search(conn, collection_ids, wanted, k, MIN_TERMS)


def _with_champions(
    conn: Connection,
    tenant_id: int,
    collection_ids: Sequence[int],
    exact: list[str],
    common: list[str],
    df: dict[str, int],
    k: int,
    share: float,
) -> list[tuple[int, float]]:
    """A big collection's best k when some kept terms are over the budget: the rare terms ranked in full
    (over-fetched across the tenant's index), plus each common term's champion list
    (siyada.knowledge.champions), scores summed as BM25 sums them, then filtered to the collections."""
    scores: dict[int, float] = {}
    if exact:
        match = "terms : (" + " OR ".join(f'"{t}"' for t in exact) + ")"
        scores.update(_ranked(conn, tenant_id, match, _over_fetch(k, share)))
    for t in common:
        for cid, s in champions.best(conn, tenant_id, t, df[t]):
            scores[cid] = scores.get(cid, 0.0) + s
    ranked = sorted(scores.items(), key=lambda x: -x[1])
    inside: set[int] = set()  # in these collections, and still there (a list may predate a delete)
    for lo in range(0, len(ranked), 500):
        inside |= _inside(conn, [cid for cid, _ in ranked[lo : lo + 500]], collection_ids)
        if len(inside) >= k:
            break
    return [(cid, s) for cid, s in ranked if cid in inside][:k]


def _post_filtered(
    conn: Connection, tenant_id: int, collection_ids: Sequence[int], wanted: str, k: int, share: float
) -> list[tuple[int, float]] | None:
    """The best k of these collections from the unfiltered ranking (same BM25 scores, so the same
    order as the filtered query), or None when the over-fetch did not hold k of them."""
    if share >= 1.0:  # these collections are the tenant's whole index: nothing to filter
        return _ranked(conn, tenant_id, f"terms : ({wanted})", k)
    fetch = _over_fetch(k, share)
    ranked = _ranked(conn, tenant_id, f"terms : ({wanted})", fetch)
    if not ranked:
        return []
    inside = _inside(conn, [cid for cid, _ in ranked], collection_ids)
    kept = [(cid, s) for cid, s in ranked if cid in inside]
    if len(kept) >= k or len(ranked) < fetch:  # enough, or every match was seen
        return kept[:k]
    return None


def _over_fetch(k: int, share: float) -> int:
    """How many chunks to rank across the tenant's index so that about k fall in collections holding
    `share` of it."""
    return math.ceil(k / share * 1.5) + 10


def _inside(conn: Connection, ids: list[int], collection_ids: Sequence[int]) -> set[int]:
    """Those of `ids` that are chunks of these collections (and still exist)."""
    rows = conn.execute(
        sa.select(chunks.c.id).where(chunks.c.id.in_(ids), chunks.c.collection_id.in_(list(collection_ids)))
    )
    return {int(r[0]) for r in rows}
