"""Champion lists: for a term too common to rank in full, its best chunks by BM25.

A query made only of common words ("بمقتضى المادة الأولى", a row of numbers) has no rare term to rank
by, and ranking its two rarest terms in full read 100–200k postings at a million chunks (200 ms). BM25
is a sum over terms, and a chunk that scores well for the query scores well for at least one of its
terms, so such a query is ranked over the union of its terms' champion lists (the ``CHAMPIONS`` best
chunks for each term alone), each chunk scored by the terms it is a champion of — the classic tiered
approximation (Manning, Raghavan & Schütze, *Introduction to IR*, §7.1.3).

A list is computed the first time its term is needed (one full ranking of that term: 50–200 ms at a
million chunks), kept in memory and in the tenant's ``chunk_terms_champions_<tenant>`` so other
processes and restarts find it, and recomputed once the term's chunk count has moved by more than a
tenth. Storing it is best effort: a search never waits on a writer for it. Lists hold chunk ids only;
deleted chunks drop out when the caller keeps the ids that still exist in its collections. Lists are
per tenant, as the index is (`siyada.knowledge.fts5`).
"""

from __future__ import annotations

import threading

import numpy as np
from sqlalchemy.engine import Connection, Engine

from siyada.knowledge.fts5 import Tables, ranked
from siyada.store.db import write_if_free

CHAMPIONS = 1_000
_MAX_TERMS = 20_000  # lists kept in memory per process before the memo starts again
_DRIFT = 0.1

Ranking = list[tuple[int, float]]


def _fresh(stored_df: int, df: int) -> bool:
    return abs(df - stored_df) <= _DRIFT * stored_df


class ChampionLists:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._lists: dict[tuple[str, int, str], tuple[int, Ranking]] = {}

    def best(self, conn: Connection, tenant_id: int, term: str, df: int) -> Ranking:
        """(chunk_id, BM25 of `term` alone) for the term's best chunks across the tenant's index."""
        key = (str(conn.engine.url), int(tenant_id), term)
        with self._lock:
            found = self._lists.get(key)
        if found is None or not _fresh(found[0], df):
            found = _stored(conn, tenant_id, term)
            if found is None or not _fresh(found[0], df):
                found = (df, _compute(conn, tenant_id, term))
                _store(conn, tenant_id, term, *found)
            with self._lock:
                if len(self._lists) >= _MAX_TERMS:
                    self._lists.clear()
                self._lists[key] = found
        return found[1]

    def forget(self, tenant_id: int) -> None:
        """Drop a deleted tenant's lists from memory (a later tenant may get its id)."""
        with self._lock:
            self._lists = {key: v for key, v in self._lists.items() if key[1] != int(tenant_id)}


def _compute(conn: Connection, tenant_id: int, term: str) -> Ranking:
    return ranked(conn, tenant_id, f'terms : "{term}"', CHAMPIONS)


def _stored(conn: Connection, tenant_id: int, term: str) -> tuple[int, Ranking] | None:
    table = Tables(tenant_id).champions
    row = conn.exec_driver_sql(f"SELECT df, ids, scores FROM {table} WHERE term = ?", (term,)).first()
    if row is None:
        return None
    ids = np.frombuffer(row[1], dtype="<i8").tolist()
    scores = np.frombuffer(row[2], dtype="<f8").tolist()
    return int(row[0]), list(zip(ids, scores, strict=True))


def _store(conn: Connection, tenant_id: int, term: str, df: int, ranking: Ranking) -> None:
    """Write the list in its own short transaction; skipped when another writer holds the database."""
    ids = np.asarray([c for c, _ in ranking], dtype="<i8").tobytes()
    scores = np.asarray([s for _, s in ranking], dtype="<f8").tobytes()
    table = Tables(tenant_id).champions
    write_if_free(
        conn.engine,
        lambda writer: writer.exec_driver_sql(
            f"INSERT OR REPLACE INTO {table} (term, df, ids, scores) VALUES (?,?,?,?)",
            (term, df, ids, scores),
        ),
    )  # when locked by an ingestion, the list stays in this process's memory and is stored next time


def warm(engine: Engine, tenant_id: int, terms: dict[str, int]) -> int:
    """Compute and store the missing or stale lists of a tenant's terms (term -> chunk count), so no
    search pays for them (a bulk ingestion ends with this; a million chunks: minutes, 71k: seconds). Returns
    how many lists were computed. SQLite only."""
    if engine.dialect.name != "sqlite" or not terms:
        return 0
    done = 0
    with engine.connect() as conn:
        table = Tables(tenant_id).champions
        stored = dict(conn.exec_driver_sql(f"SELECT term, df FROM {table}").all())
        for term, df in terms.items():
            if term not in stored or not _fresh(int(stored[term]), df):
                _store(conn, tenant_id, term, df, _compute(conn, tenant_id, term))
                done += 1
    return done


champions = ChampionLists()
