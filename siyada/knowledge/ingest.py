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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from siyada import progress
from siyada.knowledge import lexical, pgvector
from siyada.knowledge.chunk import Chunk, chunk
from siyada.knowledge.collections import KnowledgeError, bump_version, document_dict
from siyada.knowledge.ocr.layout import without_image
from siyada.knowledge.ocr.store import add_pages
from siyada.knowledge.parse import MalformedDocument, ParsedDocument, ParseError, ParseLimits, parse_many
from siyada.knowledge.vectors import Embedder, embed_passages, wants_sentences
from siyada.lang.analysis import index_terms
from siyada.lang.bidi import neutralise
from siyada.privacy.operators import detect, keyed_hash
from siyada.privacy.shield import map_strings
from siyada.store.tables import chunks, documents
from siyada.workers import JobTooComplex

EMBED_BATCH = 32
EMPTY_FILE = "The file is empty"
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
    if pseudonymise is not None:
        name, parsed, metadata = pseudonymise_labels(name, parsed, metadata, pseudonymise)
    text = pseudonymise(parsed.text) if pseudonymise is not None else parsed.text
    unchanged = text == parsed.text
    if not unchanged:
        # Chunk offsets must refer to the text that is stored: the pseudonymised one.
        parsed = dataclasses.replace(parsed, text=text, sections=[], pages=[])
    if pseudonymise is not None and parsed.ocr_pages:
        # A page image shows what pseudonymisation removed from the text: never kept; word offsets
        # only while the text is the one they point into.
        parsed = dataclasses.replace(
            parsed, ocr_pages=[without_image(p, unchanged) for p in parsed.ocr_pages]
        )
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


def pseudonymise_labels(
    name: str, parsed: ParsedDocument, metadata: dict[str, Any], pseudonymise: Callable[[str], str]
) -> tuple[str, ParsedDocument, dict[str, Any]]:
    """What is stored beside the text, pseudonymised like it: the document's name, its title, and every
    string of its metadata (the caller's and the parser's: a DOCX author, PDF producer fields...)."""
    title = pseudonymise(parsed.title) if parsed.title else parsed.title
    if title != parsed.title:
        parsed = dataclasses.replace(parsed, title=title)
    # File names join words with underscores, which hide a value from the analyser's word boundaries.
    spaced = name.replace("_", " ")
    named = pseudonymise(spaced)
    return (name if named == spaced else named), parsed, map_strings(metadata, pseudonymise)


@dataclass(frozen=True)
class KeyedPseudonymiser:
    """Keyed-hash placeholders (`<PERSON:3fa2…>`) for the detected personal data of a text: a picklable
    callable, so that a worker process can apply it."""

    threshold: float
    entities: frozenset[str] | None
    key: bytes

    def __call__(self, text: str) -> str:
        return keyed_hash(text, detect(text, self.threshold, self.entities), self.key)[0]


# (stage, count) increments: "pages_total" and "pages" as OCR announces and reads pages (siyada.progress),
# "chunks" when chunked, "embedded" when embedded.
Progress = Callable[[str, int], None]


def embed_all(
    docs: list[Prepared], embedder: Embedder, on_progress: Progress | None, sentence_vectors: bool = True
) -> None:
    """Vectors for every chunk of these documents (and for each sentence of a multi-sentence chunk when
    the model wants them), in batches that cross document boundaries (many small documents would
    otherwise cost one model call each)."""
    per_sentence = wants_sentences(embedder, sentence_vectors)
    slots = [(d, i) for d in docs for i in range(len(d.chunks))]
    for lo in range(0, len(slots), EMBED_BATCH):
        batch = slots[lo : lo + EMBED_BATCH]
        embedded = embed_passages(embedder, [d.chunks[i].text for d, i in batch], per_sentence)
        for (d, i), (blob, sentences) in zip(batch, embedded, strict=True):
            d.vectors[i], d.sentence_vectors[i] = blob, sentences
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
        lexical.add(conn, tenant_id, terms)
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
            # Names and titles come from files: direction overrides are removed, never refused, so
            # that `a\u202etxt.exe` is stored as what it is and an upload never fails for it.
            name=(neutralise(p.name) or "upload")[:500],
            sha256=p.sha256,
            format=p.parsed.format,
            title=neutralise(p.parsed.title or "")[:500] or None,
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
    add_pages(conn, p.doc_id, p.parsed.ocr_pages)
    if not rows:
        return []
    result = conn.execute(chunks.insert().returning(chunks.c.id, sort_by_parameter_order=True), rows)
    ids = [r[0] for r in result]
    pgvector.add_vectors(conn, collection_id, ids, p.vectors)
    return [(cid, collection_id, t) for cid, t in zip(ids, p.terms, strict=True)]


