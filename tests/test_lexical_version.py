"""Lexical terms follow the analysis across an upgrade (siyada.knowledge.lexical_rebuild): the analysis
has a version that moves with its terms; a collection whose terms an older analysis made still answers
lexical searches (degraded) but is listed as needing a reindex, warned about at the server's start, and
`siyada collections reindex` rebuilds its terms (crash-safe, SQLite and PostgreSQL) so that the glued
form "1.85.347بتاريخ", split by the analysis since version 2, meets its queries again."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from siyada.governance.tenants import create_tenant
from siyada.knowledge import lexical, lexical_rebuild
from siyada.knowledge.service import Knowledge
from siyada.lang import analysis
from siyada.lang.analysis import ANALYSIS_VERSION, index_terms, query_terms
from siyada.store.db import open_store
from siyada.store.tables import chunks, collections
from tests.server import Server, cli

# Every kind of word the analysis treats apart: Arabic (with harakat and a stop word), glued digits,
# Eastern digits, French, English (translated), Arabizi, Tifinagh, a capitalised name, punctuation.
SAMPLE = [
    "الظهير الشريف رقم 1.85.347بتاريخ 20 من ربيع الأول 1406 (7 ديسمبر 1985)",
    "الصادر في 27من ذي الحجة لسنة2011 بتنفيذ القانون التنظيمي رقم ٧٫٩٨لقانون المالية",
    "Le certificat de résidence est délivré par l'arrondissement communal.",
    "The municipality issues a birth certificate within three days.",
    "ana bghit n9ad lwra9 dyal l7ala lmadaniya, ki3ti chi wa9t?",
    "ⴰⵎⴰⵢⵏⵓ ⵏ ⵜⵎⴰⵣⵉⵖⵜ ⴷ ⵜⴰⵙⵏⵓⵍⴼⵓⵍⵜ",
    "M. Gish Benali a déposé une demande à Rabat.",
    "مُوَظَّفٌ في وزارة الداخلية",
]
# The sha256 of SAMPLE's index and query terms under each analysis version this code may run.
DIGESTS = {2: "e406f1205706ca2c24f3522e53561916916fa3b3d37027fcab3e0596377592e1"}


def _digest() -> str:
    terms = [[index_terms(t), query_terms(t)] for t in SAMPLE]
    return hashlib.sha256(json.dumps(terms, ensure_ascii=False).encode()).hexdigest()


def test_the_terms_of_a_fixed_sample_change_only_with_the_analysis_version() -> None:
    assert DIGESTS.get(ANALYSIS_VERSION) == _digest(), (
        "the analysis makes other terms than this version's: bump ANALYSIS_VERSION in"
        " siyada/lang/analysis.py (collections then get their terms rebuilt by a reindex) and record the"
        " new digest here"
    )


@contextmanager
def _older_analysis() -> Iterator[None]:
    """The analysis as version 1 made terms: a digit glued to an Arabic word left inside it."""
    glued = analysis._glued
    analysis._glued = lambda token: None  # type: ignore[assignment]
    analysis._cache.clear()
    try:
        yield
    finally:
        analysis._glued = glued  # type: ignore[assignment]
        analysis._cache.clear()


def _as_an_older_analysis_left_it(engine: sa.Engine, name: str) -> None:
    """The collection's stored terms as version 1 wrote them, and no version recorded (as a collection
    made before versions has), the way a store upgraded from then holds them."""
    with engine.begin() as conn, _older_analysis():
        coll = conn.execute(sa.select(collections).where(collections.c.name == name)).one()
        rows = conn.execute(
            sa.select(chunks.c.id, chunks.c.text).where(chunks.c.collection_id == coll.id)
        ).all()
        lexical.delete(conn, coll.tenant_id, [r.id for r in rows])
        lexical.add(conn, coll.tenant_id, [(r.id, coll.id, index_terms(r.text)) for r in rows])
        conn.execute(collections.update().where(collections.c.id == coll.id).values(lexical_version=None))


DECREE = "صدر الظهير الشريف رقم 1.85.347بتاريخ في الرباط"
GLUED_QUERY = "347بتاريخ"  # the number and the word: split by version 2 on both sides


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment that points the CLI and the server at the store ({} for the SQLite default)."""
    if request.param == "sqlite":
        yield {}
        return
    from tests.pg import Postgres

    pg = Postgres().start()
    try:
        yield {"SIYADA_DATABASE_URL": pg.create_database("lexver")}
    finally:
        pg.stop()


