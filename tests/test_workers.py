"""Heavy work cannot starve the rest: uploads and privacy analyses run in worker processes with CPU and
memory limits (a job over them is a 422 `document_too_complex` that stores nothing, and the pool keeps
serving), and key lookups have their own threads, so requests authenticated by key complete while slow
jobs are still running."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import httpx
import pytest
from openai import OpenAI

from tests.server import Server, cli

# A megabyte of text dense with personal data: its privacy analysis (the pseudonymisation of documents,
# or /v1/privacy/analyze) costs about a second of CPU on the development machine (linear work), with
# little memory; sixteen of them, about fifteen seconds: over the test servers' CPU limit.
_SENTENCE = "Le citoyen Mohammed Alami, CIN AB123456, demeurant à Rabat, a déposé sa demande. "
HEAVY_TEXT = (_SENTENCE * 12_000).encode()
HEAVY_UPLOAD = HEAVY_TEXT * 16
# JSON whose parsing allocates an object per three bytes: hundreds of MB within a second of CPU.
MEMORY_BOMB = b"[" + b"[]," * 3_000_000 + b"[]]"


def _server(tmp_path_factory: pytest.TempPathFactory, name: str, workers: str) -> Server:
    """A server whose documents are pseudonymised (their privacy analysis is the heavy part), with no
    key cache (every request looks its key up) and these `[workers]` settings."""
    data = tmp_path_factory.mktemp(name)
    config = data / "siyada.toml"
    config.write_text(f"key_cache_seconds = 0\n[privacy]\ndocuments = true\n[workers]\n{workers}\n")
    cli(data, "tenants", "create", "default")
    return Server(data, config=config).start()


@pytest.fixture(scope="module")
def cpu_bound(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = _server(tmp_path_factory, "cpu", "processes = 2\ncpu_seconds = 2\nnice = 0")
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def memory_bound(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = _server(tmp_path_factory, "memory", "processes = 1\nmemory_mb = 64")
    yield srv
    srv.stop()


def _headers(srv: Server) -> dict[str, str]:
    key = getattr(srv, "_test_key", None) or srv.key("default", "user")
    srv._test_key = key  # type: ignore[attr-defined]
    return {"Authorization": f"Bearer {key}"}


def _collection(srv: Server, name: str) -> str:
    r = httpx.post(
        srv.url + "/v1/collections", json={"name": name, "embedding_model": None}, headers=_headers(srv)
    )
    assert r.status_code == 201, r.text
    return name


def _upload(srv: Server, collection: str, name: str, data: bytes) -> httpx.Response:
    return httpx.post(
        srv.url + "/v1/documents",
        files={"file": (name, data)},
        data={"collection": collection},
        headers=_headers(srv),
        timeout=600,
    )


def _stored(srv: Server) -> tuple[int, int]:
    """(documents, chunks) rows in the server's database."""
    with sqlite3.connect(f"file:{srv.data_dir / 'siyada.db'}?mode=ro", uri=True) as db:
        docs = db.execute("SELECT count(*) FROM documents").fetchone()[0]
        pieces = db.execute("SELECT count(*) FROM chunks").fetchone()[0]
    return docs, pieces


def _too_complex(r: httpx.Response, what: str) -> None:
    assert r.status_code == 422, r.text[:500]
    error = r.json()["error"]
    assert error["code"] == "document_too_complex" and what in error["message"], error


def _still_serves(srv: Server, collection: str) -> None:
    """More normal uploads than there are workers succeed: the dead workers were replaced."""
    for n in range(3):
        r = _upload(srv, collection, f"note-{n}.txt", f"Note {n}: la commune ouvre le lundi.".encode())
        assert r.status_code == 201, r.text
        assert r.json()["chunks"] == 1


def test_upload_over_the_cpu_limit_is_refused_and_stores_nothing(cpu_bound: Server) -> None:
    coll = _collection(cpu_bound, "cpu")
    before = _stored(cpu_bound)
    _too_complex(_upload(cpu_bound, coll, "heavy.txt", HEAVY_UPLOAD), "CPU time")
    assert _stored(cpu_bound) == before
    _still_serves(cpu_bound, coll)


def test_privacy_analysis_of_the_largest_text_fits_the_limits(cpu_bound: Server) -> None:
    """/v1/privacy/analyze takes at most MAX_TEXT characters and its analysis is linear, so its largest
    text stays within even this server's 2-second CPU limit (the limit is a backstop there; before the
    analysis was linear, this text took about ten seconds and was refused)."""
    text = HEAVY_TEXT.decode()[:1_000_000]  # the endpoint's largest text
    r = httpx.post(
        cpu_bound.url + "/v1/privacy/analyze", json={"text": text}, headers=_headers(cpu_bound), timeout=600
    )
    assert r.status_code == 200, r.text[:300]
    assert sum(e["type"] == "MA_CIN" for e in r.json()["data"]) == text.count("AB123456")


def test_upload_over_the_memory_limit_is_refused_and_stores_nothing(memory_bound: Server) -> None:
    coll = _collection(memory_bound, "memory")
    before = _stored(memory_bound)
    _too_complex(_upload(memory_bound, coll, "bomb.json", MEMORY_BOMB), "memory")
    assert _stored(memory_bound) == before
    _still_serves(memory_bound, coll)


def test_key_lookups_are_not_starved_by_slow_uploads(cpu_bound: Server) -> None:
    """More slow uploads at once than the default executor has threads: a request with a key never
    seen before (the key cache is off) completes while every one of them is still running."""
    coll = _collection(cpu_bound, "starve")
    fresh_key = cpu_bound.key("default", "user")
    n_uploads = min(32, (os.cpu_count() or 1) + 4) + 2  # asyncio's default executor size, and more
    with ThreadPoolExecutor(n_uploads) as clients:
        uploads: list[Future[httpx.Response]] = [
            clients.submit(_upload, cpu_bound, coll, f"heavy-{n}.txt", HEAVY_UPLOAD + str(n).encode())
            for n in range(n_uploads)
        ]
        time.sleep(2)  # sequencing, not a measurement: let the uploads reach the server first
        assert not any(u.done() for u in uploads), "an upload ended before the check could start"
        models = OpenAI(base_url=cpu_bound.url + "/v1", api_key=fresh_key, max_retries=0).models.list()
        running = sum(not u.done() for u in uploads)
        assert models.data
        assert running == len(uploads), f"only {running} uploads were still running"
        for u in uploads:
            assert u.result().status_code in (201, 422)
