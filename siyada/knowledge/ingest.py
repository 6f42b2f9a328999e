"""Ingestion: parse, optionally pseudonymise, chunk, analyse and embed a document, then store it in ONE
transaction with its chunks, lexical terms and vectors.

Crash safety comes from that single transaction: a kill at any point leaves the document either fully
indexed or absent. Idempotence comes from the document id, a hash of the collection and the content:
ingesting the same bytes again returns the stored document without work, so an interrupted bulk
ingestion is resumed by running it again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from siyada.knowledge import lexical, pgvector
from siyada.knowledge.chunk import Chunk, chunk
from siyada.knowledge.collections import bump_version, document_dict
from siyada.knowledge.parse import ParsedDocument, parse_many
from siyada.knowledge.vectors import Embedder, sentence_blob, to_blobs
from siyada.lang.analysis import index_terms
from siyada.lang.sentences import embedding_sentences
from siyada.store.tables import chunks, documents

EMBED_BATCH = 32
STORE_BATCH_CHUNKS = 256  # documents are written together up to this many chunks per transaction


@dataclass
class Prepared:
    """A document ready to be written: everything computed, nothing stored yet."""

    doc_id: str
    sha256: str
    name: str
    parsed: ParsedDocument
    text: str
    chunks: list[Chunk]
    terms: list[list[str]]
    vectors: list[bytes | None]
    sentence_vectors: list[bytes | None]
    metadata: dict[str, Any]
    pseudonymised: bool


@dataclass
class IngestResult:
    document: dict[str, Any]
    created: bool


def document_id(collection_id: int, sha256: str) -> str:
    return "doc_" + hashlib.sha256(f"{collection_id}:{sha256}".encode()).hexdigest()[:24]


def _existing(engine: Engine, doc_id: str) -> Any:
    with engine.connect() as conn:
        return conn.execute(sa.select(documents).where(documents.c.id == doc_id)).first()


def prepare(
    parsed: ParsedDocument,
    sha256: str,
    collection_id: int,
    name: str,
    metadata: dict[str, Any],
    pseudonymise: Callable[[str], str] | None,
) -> Prepared:
    """Chunk and analyse one document (vectors are added by `embed_all`, across documents)."""
    text = pseudonymise(parsed.text) if pseudonymise is not None else parsed.text
    if text != parsed.text:
        # Chunk offsets must refer to the text that is stored: the pseudonymised one.
        parsed = dataclasses.replace(parsed, text=text, sections=[], pages=[])
    pieces = chunk(parsed)
    return Prepared(
        doc_id=document_id(collection_id, sha256),
        sha256=sha256,
        name=name,
        parsed=parsed,
        text=text,
        chunks=pieces,
        terms=[index_terms(c.text) for c in pieces],
        vectors=[None] * len(pieces),
        sentence_vectors=[None] * len(pieces),
        metadata=metadata,
        pseudonymised=pseudonymise is not None,
    )


Progress = Callable[[str, int], None]  # (stage, count): "chunks" when chunked, "embedded" when embedded


def embed_all(
    docs: list[Prepared], embedder: Embedder, on_progress: Progress | None, sentence_vectors: bool = True
) -> None:
    """Vectors for every chunk of these documents (and for each sentence of a multi-sentence chunk when
    the model wants them), in batches that cross document boundaries (many small documents would
    otherwise cost one model call each)."""
    per_sentence = sentence_vectors and bool(getattr(embedder, "sentence_vectors", False))
    slots = [(d, i) for d in docs for i in range(len(d.chunks))]
    for lo in range(0, len(slots), EMBED_BATCH):
        batch = slots[lo : lo + EMBED_BATCH]
        texts = [d.chunks[i].text for d, i in batch]
        sentences = [embedding_sentences(t) if per_sentence else [t] for t in texts]
        extra = [s for group in sentences if len(group) > 1 for s in group]
        matrix = embedder.embed(texts + extra, "passage")
        at = len(texts)
        for (d, i), blob, group in zip(batch, to_blobs(matrix[: len(texts)]), sentences, strict=True):
            d.vectors[i] = blob
            if len(group) > 1:
                d.sentence_vectors[i] = sentence_blob(matrix[at : at + len(group)])
                at += len(group)
        if on_progress is not None:
            on_progress("embedded", len(batch))


def store(engine: Engine, collection_id: int, tenant_id: int, batch: list[Prepared]) -> list[IngestResult]:
    """Write prepared documents in one transaction: all of them, or (after a crash) none."""
    results = []
    with engine.begin() as conn:
        terms: list[tuple[int, int, list[str]]] = []  # indexed once for the batch: one term-count upsert
        for p in batch:
            found = conn.execute(sa.select(documents).where(documents.c.id == p.doc_id)).first()
            if found is not None:  # stored meanwhile by a concurrent ingestion
                results.append(IngestResult(document_dict(found), created=False))
                continue
            terms += _insert(conn, collection_id, tenant_id, p)
            row = conn.execute(sa.select(documents).where(documents.c.id == p.doc_id)).one()
            results.append(IngestResult(document_dict(row), created=True))
        lexical.add(conn, terms)
        if any(r.created for r in results):
            bump_version(conn, collection_id)
    return results


def _insert(
    conn: Connection, collection_id: int, tenant_id: int, p: Prepared
) -> list[tuple[int, int, list[str]]]:
    """Store the document, its chunks and their vectors; returns its chunks' lexical rows to index."""
    conn.execute(
        documents.insert().values(
            id=p.doc_id,
            collection_id=collection_id,
            tenant_id=tenant_id,
            name=p.name[:500],
            sha256=p.sha256,
            format=p.parsed.format,
            title=p.parsed.title[:500] if p.parsed.title else None,
            metadata=p.metadata or None,
            chars=len(p.text),
            chunks=len(p.chunks),
            pseudonymised=p.pseudonymised,
            created_at=time.time(),
        )
    )
    rows = [
        {
            "document_id": p.doc_id,
            "collection_id": collection_id,
            "idx": c.index,
            "start": c.start,
            "end": c.end,
            "text": c.text,
            "section": c.section[:500] if c.section else None,
            "page": c.page,
            "vector": v,
            "sentence_vectors": sv,
        }
        for c, v, sv in zip(p.chunks, p.vectors, p.sentence_vectors, strict=True)
    ]
    if not rows:
        return []
    result = conn.execute(chunks.insert().returning(chunks.c.id, sort_by_parameter_order=True), rows)
    ids = [r[0] for r in result]
    pgvector.add_vectors(conn, collection_id, ids, p.vectors)
    return [(cid, collection_id, t) for cid, t in zip(ids, p.terms, strict=True)]


