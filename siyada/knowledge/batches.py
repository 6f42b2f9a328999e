"""Rewriting every chunk of a collection in batches, each its own transaction.

Re-embedding (siyada.knowledge.reindex) and rebuilding lexical terms (siyada.knowledge.lexical_rebuild)
both walk a collection's chunks by id and rewrite what was derived from their stored text. Batches keep
a transaction (and the memory of one batch's vectors or terms) bounded; the caller marks the collection
in progress before and current after, so a crash between two batches leaves it marked, never current.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyada.store.tables import chunks

# rewrite(conn, ids, texts): replace what is derived from these chunks, in the batch's transaction
Rewrite = Callable[[sa.Connection, list[int], list[str]], None]


def rewrite_chunks(
    engine: Engine,
    collection_id: int,
    batch_chunks: int,
    rewrite: Rewrite,
    on_progress: Callable[[int, int], None] | None = None,
) -> int:
    """Call `rewrite` on every chunk of the collection, `batch_chunks` at a time in id order; returns
    how many chunks. `on_progress(done, total)` after each batch."""
    with engine.connect() as conn:
        total = int(
            conn.execute(
                sa.select(sa.func.count()).select_from(chunks).where(chunks.c.collection_id == collection_id)
            ).scalar_one()
        )
    done, last = 0, 0
    while True:
        with engine.begin() as conn:
            rows = conn.execute(
                sa.select(chunks.c.id, chunks.c.text)
                .where(chunks.c.collection_id == collection_id, chunks.c.id > last)
                .order_by(chunks.c.id)
                .limit(batch_chunks)
            ).all()
            if not rows:
                break
            ids = [int(r[0]) for r in rows]
            rewrite(conn, ids, [str(r[1]) for r in rows])
        done, last = done + len(ids), ids[-1]
        if on_progress is not None:
            on_progress(done, total)
    return done
