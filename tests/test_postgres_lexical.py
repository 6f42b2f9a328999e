"""Lexical search on PostgreSQL does bounded work per query: a common word no longer ranks every chunk
holding it, and queries whose words fit the budget rank exactly as before. Rows ranked are counted by a
`ts_rank_cd` placed ahead of pg_catalog's on the search path (it counts, then calls the real one)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from siyada.knowledge import lexical, pglexical
from siyada.store.db import open_store
from siyada.store.tables import chunks, collections, documents, tenants
from tests.pg import Postgres

BIG = pglexical.BUDGET + pglexical.CANDIDATES + 1_000  # chunks holding the common word: over any bound
PROBE = """
CREATE SCHEMA IF NOT EXISTS probe;
CREATE SEQUENCE IF NOT EXISTS probe.ranked;
CREATE OR REPLACE FUNCTION probe.ts_rank_cd(v tsvector, q tsquery) RETURNS real LANGUAGE plpgsql VOLATILE
AS $$ BEGIN PERFORM nextval('probe.ranked'); RETURN pg_catalog.ts_rank_cd(v, q); END $$;
"""
# What lexical search ran on PostgreSQL before pruning: every match of any term ranked.
REFERENCE = (
    "SELECT chunk_id, ts_rank_cd(tsv, q) AS s FROM chunk_terms, to_tsquery('simple', :q) q "
    "WHERE tsv @@ q AND collection_id = :c ORDER BY s DESC, chunk_id LIMIT :k"
)


@pytest.fixture(scope="module")
def store() -> Iterator[tuple[Engine, dict[str, int]]]:
    pg = Postgres().start()
    try:
        engine = open_store(pg.create_database("lexical"))
        with engine.begin() as conn:
            conn.exec_driver_sql(PROBE)
            colls = _fill(conn)
        yield engine, colls
        engine.dispose()
    finally:
        pg.stop()


def _fill(conn: Connection) -> dict[str, int]:
    """Tenant 1: `big` (BIG chunks holding `commun`, 3 of them `rare` too, every 10th `frequent`) and
    `small` (200 chunks of varied words); tenant 2: `other` (BIG chunks holding `commun` and `rare`)."""
    now = time.time()
    t1 = conn.execute(tenants.insert().values(name="t1", created_at=now).returning(tenants.c.id)).scalar_one()
    t2 = conn.execute(tenants.insert().values(name="t2", created_at=now).returning(tenants.c.id)).scalar_one()
    ids: dict[str, int] = {}
    next_id = 1
    for name, tenant in (("big", t1), ("small", t1), ("other", t2)):
        cid = conn.execute(
            collections.insert()
            .values(tenant_id=tenant, name=name, created_at=now)
            .returning(collections.c.id)
        ).scalar_one()
        ids[name] = cid
        doc = f"doc_{name}"
        conn.execute(
            documents.insert().values(
                id=doc, collection_id=cid, tenant_id=tenant, name=name, sha256="0" * 64, format="text",
                chars=0, chunks=0, created_at=now,
            )
        )  # fmt: skip
        n = 200 if name == "small" else BIG
        rows = [(next_id + i, cid, _terms(name, i)) for i in range(n)]
        conn.execute(
            chunks.insert(),
            [
                {
                    "id": r[0],
                    "document_id": doc,
                    "collection_id": cid,
                    "idx": i,
                    "start": 0,
                    "end": 1,
                    "text": "x",
                }
                for i, r in enumerate(rows)
            ],
        )
        lexical.add(conn, tenant, rows)
        next_id += n
    return ids


def _terms(name: str, i: int) -> list[str]:
    if name == "small":
        return [f"w{i % 7}", f"v{i % 13}", f"u{i % 29}", f"w{i % 5}", "loi" if i % 3 == 0 else "decret"]
    if name == "other":
        return ["commun", "rare", "rare", f"x{i}"]
    words = ["commun", f"n{i}", "commun" if i % 2 else "texte"]
    if i % 10 == 0:
        words.append("frequent")
    if i in (7, 700, 2_900):
        words += ["rare", "rare"]
    return words


def _ranked_rows(
    engine: Engine, fn: Callable[[Connection], list[tuple[int, float]]]
) -> tuple[int, list[tuple[int, float]]]:
    with engine.connect() as conn:
        conn.exec_driver_sql("SET search_path = probe, pg_catalog, public")
        before = conn.exec_driver_sql("SELECT nextval('probe.ranked')").scalar_one()
        out = fn(conn)
        after = conn.exec_driver_sql("SELECT nextval('probe.ranked')").scalar_one()
    return after - before - 1, out


def test_a_common_word_no_longer_ranks_every_chunk_holding_it(store: tuple[Engine, dict[str, int]]) -> None:
    engine, colls = store
    n, hits = _ranked_rows(engine, lambda c: lexical.search(c, 1, [colls["big"]], ["commun"], 10))
    assert len(hits) == 10
    assert n <= pglexical.CANDIDATES < BIG  # was BIG: every match ranked


def test_a_rare_word_beside_a_common_one_still_ranks_first(store: tuple[Engine, dict[str, int]]) -> None:
    engine, colls = store
    query = ["commun", "rare"]
    n, hits = _ranked_rows(engine, lambda c: lexical.search(c, 1, [colls["big"]], query, 10))
    assert n <= 3 + pglexical.CANDIDATES < BIG  # the 3 rare chunks, the capped common ones
    with engine.connect() as conn:
        rare = {
            int(r[0])
            for r in conn.exec_driver_sql(
                "SELECT chunk_id FROM chunk_terms WHERE tsv @@ 'rare'::tsquery AND collection_id = %(c)s",
                {"c": colls["big"]},
            )
        }
        mine = {
            int(r[0])
            for r in conn.execute(sa.select(chunks.c.id).where(chunks.c.collection_id == colls["big"]))
        }
    assert len(rare) == 3
    assert {cid for cid, _ in hits[:3]} == rare
    assert {cid for cid, _ in hits} <= mine  # never another tenant's chunk


def test_two_common_words_keep_the_chunks_holding_both(store: tuple[Engine, dict[str, int]]) -> None:
    engine, colls = store
    big = [colls["big"]]
    with engine.connect() as conn:
        found = pglexical.counts(conn, big, ["frequent", "commun"], 201)
        exact, common = pglexical.split(["frequent", "commun"], found, 200, lexical.MIN_TERMS)
        ids = pglexical.candidates(conn, big, exact, common, 200)
        both = {
            int(r[0])
            for r in conn.exec_driver_sql(
                "SELECT chunk_id FROM chunk_terms"
                " WHERE tsv @@ 'commun & frequent'::tsquery AND collection_id = %(c)s",
                {"c": colls["big"]},
            )
        }
    assert found == {"frequent": 201, "commun": 201} and exact == []
    assert len(both) == BIG // 10
    assert len(ids) == len(set(ids)) == pglexical.CANDIDATES  # bounded, and filled with single-word matches
    assert both <= set(ids)


@pytest.mark.parametrize("query", [["w1"], ["w1", "v3"], ["loi", "u4", "w2"], ["decret", "loi"], ["absent"]])
def test_queries_within_the_budget_rank_as_before(
    store: tuple[Engine, dict[str, int]], query: list[str]
) -> None:
    engine, colls = store
    with engine.connect() as conn:
        ref = conn.execute(sa.text(REFERENCE), {"q": " | ".join(query), "c": colls["small"], "k": 500}).all()
        got = lexical.search(conn, 1, [colls["small"]], query, 500)
    expected = [(int(r[0]), float(r[1])) for r in ref]
    assert sorted(got, key=lambda x: (-x[1], x[0])) == expected


def test_the_candidate_set_is_bounded_whatever_the_budget(store: tuple[Engine, dict[str, int]]) -> None:
    engine, colls = store
    n, _ = _ranked_rows(
        engine,
        lambda c: pglexical.search(
            c, [colls["big"]], ["commun", "texte", "rare"], 10, 100, lexical.MIN_TERMS
        ),
    )
    assert n <= 100 + pglexical.CANDIDATES