def ingest_bytes(
    engine: Engine,
    collection: Any,
    data: bytes,
    filename: str,
    content_type: str | None = None,
    metadata: dict[str, Any] | None = None,
    embedder: Embedder | None = None,
    pseudonymise: Callable[[str], str] | None = None,
    on_progress: Progress | None = None,
    sentence_vectors: bool = True,
) -> list[IngestResult]:
    """Ingest a file (a JSONL file gives one document per record). Raises ParseError on bad input."""
    results: list[IngestResult] = []
    pending: list[Prepared] = []
    for n, parsed in enumerate(parse_many(data, filename, content_type)):
        record_meta = {**(metadata or {}), **(parsed.metadata or {})}
        sha = _identity(data, parsed, record_meta)
        found = _existing(engine, document_id(collection.id, sha))
        if found is not None:
            results.append(IngestResult(document_dict(found), created=False))
            continue
        name = f"{filename}#{n + 1}" if parsed.format == "jsonl" else filename
        pending.append(prepare(parsed, sha, collection.id, name, record_meta, pseudonymise))
        if on_progress is not None:
            on_progress("chunks", len(pending[-1].chunks))
        if sum(len(p.chunks) for p in pending) >= STORE_BATCH_CHUNKS:
            results += _flush(engine, collection, pending, embedder, on_progress, sentence_vectors)
            pending = []
    results += _flush(engine, collection, pending, embedder, on_progress, sentence_vectors)
    for r in results:
        r.document["collection"] = collection.name
    return results


def _flush(
    engine: Engine,
    collection: Any,
    pending: list[Prepared],
    embedder: Embedder | None,
    on_progress: Progress | None,
    sentence_vectors: bool,
) -> list[IngestResult]:
    if not pending:
        return []
    if embedder is not None:
        embed_all(pending, embedder, on_progress, sentence_vectors)
    return store(engine, collection.id, collection.tenant_id, pending)


def _identity(data: bytes, parsed: ParsedDocument, metadata: dict[str, Any]) -> str:
    """A file is identified by its bytes; a JSONL record by its own text and metadata."""
    if parsed.format != "jsonl":
        return hashlib.sha256(data).hexdigest()
    return hashlib.sha256(orjson.dumps([parsed.text, metadata], option=orjson.OPT_SORT_KEYS)).hexdigest()
