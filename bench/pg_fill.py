"""`bench/ingest_scale.py --fill` on PostgreSQL: synthetic chunks written with their tsvector rows and
pgvector rows, the HNSW index dropped during the fill and built once after it."""

from __future__ import annotations

import sys
import time
from typing import Any


def fill_pg(engine: Any, collection_id: int, tenant_id: int, target: int, seed: int = 11) -> int:
    """`fill` on PostgreSQL: chunks, their tsvector rows and pgvector rows, in batches."""
    import numpy as np
    import sqlalchemy as sa

    from bench.fill_rows import add_fill_document, synthetic_rows
    from siyada.knowledge import pgvector
    from siyada.knowledge.collections import bump_version
    from siyada.store.tables import chunks

    rng = np.random.default_rng(seed)
    with engine.begin() as conn:
        real = conn.execute(
            sa.select(chunks.c.id, chunks.c.text, chunks.c.vector).where(
                chunks.c.collection_id == collection_id
            )
        ).all()
        add_fill_document(conn, collection_id, tenant_id)
        dims = {len(r.vector) // 4 for r in real if r.vector is not None}
        # One build at the end instead of a graph insertion per row (hours at a million on two cores).
        for d in dims:
            conn.execute(sa.text(f"DROP INDEX IF EXISTS ix_chunk_vectors_hnsw_{d}"))
    have = len(real)
    added = 0
    batch = 10_000
    t0 = time.perf_counter()
    while have + added < target:
        n = min(batch, target - have - added)
        rows, sources = synthetic_rows(real, rng, n, collection_id, added)
        vecs = [r["vector"] for r in rows]
        src_ids = [int(src.id) for src in sources]
        with engine.begin() as conn:
            ids = [
                r[0]
                for r in conn.execute(
                    chunks.insert().returning(chunks.c.id, sort_by_parameter_order=True), rows
                )
            ]
            conn.execute(
                sa.text(
                    "INSERT INTO chunk_terms (chunk_id, collection_id, tsv) SELECT x.new, :coll, t.tsv"
                    " FROM unnest(CAST(:new AS int[]), CAST(:src AS int[])) AS x(new, src)"
                    " JOIN chunk_terms t ON t.chunk_id = x.src"
                ),
                {"coll": collection_id, "new": ids, "src": src_ids},
            )
            if pgvector.has_pgvector(engine):
                raw = conn.connection.driver_connection
                with raw.cursor().copy(  # type: ignore[union-attr]
                    "COPY chunk_vectors (chunk_id, collection_id, dims, embedding) FROM STDIN"
                ) as copy:
                    for i, b in zip(ids, vecs, strict=True):
                        if b:
                            vec = np.frombuffer(b, dtype="<f4")
                            copy.write_row((i, collection_id, len(vec), pgvector._literal(vec)))
            bump_version(conn, collection_id)
        added += n
        el = time.perf_counter() - t0
        print(f"  filled {have + added}/{target} chunks, {el:.0f}s", file=sys.stderr, flush=True)
    if pgvector.has_pgvector(engine):
        t1 = time.perf_counter()
        pgvector._indexed_dims.clear()
        with engine.begin() as conn:
            conn.execute(sa.text("SET LOCAL maintenance_work_mem = '3GB'"))
            for d in dims:
                pgvector._ensure_index(conn, d)
        print(f"  HNSW built in {time.perf_counter() - t1:.0f}s", file=sys.stderr, flush=True)
    with engine.begin() as conn:
        conn.execute(sa.text("ANALYZE"))
    return have + added