def prepare_file(
    data: bytes,
    filename: str,
    content_type: str | None,
    metadata: dict[str, Any] | None,
    pseudonymise: Callable[[str], str] | None,
    collection_id: int,
    limits: ParseLimits | None = None,
    on_progress: Progress | None = None,
) -> list[Prepared]:
    """Parse a file and chunk and analyse each of its documents: the CPU-heavy part of ingestion, with
    no database access, so that the server runs it in a worker process (siyada.workers, which hears the
    pages OCR reads itself); in-process, `on_progress` hears them."""
    if on_progress is not None:
        with progress.reporting(on_progress):
            return prepare_file(data, filename, content_type, metadata, pseudonymise, collection_id, limits)
    prepared: list[Prepared] = []
    docs = parse_many(data, filename, content_type, limits or ParseLimits())
    for n, parsed in enumerate(docs):
        record_meta = {**(metadata or {}), **(parsed.metadata or {})}
        sha = _identity(data, parsed, record_meta, n)
        name = f"{filename}#{n + 1}" if parsed.format == "jsonl" else filename
        if parsed.parent is not None:  # a mail's attachment: named after its file, linked to the mail
            name = str(record_meta.get("attachment") or name)
        prepared.append(prepare(parsed, sha, collection_id, name, record_meta, pseudonymise))
    _link_attachments(docs, prepared)
    return prepared


def _link_attachments(docs: list[ParsedDocument], prepared: list[Prepared]) -> None:
    """A mail's attachments point at it (`parent`) and the mail lists them (`attachment_ids`): set after
    pseudonymisation, which must not rewrite document ids."""
    children: dict[int, list[str]] = {}
    for parsed, p in zip(docs, prepared, strict=True):
        if parsed.parent is not None:
            p.metadata = {**p.metadata, "parent": prepared[parsed.parent].doc_id}
            children.setdefault(parsed.parent, []).append(p.doc_id)
    for index, ids in children.items():
        prepared[index].metadata = {**prepared[index].metadata, "attachment_ids": ids}


class Preparer(Protocol):
    """Runs `prepare_file` (in-process, or in a worker process with limits); same arguments and result,
    its OCR page reports handed to `on_progress`."""

    def __call__(
        self,
        data: bytes,
        filename: str,
        content_type: str | None,
        metadata: dict[str, Any] | None,
        pseudonymise: Callable[[str], str] | None,
        collection_id: int,
        /,
        *,
        on_progress: Progress | None = None,
    ) -> list[Prepared]: ...


@dataclass
class FileOutcome:
    """What became of one file of a bulk ingestion: its documents, or why it was refused."""

    name: str
    results: list[IngestResult]
    error: Exception | None = None


ReadFile = Callable[[], bytes]


def ingest_files(
    engine: Engine,
    collection: Any,
    files: Iterable[tuple[str, ReadFile]],
    metadata: dict[str, Any] | None = None,
    embedder: Embedder | None = None,
    pseudonymise: Callable[[str], str] | None = None,
    on_progress: Progress | None = None,
    sentence_vectors: bool = True,
    content_type: str | None = None,
    batch_chunks: int | None = None,
    preparer: Preparer = prepare_file,
) -> Iterator[FileOutcome]:
    """Ingest files (name, reader) in order, yielding each file's outcome, in order, once all its
    documents are stored. Documents of consecutive files are embedded and written together, up to
    ``STORE_BATCH_CHUNKS`` chunks a transaction: many small files would otherwise cost a transaction
    and a short model call each, and the model, run between the analyses of small files, loses its
    caches (the static model embedded 25 % slower so; docs/benchmarks.md). A file that cannot be read
    or parsed is reported with its error (what of it was already written stays); a kill loses at most
    the batch being written, whole documents. `batch_chunks` overrides ``STORE_BATCH_CHUNKS``;
    `preparer` runs the parsing and chunking (in a worker process in the server)."""
    limit = batch_chunks or STORE_BATCH_CHUNKS
    pending: list[Prepared] = []
    waiting: list[_Waiting] = []  # files with documents not yet stored, in order
    for name, read in files:
        current = _Waiting(FileOutcome(name, []))
        waiting.append(current)
        try:
            data = read()
            for item in _documents(
                engine, collection, data, name, content_type, metadata, pseudonymise, preparer, on_progress
            ):
                if isinstance(item, IngestResult):
                    current.outcome.results.append(item)
                    continue
                pending.append(item)
                current.pending += 1
                if on_progress is not None:
                    on_progress("chunks", len(item.chunks))
                if sum(len(p.chunks) for p in pending) >= limit:
                    _flush_into(engine, collection, pending, waiting, embedder, on_progress, sentence_vectors)
                    pending = []
                    yield from (w.outcome for w in waiting[:-1])
                    waiting = waiting[-1:]
        except (ParseError, KnowledgeError, OSError, JobTooComplex) as exc:
            del pending[len(pending) - current.pending :]  # its documents not yet written are dropped
            current.pending = 0
            current.outcome.error = exc
    _flush_into(engine, collection, pending, waiting, embedder, on_progress, sentence_vectors)
    yield from (w.outcome for w in waiting)


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
    batch_chunks: int | None = None,
    preparer: Preparer = prepare_file,
) -> list[IngestResult]:
    """Ingest a file (a JSONL file gives one document per record). Raises ParseError on bad input,
    JobTooComplex when the preparer's worker went over its limits (nothing is stored then)."""
    files = [(filename, lambda: data)]
    args = (metadata, embedder, pseudonymise, on_progress, sentence_vectors, content_type, batch_chunks)
    (outcome,) = list(ingest_files(engine, collection, files, *args, preparer=preparer))
    if outcome.error is not None:
        raise outcome.error
    return outcome.results


