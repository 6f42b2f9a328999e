"""A long scan through the worker pool: its pages reach the upload's progress (GET /v1/uploads/{id},
what the web app's bar polls) as OCR reads them, and its CPU budget grows with its pages (a per-page
share up to a cap) instead of a flat limit that cut scans after about a dozen pages. A job cut by the
cap, or by one page that never ends, stores nothing and leaves its upload failed with the reason."""

from __future__ import annotations

import io
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from siyada import progress
from siyada.config import WorkersConfig
from siyada.knowledge.ocr import engine
from siyada.workers import JobTooComplex, Limits, PageBudget, WorkerPool
from tests import scans
from tests.server import Server, cli
from tests.test_ocr import ARABIC, FRENCH

PAGES = 8  # each ~0.7 s of CPU here: ~6 s in all, past the 1 s these servers give a job before its pages


# ---- the budget, and the pool, with jobs that only count pages ------------------------------------------
def test_a_hundred_page_scan_gets_a_hundred_pages_of_cpu_time_by_default() -> None:
    defaults = WorkersConfig()
    limits = Limits(defaults.cpu_seconds, 0, 1.0, defaults.page_cpu_seconds, defaults.max_cpu_seconds)
    budget = PageBudget(limits)
    assert budget.seconds() == 60  # a job that reads no page: the flat limit, as before
    budget.note(progress.PAGES_TOTAL, 100)
    assert budget.seconds() == 60 + 30  # the first page's share only: granted as pages begin
    budget.note(progress.PAGES, 99)
    assert budget.seconds() == 60 + 30 * 100 <= defaults.max_cpu_seconds  # the 100th page begins
    budget.note(progress.PAGES_TOTAL, 100)
    budget.note(progress.PAGES, 100)
    assert budget.seconds() == defaults.max_cpu_seconds  # the cap holds, whatever the pages


