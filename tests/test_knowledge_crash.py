"""kill -9 in the middle of `siyada ingest`, then the same command again: every document ends up fully
indexed exactly once (chunks, lexical terms and vectors together), none half-indexed, none lost."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.server import _env, cli

PARAGRAPH = (
    "المادة {n}\nيتعين على المصالح الجماعية تسليم الوثيقة رقم {n} داخل أجل معقول بعد إيداع الطلب "
    "مرفقا بالوثائق المطلوبة، ويحق للمرتفق تقديم شكاية في حالة التأخير. "
    "La demande n° {n} est instruite par le service compétent de la commune.\n\n"
)


def _integrity(db: Path) -> tuple[int, int]:
    """(documents, chunks), after checking that each document is whole."""
    con = sqlite3.connect(db)
    try:
        docs = con.execute("SELECT id, chunks FROM documents").fetchall()
        for doc_id, expected in docs:
            stored = con.execute("SELECT count(*) FROM chunks WHERE document_id = ?", (doc_id,)).fetchone()[0]
            assert stored == expected, f"{doc_id}: {stored} chunks stored, {expected} expected"
            unembedded = con.execute(
                "SELECT count(*) FROM chunks WHERE document_id = ? AND vector IS NULL", (doc_id,)
            ).fetchone()[0]
            assert unembedded == 0, f"{doc_id} has chunks without vectors"
        chunks = con.execute("SELECT count(*) FROM chunks").fetchone()[0]
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        indexes = [n for n in names if re.fullmatch(r"chunk_terms_\d+", n)]  # one lexical index per tenant
        terms = sum(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in indexes)
        orphans = sum(
            con.execute(f"SELECT count(*) FROM {t} WHERE rowid NOT IN (SELECT id FROM chunks)").fetchone()[0]
            for t in indexes
        )
        assert terms == chunks and orphans == 0
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return len(docs), chunks
    finally:
        con.close()


def test_kill_during_ingestion_then_resume(tmp_path: Path) -> None:
    data = tmp_path / "d"
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(24):
        (folder / f"doc{i:02d}.txt").write_text(
            "".join(PARAGRAPH.format(n=i * 10 + j) for j in range(4)), encoding="utf-8"
        )
    cli(data, "tenants", "create", "default")
    config = tmp_path / "siyada.toml"  # small batches, so the kill falls between two of them
    config.write_text("[knowledge]\ningest_batch_chunks = 4\n")
    cmd = [
        sys.executable,
        "-m",
        "siyada",
        "--data-dir",
        str(data),
        "--config",
        str(config),
        "ingest",
        str(folder),
        "--collection",
        "lois",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env())
    db = data / "siyada.db"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists():
            try:
                con = sqlite3.connect(db)
                n = con.execute("SELECT count(*) FROM documents").fetchone()[0]
                con.close()
            except sqlite3.OperationalError:
                n = 0
            if n >= 2:
                break
        time.sleep(0.05)
    assert proc.poll() is None, "ingestion finished before it could be killed; make the corpus larger"
    proc.kill()  # SIGKILL: no cleanup, no rollback handler
    proc.wait(10)
    partial, _ = _integrity(db)
    assert 2 <= partial < 24
    again = subprocess.run(cmd, capture_output=True, text=True, env=_env(), timeout=600)
    assert again.returncode == 0, again.stderr
    assert f"{partial} already there" in again.stdout
    total, chunks = _integrity(db)
    assert total == 24 and chunks >= 24
    third = subprocess.run(cmd, capture_output=True, text=True, env=_env(), timeout=600)
    assert "0 documents indexed" in third.stdout and "24 already there" in third.stdout
