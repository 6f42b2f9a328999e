"""The lexical index on SQLite: BM25 order and dynamic pruning of common query terms."""

from __future__ import annotations

from pathlib import Path

import pytest

from siyada.knowledge import lexical
from siyada.store.db import open_store

T = 1  # the tenant whose index these tests write (the first tenant a store creates)


@pytest.fixture(autouse=True)
def _exact_counts(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Count every chunk's terms, so the tests below can state exact counts; sampling has its own test."""
    monkeypatch.setattr(lexical, "DF_SAMPLE", 1)


def _store(tmp_path: Path, rows: list[str]):  # type: ignore[no-untyped-def]
    engine = open_store(f"sqlite:///{tmp_path / 'lex.db'}")
    with engine.begin() as conn:
        lexical.add(conn, T, [(i + 1, 1, text.split()) for i, text in enumerate(rows)])
    return engine


def _ingested(tmp_path: Path, texts: list[str]):  # type: ignore[no-untyped-def]
    """A store whose tenant T ingested one chunk per text (migrations map chunks to their tenant)."""
    import json

    from siyada.governance.tenants import create_tenant
    from siyada.knowledge.service import Knowledge

    engine = open_store(f"sqlite:///{tmp_path / 'lex.db'}")
    tenant = create_tenant(engine, "t")
    assert tenant.id == T
    kn = Knowledge(engine, lambda name: None, None, None)
    kn.create_collection(tenant.id, "c")
    blob = "\n".join(json.dumps({"text": t}) for t in texts)
    kn.ingest(tenant.id, "t", "c", blob.encode(), "d.jsonl")
    return engine


def _kept(conn, terms: list[str], budget: int) -> list[str]:  # type: ignore[no-untyped-def]
    """The terms a query keeps: ranked in full, then the common ones beside them."""
    exact, common, _ = lexical.plan(conn, T, terms, budget)
    return exact + common


def test_rare_terms_are_kept_and_common_ones_dropped_past_the_budget(tmp_path: Path) -> None:
    rows = ["common filler"] * 300 + ["common rare1 filler", "rare2 common", "rare1 rare2"]
    engine = _store(tmp_path, rows)
    with engine.connect() as conn:
        df = lexical.document_frequencies(conn, T, ["common", "rare1", "rare2", "absent"])
        assert df == {"common": 302, "rare1": 2, "rare2": 2}
        assert _kept(conn, ["common", "rare1", "rare2"], budget=1000) == ["rare1", "rare2", "common"]
        assert _kept(conn, ["common", "rare1", "rare2"], budget=100) == ["rare1", "rare2"]
        # MIN_TERMS: the two rarest stay even when they alone are over the budget
        assert _kept(conn, ["common", "filler", "rare1"], budget=1) == ["rare1", "filler"]
        hits = lexical.search(conn, T, [1], ["common", "rare1", "rare2"], 3)
    assert hits[0][0] == 303  # holds both rare terms
    assert {c for c, _ in hits} <= {301, 302, 303}


def test_search_is_restricted_to_the_given_collections(tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 'lex.db'}")
    with engine.begin() as conn:
        lexical.add(conn, T, [(1, 1, ["rabat"]), (2, 2, ["rabat"]), (3, 2, ["fes"])])
    with engine.connect() as conn:
        assert [c for c, _ in lexical.search(conn, T, [1], ["rabat"], 10)] == [1]
        assert sorted(c for c, _ in lexical.search(conn, T, [1, 2], ["rabat", "fes"], 10)) == [1, 2, 3]


def test_a_collection_holding_most_of_the_index_is_filtered_after_ranking_with_the_same_result(
    tmp_path: Path,
) -> None:
    from siyada.governance.tenants import create_tenant
    from siyada.knowledge.service import Knowledge

    engine = open_store(f"sqlite:///{tmp_path / 'kn.db'}")
    kn = Knowledge(engine, lambda name: None, None, None)
    tenant = create_tenant(engine, "t")
    assert tenant.id == T
    big = kn.create_collection(tenant.id, "big", embedding_model=None)
    small = kn.create_collection(tenant.id, "small", embedding_model=None)
    words = ["rabat", "fes", "tanger", "oujda", "agadir", "meknes", "safi", "nador"]
    for i in range(120):  # a few words each, so BM25 ties and near-ties abound
        text = " ".join(words[(i * j) % len(words)] for j in range(1, 4 + i % 3))
        kn.ingest(tenant.id, "t", "big", f"Note {i}: {text}".encode(), f"n{i}.txt")
    for i in range(20):
        kn.ingest(tenant.id, "t", "small", f"Avis {i}: rabat fes".encode(), f"a{i}.txt")
    query = lexical.search  # the public path, which chooses the strategy
    with engine.connect() as conn:
        share = lexical._stats_for(conn).share(conn, T, [big["id"]])
        assert share >= lexical.POST_FILTER_SHARE  # so the post-filtered path is the one taken
        for terms in (["rabat"], ["fes", "safi"], ["nador", "oujda", "rabat"], ["absent"]):
            for k in (1, 5, 40):
                wanted = " OR ".join(f'"{t}"' for t in terms)
                filtered = lexical._ranked(conn, T, f"terms : ({wanted}) AND coll : (c{big['id']})", k)
                got = query(conn, T, [big["id"]], terms, k)
                assert [s for _, s in got] == [s for _, s in filtered]
                assert set(got) <= set(lexical._ranked(conn, T, f"terms : ({wanted})", 10_000))
                assert all(c not in {x for x, _ in query(conn, T, [small["id"]], terms, 500)} for c, _ in got)


def _vocab_counts(conn) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Chunk counts as FTS5 itself tells them (walking the doclists), the reference for chunk_terms_df."""
    conn.exec_driver_sql(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.v USING fts5vocab(main, chunk_terms_1, 'col')"
    )
    return {
        str(t): int(n) for t, n in conn.exec_driver_sql("SELECT term, doc FROM temp.v WHERE col = 'terms'")
    }


def test_term_counts_follow_every_write_and_delete(tmp_path: Path) -> None:
    engine = _store(tmp_path, ["rabat fes rabat", "Rabat tanger", "fes", "oujda:x safi"])
    with engine.begin() as conn:
        assert lexical.document_frequencies(conn, T, list(_vocab_counts(conn))) == _vocab_counts(conn)
        assert lexical.document_frequencies(conn, T, ["RABAT", "absent"]) == {
            "RABAT": 2
        }  # case folded, as FTS5 does
        lexical.delete(conn, T, [1, 4])
        counts = _vocab_counts(conn)
        assert counts == {"rabat": 1, "tanger": 1, "fes": 1}
        assert lexical.document_frequencies(conn, T, ["rabat", "tanger", "fes", "safi", "oujda:x"]) == counts
        assert conn.exec_driver_sql("SELECT count(*) FROM chunk_terms_df_1").scalar() == 3  # emptied rows go


def test_the_migration_fills_term_counts_from_an_existing_index(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from alembic import command
    from alembic.config import Config

    from siyada.store.db import MIGRATIONS_DIR

    engine = _ingested(tmp_path, [f"w{i % 7} w{i % 3} common" for i in range(50)])
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.connect() as conn:
        # 0015's downgrade rebuilds `collections`; with foreign keys on, dropping the old table would
        # cascade to every chunk
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        conn.commit()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0011")
        command.upgrade(cfg, "head")
        conn.commit()
        conn.exec_driver_sql("PRAGMA foreign_keys=ON")
    monkeypatch.setattr(lexical, "DF_SAMPLE", 32)  # what the migration fills the counts for
    with engine.connect() as conn:
        exact = _vocab_counts(conn)
        estimated = lexical.document_frequencies(conn, T, list(exact))
        chunks = conn.exec_driver_sql("SELECT count(*) FROM chunks").scalar()
    assert exact["common"] == chunks >= 16 and set(estimated) == {t for t, n in exact.items() if n >= 16}
    assert all(abs(estimated[t] - exact[t]) <= 16 for t in estimated)


def test_counts_from_a_sample_of_the_chunks_tell_common_terms_and_keep_rare_ones(
    tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(lexical, "DF_SAMPLE", 8)
    rows = [f"common w{i % 50}" for i in range(800)] + ["rare common"] * 2  # rare: chunks 801, 802
    engine = _store(tmp_path, rows)
    with engine.connect() as conn:
        df = lexical.document_frequencies(conn, T, ["common", "w3", "rare"])
        assert df["common"] == 800 and 8 <= df["w3"] <= 32  # 802 / 8 sampled chunks, scaled back
        assert "rare" not in df  # outside the sample ...
        exact, common, _ = lexical.plan(conn, T, ["common", "rare", "w3"], budget=100)
    assert exact == ["rare", "w3"] and common == []  # ... so it counts as rare and is ranked first


def test_a_query_of_common_terms_in_a_big_collection_is_ranked_over_their_champion_lists(
    tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from siyada.knowledge import champions

    # one collection holds the whole index; "rabat" and "fes" are both over a budget of 10 postings
    rows = [" ".join(["rabat"] * (1 + i % 4) + ["fes"] * (1 + i % 3) + [f"w{i}"] * 3) for i in range(60)]
    rows += ["rabat fes"] * 5 + ["rabat"] * 20 + ["fes"] * 10
    engine = _store(tmp_path, rows)
    monkeypatch.setattr(lexical, "POSTINGS_BUDGET", 10)
    with engine.connect() as conn:
        exact, common, _ = lexical.plan(conn, T, ["rabat", "fes", "w7"])
        assert (exact, common) == (["w7"], ["fes"])  # the rare term in full, one common one beside it
        full = lexical._ranked(conn, T, 'terms : ("rabat" OR "fes")', 200)
        monkeypatch.setattr(champions, "CHAMPIONS", 1_000)  # longer than any doclist: exactly BM25
        monkeypatch.setattr(champions, "champions", champions.ChampionLists())
        monkeypatch.setattr(lexical, "champions", champions.champions)
        got = lexical.search(conn, T, [1], ["rabat", "fes"], 30)
        assert [c for c, _ in got] == [c for c, _ in full[:30]]
        assert [s for _, s in got] == pytest.approx([s for _, s in full[:30]])
        monkeypatch.setattr(champions, "CHAMPIONS", 12)  # short lists: the best chunks still lead
        monkeypatch.setattr(lexical, "champions", champions.ChampionLists())
        short = lexical.search(conn, T, [1], ["rabat", "fes"], 5)
        assert [c for c, _ in short[:3]] == [c for c, _ in full[:3]]


def test_champion_lists_are_stored_for_other_processes_and_renewed_when_their_term_grows(
    tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from siyada.knowledge import champions

    engine = _store(tmp_path, ["rabat " * (1 + i % 5) + f"w{i}" for i in range(40)])
    with engine.connect() as conn:
        first = champions.ChampionLists().best(conn, T, "rabat", 40)
        stored = conn.exec_driver_sql("SELECT df FROM chunk_terms_champions_1 WHERE term = 'rabat'").scalar()
    assert stored == 40 and len(first) == 40 and first[0][1] >= first[-1][1]
    calls: list[str] = []
    real = champions._compute
    monkeypatch.setattr(
        champions, "_compute", lambda conn, t, term: calls.append(term) or real(conn, t, term)
    )
    with engine.connect() as conn:
        assert champions.ChampionLists().best(conn, T, "rabat", 40) == first  # a new process reads it back
        assert calls == []
    with engine.begin() as conn:
        lexical.add(conn, T, [(100 + i, 1, ["rabat"] * 9) for i in range(10)])  # 40 -> 50 chunks: +25 %
    with engine.connect() as conn:
        renewed = champions.ChampionLists().best(conn, T, "rabat", 50)
    assert calls == ["rabat"] and {c for c, _ in renewed[:10]} == set(range(100, 110))


def test_a_search_does_not_wait_for_a_writer_to_store_a_champion_list(tmp_path: Path) -> None:
    import sqlite3
    import time

    from siyada.knowledge import champions

    engine = _store(tmp_path, ["rabat " * (1 + i % 5) + f"w{i}" for i in range(40)])
    writer = sqlite3.connect(tmp_path / "lex.db")
    writer.execute("BEGIN IMMEDIATE")  # an ingestion holding the write lock
    try:
        with engine.connect() as conn:
            t0 = time.perf_counter()
            found = champions.ChampionLists().best(conn, T, "rabat", 40)
            waited = time.perf_counter() - t0
            stored = conn.exec_driver_sql("SELECT count(*) FROM chunk_terms_champions_1").scalar()
    finally:
        writer.rollback()
        writer.close()
    assert len(found) == 40 and stored == 0  # served, not stored
    assert waited < 5  # far below the pool's 10 s busy timeout


@pytest.mark.parametrize(("sample", "fes"), [(1, 30), (4, 28)])
def test_a_bulk_ingestion_can_compute_every_champion_list_beforehand(
    tmp_path: Path, monkeypatch, sample: int, fes: int
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(lexical, "DF_SAMPLE", sample)  # 4: fes counted in chunks 4, 8, ..., 28
    engine = _store(tmp_path, ["rabat fes"] * 30 + ["rabat"] * 10 + [f"w{i}" for i in range(20)])
    monkeypatch.setattr(lexical, "POSTINGS_BUDGET", 20)  # rabat (40) and fes are over it
    assert lexical.warm_champions(engine) == 2
    with engine.connect() as conn:
        stored = dict(conn.exec_driver_sql("SELECT term, df FROM chunk_terms_champions_1").all())
    assert stored == {"rabat": 40, "fes": fes}
    assert lexical.warm_champions(engine) == 0  # nothing stale


def test_the_bulk_warm_up_covers_every_list_a_search_can_ask_for(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A term under the budget still goes by its champion list when it and a rarer kept term exceed
    the budget together (fewer than MIN_TERMS kept): its list must be there before the search."""
    import json

    from siyada.governance.tenants import create_tenant
    from siyada.knowledge import champions
    from siyada.knowledge.service import Knowledge

    monkeypatch.setattr(lexical, "DF_SAMPLE", 1)
    engine = open_store(f"sqlite:///{tmp_path / 'k.db'}")
    tenant = create_tenant(engine, "t")
    assert tenant.id == T
    kn = Knowledge(engine, lambda name: None, None, None)
    coll = kn.create_collection(tenant.id, "c")
    texts = ["meknes"] * 12 + ["oujda"] * 13 + [f"word{i}" for i in range(20)]
    blob = "\n".join(json.dumps({"text": f"{t} {i}"}) for i, t in enumerate(texts))
    kn.ingest(tenant.id, "t", "c", blob.encode(), "d.jsonl")
    monkeypatch.setattr(lexical, "POSTINGS_BUDGET", 20)  # each term under it, the two together over
    with engine.connect() as conn:
        exact, common, _ = lexical.plan(conn, T, ["meknes", "oujda"])
    assert (exact, common) == (["meknes"], ["oujda"])
    computed: list[str] = []
    real = champions._compute
    monkeypatch.setattr(
        champions, "_compute", lambda conn, t, term: computed.append(term) or real(conn, t, term)
    )
    assert lexical.warm_champions(engine) >= 2  # meknes and oujda: over POSTINGS_BUDGET / MIN_TERMS
    assert {"meknes", "oujda"} <= set(computed)
    computed.clear()
    with engine.connect() as conn:
        hits = lexical.search(conn, T, [coll["id"]], ["meknes", "oujda"], 30)
    assert len(hits) == 25
    assert computed == []  # the search found the list stored, none computed while it waited