def _burn(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def page_job(pages: int, endless_page: int | None, per_page: float) -> int:
    """Announces `pages`, then spends `per_page` CPU seconds on each (forever on `endless_page`)."""
    progress.add_pages(pages)
    for n in range(pages):
        _burn(3600.0 if n == endless_page else per_page)
        progress.page_read()
    return pages


@pytest.fixture(scope="module")
def pool() -> Iterator[WorkerPool]:
    # 1 s for the job, 1 s more for each page begun: a 40-page job of 0.08 s pages needs 3.2 s.
    pool = WorkerPool(1, Limits(1, 512 * 2**20, 600.0, page_cpu_seconds=1, max_cpu_seconds=600), nice=0)
    yield pool
    pool.close()


def test_a_job_reading_many_pages_is_not_cut_at_the_flat_limit(pool: WorkerPool) -> None:
    heard: list[tuple[str, int]] = []
    assert pool.run(page_job, 40, None, 0.08, on_progress=lambda s, n: heard.append((s, n))) == 40
    assert heard[0] == (progress.PAGES_TOTAL, 40)
    assert heard[1:] == [(progress.PAGES, 1)] * 40  # every page, in order, heard in the caller


def test_one_endless_page_is_cut_after_its_own_share(pool: WorkerPool) -> None:
    heard: list[tuple[str, int]] = []
    with pytest.raises(JobTooComplex, match="3 pages begun of 40"):
        pool.run(page_job, 40, 2, 0.05, on_progress=lambda s, n: heard.append((s, n)))
    assert sum(n for s, n in heard if s == progress.PAGES) == 2  # cut on the third page, not later
    assert pool.run(page_job, 2, None, 0.0) == 2  # the pool serves on with a fresh worker


def _line_png(text: str) -> bytes:
    """A printed line, as a 300 dpi PNG scan."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1400, 200), 255)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 44)
    ImageDraw.Draw(image).text((30, 60), text, fill=0, font=font)
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(300, 300))
    return out.getvalue()


def threads_after_a_read() -> int:
    """The threads of this process once it has read a page (Tesseract's OpenMP threads, once started,
    stay)."""
    from siyada.knowledge.parse import parse

    assert "residence" in parse(_line_png("Attestation de residence delivree"), "a.png").text
    return len(os.listdir("/proc/self/task"))


@pytest.mark.skipif(not engine.available(), reason="Tesseract's ara/fra/osd data are not installed")
def test_a_worker_reads_pages_on_one_thread(pool: WorkerPool) -> None:
    # Tesseract's default is 4 OpenMP threads a read, spin-waiting: 4x the CPU time of one thread on
    # a dense page, all of it counted against the job's budget (bench/ocr_page_cpu.py).
    assert pool.run(threads_after_a_read) <= 2  # the worker's own, and at most one more; not 5


# ---- a real scan through the server ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def scan() -> bytes:
    if not scans.CHROMIUM.exists() or not engine.available():
        pytest.skip("needs Debian chromium and Tesseract's data")
    with scans.browser() as b:
        arabic = scans.rasterise(scans.print_pdf(b, scans.page_html(ARABIC, arabic=True)), 300)[0]
        french = scans.rasterise(scans.print_pdf(b, scans.page_html(FRENCH, arabic=False)), 300)[0]
    return scans.image_pdf([arabic, french] * (PAGES // 2), 300)


def _server(tmp_path_factory: pytest.TempPathFactory, name: str, workers: str) -> Iterator[Server]:
    data = tmp_path_factory.mktemp(name)
    config = data / "siyada.toml"
    settings = "[knowledge]\nmax_upload_bytes = 40000000\n[workers]\nprocesses = 1\nnice = 0\n"
    config.write_text(settings + workers + "\n")
    for tenant in ("commune", "other"):
        cli(data, "tenants", "create", tenant)
    srv = Server(data, config=config).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def budgeted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from _server(tmp_path_factory, "budgeted", "cpu_seconds = 1\npage_cpu_seconds = 30")


@pytest.fixture(scope="module")
def capped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    workers = "cpu_seconds = 1\npage_cpu_seconds = 30\nmax_cpu_seconds = 2"
    yield from _server(tmp_path_factory, "capped", workers)


def _h(srv: Server, tenant: str = "commune") -> dict[str, str]:
    key = getattr(srv, f"_key_{tenant}", None) or srv.key(tenant, "user")
    setattr(srv, f"_key_{tenant}", key)
    return {"Authorization": f"Bearer {key}"}


def _upload_watched(srv: Server, data: bytes) -> tuple[httpx.Response, list[dict[str, Any]], str]:
    """Upload `data` named by a fresh upload id while polling its progress, as the web app does; the
    answer, every progress reading taken while it ran, and the id."""
    name = f"c{uuid.uuid4().hex[:8]}"
    r = httpx.post(srv.url + "/v1/collections", json={"name": name, "embedding_model": None}, headers=_h(srv))
    assert r.status_code == 201, r.text
    upload_id = uuid.uuid4().hex
    answer: list[httpx.Response] = []

    def send() -> None:
        answer.append(
            httpx.post(
                srv.url + "/v1/documents",
                data={"collection": name},
                files={"file": ("dossier.pdf", data)},
                headers={**_h(srv), "X-Upload-Id": upload_id},
                timeout=600,
            )
        )

    sender = threading.Thread(target=send)
    sender.start()
    readings = []
    with httpx.Client(base_url=srv.url, headers=_h(srv)) as http:
        while sender.is_alive():
            r = http.get(f"/v1/uploads/{upload_id}")
            if r.status_code == 200:  # 404 until the server has the upload's headers
                readings.append(r.json())
            time.sleep(0.2)
        sender.join()
        readings.append(http.get(f"/v1/uploads/{upload_id}").json())
    return answer[0], readings, upload_id


def _stored(srv: Server) -> tuple[int, int, int]:
    with sqlite3.connect(f"file:{srv.data_dir / 'siyada.db'}?mode=ro", uri=True) as db:
        return tuple(  # type: ignore[return-value]
            db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("documents", "chunks", "document_pages")
        )


def test_the_upload_progress_follows_the_pages_ocr_reads(budgeted: Server, scan: bytes) -> None:
    r, readings, upload_id = _upload_watched(budgeted, scan)
    # 8 pages of ~0.7 s CPU: read because the budget grew with them (the flat 1 s cut it).
    assert r.status_code == 201, r.text
    done = [x["pages"]["done"] for x in readings if x["pages"]["total"]]
    assert done == sorted(done) and {x["pages"]["total"] for x in readings if x["pages"]["total"]} == {PAGES}
    assert any(0 < d < PAGES for d in done), readings  # the bar moved through the pages, not 0 then all
    final = readings[-1]
    assert final["stage"] == "completed" and final["pages"] == {"done": PAGES, "total": PAGES}
    assert final["documents"] == [r.json()["id"]] and final["chunks"]["total"] == r.json()["chunks"]
    assert r.json()["metadata"]["page_count"] == PAGES
    # Another tenant's poll of the same id learns nothing.
    other = httpx.get(f"{budgeted.url}/v1/uploads/{upload_id}", headers=_h(budgeted, "other"))
    assert other.status_code == 404 and other.json()["error"]["code"] == "upload_not_found"


def test_a_scan_past_the_cap_is_cut_stores_nothing_and_its_upload_says_why(
    capped: Server, scan: bytes
) -> None:
    before = _stored(capped)
    r, readings, _ = _upload_watched(capped, scan)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "document_too_complex" and "at most 2 s" in error["message"], error
    final = readings[-1]
    assert final["stage"] == "failed" and final["error"]["code"] == "document_too_complex"
    assert final["error"]["message"] == error["message"]
    assert final["pages"]["total"] == PAGES and final["pages"]["done"] < PAGES  # cut part way
    assert final["documents"] == []
    assert _stored(capped) == before  # no document, no chunk, no page: nothing half-indexed


def test_a_malformed_upload_id_is_refused(budgeted: Server) -> None:
    r = httpx.post(
        budgeted.url + "/v1/documents",
        json={"collection": "any", "text": "Avis."},
        headers={**_h(budgeted), "X-Upload-Id": "short"},
    )
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_request", r.text


@pytest.mark.skipif(not engine.available(), reason="Tesseract's ara/fra/osd data are not installed")
def test_siyada_ingest_reads_scans_with_a_bar_for_their_pages(tmp_path: Path) -> None:
    """The CLI reads in-process: OCR's page reports reach its progress bars too (and must not break
    them: a bar it did not know of)."""
    folder, data = tmp_path / "scans", tmp_path / "data"
    folder.mkdir()
    (folder / "attestation.png").write_bytes(_line_png("Attestation de residence delivree"))
    cli(data, "tenants", "create", "default")
    cli(data, "collections", "create", "scans", "--lexical-only")
    done = cli(data, "ingest", str(folder), "--collection", "scans")
    assert "1 documents indexed" in done.stdout, (done.stdout, done.stderr)
    with sqlite3.connect(data / "siyada.db") as db:
        assert db.execute("SELECT count(*) FROM document_pages").fetchone()[0] == 1


def test_upload_progress_is_kept_per_tenant_and_bounded() -> None:
    from siyada.api.uploads import Uploads

    uploads = Uploads(max_tracked=3, keep_seconds=-1.0)  # finished: stale at once
    for n in range(5):
        uploads.start(1, f"upload-{n}")
    assert [uploads.get(1, f"upload-{n}") is not None for n in range(5)] == [False, False, True, True, True]
    assert uploads.get(2, "upload-4") is None  # another tenant's id is unknown to this one
    uploads.get(1, "upload-4").completed(["doc_1"])  # type: ignore[union-attr]
    uploads.start(1, "upload-5")  # finished entries past `keep_seconds` go first
    assert uploads.get(1, "upload-4") is None and uploads.get(1, "upload-3") is not None