def test_siyada_collections_reindex_rebuilds_terms_an_older_analysis_made(
    tmp_path: Path, database: dict[str, str]
) -> None:
    data, docs = tmp_path / "data", tmp_path / "docs"
    docs.mkdir()
    (docs / "decree.txt").write_text(DECREE, encoding="utf-8")
    (docs / "other.txt").write_text("Le certificat de résidence est délivré par l'arrondissement.")
    config = tmp_path / "siyada.toml"
    config.write_text("[embedded]\nenabled = false\n[knowledge]\nwarm_at_start = false\n")

    def run(*args: str) -> str:
        return cli(data, *args, config=config, env=database).stdout

    def search(query: str) -> str:
        return run("search", query, "--collection", "lois", "--mode", "lexical")

    run("tenants", "create", "default")
    run("collections", "create", "lois", "--lexical-only")
    run("ingest", str(docs), "--collection", "lois")
    assert "decree.txt" in search(GLUED_QUERY)  # made and searched by this analysis
    assert "needs reindex" not in run("collections", "list")

    url = database.get("SIYADA_DATABASE_URL", f"sqlite:///{data / 'siyada.db'}")
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    _as_an_older_analysis_left_it(engine, "lois")
    engine.dispose()
    assert "decree.txt" not in search(GLUED_QUERY)  # the silent miss an upgrade left
    assert "decree.txt" in search("الظهير الشريف")  # degraded, not refused
    listed = run("collections", "list")
    assert "lois" in listed and "needs reindex" in listed and "before analysis versions" in listed

    key = run("keys", "create", "--tenant", "default").strip()
    server = Server(data, config=config, env=database).start()
    try:
        got = httpx.get(server.url + "/v1/collections", headers={"Authorization": f"Bearer {key}"}).json()
        (lois,) = got["data"]
        assert lois["needs_reindex"] is True and "analysis" in lois["reindex_reason"]
        warned = [line for line in server.output().splitlines() if "collections reindex lois" in line]
        assert len(warned) == 1 and "before analysis versions" in warned[0]
    finally:
        server.stop()

    assert "2 chunks' lexical terms rebuilt" in run("collections", "reindex", "lois")
    assert "decree.txt" in search(GLUED_QUERY)
    assert "decree.txt" in search("1.85.347 بتاريخ")  # and the spaced form meets the glued text
    assert "needs reindex" not in run("collections", "list")
    assert "already current" in run("collections", "reindex", "lois")


DOCS = [DECREE, "olive trees on the hill", "a market sells fresh bread"]


def test_a_rebuild_killed_midway_stays_marked_then_a_rerun_finishes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from siyada.knowledge.collections import list_collections

    engine = open_store(f"sqlite:///{tmp_path / 'k.db'}")
    tid = create_tenant(engine, "t").id
    kn = Knowledge(engine, {}.get, None, None, rerank_model=None)
    kn.create_collection(tid, "c", embedding_model=None)
    kn.ingest(tid, "t", "c", "\n".join(json.dumps({"text": t}) for t in DOCS).encode(), "d.jsonl")
    _as_an_older_analysis_left_it(engine, "c")

    def hits(query: str) -> list[str]:
        return [h["chunk"]["text"] for h in kn.search(tid, "t", ["c"], query, 3, "lexical")]

    monkeypatch.setattr(lexical_rebuild, "BATCH_CHUNKS", 1)
    real: Callable[[str], list[str]] = lexical_rebuild.index_terms
    calls = {"n": 0}

    def dies_on_the_second_batch(text: str) -> list[str]:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # stands for a kill between two batches
        return real(text)

    monkeypatch.setattr(lexical_rebuild, "index_terms", dies_on_the_second_batch)
    with pytest.raises(KeyboardInterrupt):
        kn.reindex(tid, "c")
    assert hits(GLUED_QUERY) == [DECREE]  # the first batch was rebuilt: a mix of old and new terms...
    (listed,) = list_collections(engine, tid)  # ...never reported as done
    assert listed["needs_reindex"] and "being rebuilt" in listed["reindex_reason"]
    assert [name for _, name, _ in lexical_rebuild.outdated(engine)] == ["c"]
    assert hits("olive hill") == [DOCS[1]]  # still searched meanwhile

    monkeypatch.setattr(lexical_rebuild, "index_terms", real)
    assert kn.reindex(tid, "c").analysed == 3
    (listed,) = list_collections(engine, tid)
    assert not listed["needs_reindex"] and listed["reindex_reason"] is None
    assert lexical_rebuild.outdated(engine) == []
    assert hits(GLUED_QUERY) == [DECREE] and hits("market bread") == [DOCS[2]]
    assert kn.reindex(tid, "c").analysed == 0  # nothing left to do
