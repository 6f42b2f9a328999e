"""How long `siyada collections reindex` takes to rebuild a collection's lexical terms after an analysis
change (siyada.knowledge.lexical_rebuild), against ingesting the same texts.

    .venv/bin/python -m bench.lexical_rebuild [CORPUS_DIR] [--limit-files 300] [--database-url URL]

Ingests the first ``--limit-files`` ``*.txt`` of CORPUS_DIR (default ../shared/data/ma_law/text) into a
fresh lexical-only collection, marks it as made before analysis versions, then times `Knowledge.reindex`
(which rebuilds the terms only: no embedding model; the analysis caches emptied first, as in a fresh
process): chunks, MB of chunk text, seconds, chunks/s, MB/s,
and the ingestion's wall for scale. A second reindex must find nothing to do.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from siyada.governance.tenants import create_tenant
from siyada.knowledge.service import Knowledge
from siyada.lang import analysis
from siyada.store.db import open_store
from siyada.store.tables import chunks, collections

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "ma_law" / "text"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--limit-files", type=int, default=300)
    ap.add_argument("--database-url")
    args = ap.parse_args()
    files = sorted(args.corpus.glob("*.txt"))[: args.limit_files]
    with tempfile.TemporaryDirectory() as tmp:
        engine = open_store(args.database_url or f"sqlite:///{tmp}/b.db")
        tid = create_tenant(engine, "bench").id
        kn = Knowledge(engine, {}.get, None, None, rerank_model=None)
        kn.create_collection(tid, "c", embedding_model=None)
        t0 = time.perf_counter()
        for _ in kn.ingest_files(tid, "bench", "c", [(f.name, f.read_bytes) for f in files]):
            pass
        ingest_s = time.perf_counter() - t0
        with engine.begin() as conn:
            conn.execute(collections.update().values(lexical_version=None))
            n, chars = conn.execute(
                sa.select(sa.func.count(), sa.func.sum(sa.func.length(chunks.c.text)))
            ).one()
        analysis._cache.clear()  # as a fresh `siyada collections reindex` process starts: cold caches
        analysis._transliterations.cache_clear()
        t0 = time.perf_counter()
        done = kn.reindex(tid, "c")
        rebuild_s = time.perf_counter() - t0
        again = kn.reindex(tid, "c")
    mb = (chars or 0) / 1e6  # characters, about bytes/1.6 for Arabic UTF-8
    print(
        json.dumps(
            {
                "files": len(files),
                "chunks": int(n),
                "text_mchars": round(mb, 2),
                "ingest_s": round(ingest_s, 1),
                "rebuild_s": round(rebuild_s, 1),
                "rebuild_chunks_per_s": round(done.analysed / rebuild_s),
                "rebuild_mchars_per_s": round(mb / rebuild_s, 2),
                "second_reindex_did": [again.analysed, again.embedded],
            }
        )
    )


if __name__ == "__main__":
    main()
