"""Rebuilding a collection's lexical terms after the analysis changed (siyada.lang.analysis).

Terms are stored as the analysis made them at ingestion, while queries are analysed as the code runs
now: after an upgrade that changes the terms (the digit split "27من" → "27 من"), a collection's old
terms silently stop meeting the queries that should find them. So a collection records the
``ANALYSIS_VERSION`` its terms came from, and `siyada collections reindex` re-analyses the text of every
chunk of one that differs (the chunk text is stored: nothing is re-parsed). Until then lexical search on
it keeps working with its old terms (degraded, not refused), and the listing and the server's start say
it needs a reindex.

Like re-embedding (siyada.knowledge.reindex): batches, each its own transaction (the index rows of its
chunks replaced, term counts included), with the collection marked in progress (version 0) from the
first batch to the last; a crash or kill mid-way leaves it marked, never reported current with a mix of
old and new terms, and running it again starts over.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyada.knowledge import lexical
from siyada.knowledge.batches import rewrite_chunks
from siyada.knowledge.champions import champions
from siyada.knowledge.fts5 import Tables, exists
from siyada.knowledge.staleness import LEXICAL_IN_PROGRESS, lexical_reason
from siyada.lang.analysis import ANALYSIS_VERSION, index_terms
from siyada.store.tables import collections, tenants

BATCH_CHUNKS = 512


def rebuild(engine: Engine, collection: Any, on_progress: Callable[[int, int], None] | None = None) -> int:
    """Re-analyse every chunk of `collection` and replace its lexical terms; returns how many chunks.
    `on_progress(done, total)` after each batch."""
    tenant_id = int(collection.tenant_id)
    with engine.begin() as conn:
        _set_version(conn, collection.id, LEXICAL_IN_PROGRESS)

    def reanalyse(conn: sa.Connection, ids: list[int], texts: list[str]) -> None:
        lexical.delete(conn, tenant_id, ids)
        lexical.add(
            conn,
            tenant_id,
            [(i, int(collection.id), index_terms(t)) for i, t in zip(ids, texts, strict=True)],
        )

    done = rewrite_chunks(engine, collection.id, BATCH_CHUNKS, reanalyse, on_progress)
    with engine.begin() as conn:
        _forget_champions(conn, tenant_id)
        _set_version(conn, collection.id, ANALYSIS_VERSION)
    return done


def _forget_champions(conn: sa.Connection, tenant_id: int) -> None:
    """A common term's champion list may name chunks by their old terms: dropped, recomputed on need."""
    if conn.dialect.name == "sqlite" and exists(conn, tenant_id):
        conn.exec_driver_sql(f"DELETE FROM {Tables(tenant_id).champions}")
    champions.forget(tenant_id)


def _set_version(conn: sa.Connection, collection_id: int, version: int) -> None:
    where = collections.c.id == collection_id
    conn.execute(collections.update().where(where).values(lexical_version=version))


def outdated(engine: Engine) -> list[tuple[str, str, str]]:
    """(tenant, collection, reason) for every collection whose terms are not the analysis's as it is now
    (what the server warns about at start)."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(tenants.c.name.label("tenant"), collections)
            .join(tenants, tenants.c.id == collections.c.tenant_id)
            .where(
                sa.or_(
                    collections.c.lexical_version.is_(None), collections.c.lexical_version != ANALYSIS_VERSION
                )
            )
            .order_by(tenants.c.name, collections.c.name)
        ).all()
    return [(str(r.tenant), str(r.name), lexical_reason(r) or "") for r in rows]
