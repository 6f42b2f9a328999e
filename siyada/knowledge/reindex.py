"""Which version of its embedding model a collection's vectors come from, and re-embedding them.

A collection stores the name of its embedding model, but a model can change under the same name: an
upgrade that ships a new static model file (as on 2026-12-01) or another e5 build gives other vectors,
and query vectors of the new one searched against passages of the old one rank nonsense without any
error. So a model that can tell declares its vector ``space`` (a fingerprint of its weights), a
collection records the space its vectors were made in, and dense searches and ingestion refuse a
collection whose space is not the model's (409, `collection_needs_reindex`) until `reindex` has
re-embedded it. Lexical search is unaffected and stays available. Collections created before spaces
were recorded (NULL) are not checked.

Re-embedding runs in batches, each its own transaction, with the collection marked as in progress
(space "") from the first batch to the last: a crash or kill mid-way leaves it refused, never
half-searched, and running it again starts over.

A reindex also rebuilds the lexical terms of a collection whose analysis version is not this code's
(siyada.knowledge.lexical_rebuild), and re-embeds only what needs it: vectors of another (or an
unrecorded) space, unless asked to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyada.knowledge import pgvector
from siyada.knowledge.batches import rewrite_chunks
from siyada.knowledge.collections import KnowledgeError, bump_version
from siyada.knowledge.staleness import EMBEDDING_IN_PROGRESS
from siyada.knowledge.vectors import Embedder, embed_passages, space_of, wants_sentences
from siyada.store.tables import chunks, collections

IN_PROGRESS = EMBEDDING_IN_PROGRESS  # the space of a collection being re-embedded
BATCH_CHUNKS = 256


@dataclass(frozen=True)
class Reindexed:
    """What a reindex did: chunks re-embedded, chunks whose lexical terms were rebuilt (0: current)."""

    embedded: int
    analysed: int


def needs_embedding(collection: Any, model: Embedder) -> bool:
    """Whether the collection's vectors may not be `model`'s as it is now: another space, one not
    recorded (a collection made before spaces), an interrupted re-embedding, or a model without one."""
    current = space_of(model)
    return current is None or collection.embedding_space != current


def check_space(collection: Any, model: Embedder | None) -> None:
    """Refuse a collection whose vectors do not come from `model` as it is now."""
    stored, current = collection.embedding_space, space_of(model)
    if stored is None or current is None or stored == current:
        return
    why = (
        "is being re-embedded"
        if stored == IN_PROGRESS
        else f"was indexed with another version of {collection.embedding_model!r}"
    )
    raise KnowledgeError(
        f"collection {collection.name!r} {why}; run `siyada collections reindex {collection.name}`"
        " (lexical search still works)",
        409,
        "collection_needs_reindex",
        "collections",
    )


def reindex(
    engine: Engine,
    collection: Any,
    model: Embedder,
    sentence_vectors: bool = True,
    on_progress: Callable[[int, int], None] | None = None,
) -> int:
    """Re-embed every chunk of `collection` with `model`; returns how many. `on_progress(done, total)`."""
    per_sentence = wants_sentences(model, sentence_vectors)
    with engine.begin() as conn:
        _set_space(conn, collection.id, IN_PROGRESS)

    def reembed(conn: sa.Connection, ids: list[int], texts: list[str]) -> None:
        embedded = embed_passages(model, texts, per_sentence)
        conn.execute(
            chunks.update().where(chunks.c.id == sa.bindparam("cid")),
            [{"cid": i, "vector": v, "sentence_vectors": s} for i, (v, s) in zip(ids, embedded, strict=True)],
        )
        pgvector.replace_vectors(conn, collection.id, ids, [v for v, _ in embedded])
        bump_version(conn, collection.id)

    done = rewrite_chunks(engine, collection.id, BATCH_CHUNKS, reembed, on_progress)
    with engine.begin() as conn:
        _set_space(conn, collection.id, space_of(model))
    return done


def _set_space(conn: sa.Connection, collection_id: int, space: str | None) -> None:
    conn.execute(collections.update().where(collections.c.id == collection_id).values(embedding_space=space))