def _documents(
    engine: Engine,
    collection: Any,
    data: bytes,
    filename: str,
    content_type: str | None,
    metadata: dict[str, Any] | None,
    pseudonymise: Callable[[str], str] | None,
    preparer: Preparer,
    on_progress: Progress | None,
) -> Iterator[Prepared | IngestResult]:
    """Each document of the file, chunked and analysed, or its stored result when already there."""
    if not data:  # refused here, so the API, the CLI and the web app answer alike
        raise MalformedDocument(EMPTY_FILE)
    found = _existing(engine, document_id(collection.id, hashlib.sha256(data).hexdigest()))
    if found is not None:  # these very bytes were stored: no parsing (JSONL records are looked up below)
        yield IngestResult(_named(document_dict(found), collection), created=False)
        yield from _attached(engine, collection, found)
        return
    prepared = preparer(
        data, filename, content_type, metadata, pseudonymise, collection.id, on_progress=on_progress
    )
    for p in prepared:
        found = _existing(engine, p.doc_id)
        if found is not None:
            yield IngestResult(_named(document_dict(found), collection), created=False)
            continue
        yield p


def _attached(engine: Engine, collection: Any, mail: Any) -> Iterator[IngestResult]:
    """A stored mail's attachments' documents, in the order they were first stored (depth first)."""
    seen = {mail.id}  # `attachment_ids` can also be an uploader's own metadata: never loop on it
    stack = [iter(_children(engine, collection, mail))]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        if child.id in seen:
            continue
        seen.add(child.id)
        yield IngestResult(_named(document_dict(child), collection), created=False)
        stack.append(iter(_children(engine, collection, child)))


def _children(engine: Engine, collection: Any, row: Any) -> list[Any]:
    ids = (row.metadata or {}).get("attachment_ids", []) if row.format == "eml" else []
    if not isinstance(ids, list):
        return []
    found = (_existing(engine, str(i)) for i in ids[:1000])
    # Only documents of the same collection, whatever the metadata says.
    return [c for c in found if c is not None and c.collection_id == collection.id]


@dataclass
class _Waiting:
    outcome: FileOutcome
    pending: int = 0  # its documents among the pending ones (the last of them)


def _flush_into(
    engine: Engine,
    collection: Any,
    pending: list[Prepared],
    waiting: list[_Waiting],
    embedder: Embedder | None,
    on_progress: Progress | None,
    sentence_vectors: bool,
) -> None:
    """Store the pending documents and hand each waiting file its results, in order."""
    stored = iter(_flush(engine, collection, pending, embedder, on_progress, sentence_vectors))
    for w in waiting:
        w.outcome.results += [next(stored) for _ in range(w.pending)]
        w.pending = 0


def _named(document: dict[str, Any], collection: Any) -> dict[str, Any]:
    document["collection"] = collection.name
    return document


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
    results = store(engine, collection.id, collection.tenant_id, pending)
    for r in results:
        _named(r.document, collection)
    return results


def _identity(data: bytes, parsed: ParsedDocument, metadata: dict[str, Any], n: int = 0) -> str:
    """A file is identified by its bytes; a JSONL record by its own text and metadata; the n-th document
    found in a mail by the mail's bytes and n (the same attachment in two mails is two documents, each
    linked to its mail)."""
    if parsed.format == "jsonl" and parsed.parent is None:
        return hashlib.sha256(orjson.dumps([parsed.text, metadata], option=orjson.OPT_SORT_KEYS)).hexdigest()
    if n == 0:
        return hashlib.sha256(data).hexdigest()
    return hashlib.sha256(hashlib.sha256(data).digest() + f":{n}".encode()).hexdigest()
