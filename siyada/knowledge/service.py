"""The knowledge facade the API and the CLI use: collections, ingestion, search and grounded answers for
one tenant, with the tenant's privacy policy applied to documents (and to queries, so they still meet
pseudonymised text)."""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyada import telemetry
from siyada.knowledge import collections as store
from siyada.knowledge import lexical
from siyada.knowledge.ingest import (
    FileOutcome,
    IngestResult,
    KeyedPseudonymiser,
    Preparer,
    ReadFile,
    ingest_bytes,
    ingest_files,
    prepare_file,
)
from siyada.knowledge.lexical_rebuild import rebuild as rebuild_terms
from siyada.knowledge.parse import ParseLimits
from siyada.knowledge.pgvector import PgVectorIndex, has_pgvector
from siyada.knowledge.reindex import Reindexed, check_space, needs_embedding, reindex
from siyada.knowledge.rerank import RerankDepth, Reranker
from siyada.knowledge.search import MODES, Mode, Searcher
from siyada.knowledge.staleness import lexical_reason
from siyada.knowledge.vectors import Embedder, VectorCache, space_of
from siyada.privacy.policy import PrivacyGuard
from siyada.store.tables import collections as collection_rows

if TYPE_CHECKING:
    from siyada.config import KnowledgeConfig
    from siyada.workers import WorkerPool


class Knowledge:
    def __init__(
        self,
        engine: Engine,
        embedder_for: Callable[[str], Embedder | None],
        privacy: PrivacyGuard | None = None,
        default_embedding_model: str | None = "siyada-embed",
        sentence_vectors: bool = True,
        rerank_model: str | None = "siyada-embed",
        rerank_depth: RerankDepth | int = RerankDepth(),
        rerank_default: bool = False,
        batch_chunks: int | None = None,
        workers: WorkerPool | None = None,
        parse_limits: ParseLimits | None = None,
    ) -> None:
        self.engine = engine
        # Parsing and chunking run in the worker processes when given (the server), in-process when
        # not (the CLI: the operator's own files, no other tenant's requests to starve).
        prepare: Preparer = functools.partial(prepare_file, limits=parse_limits or ParseLimits())
        self.prepare: Preparer = functools.partial(workers.run, prepare) if workers else prepare
        # Ingestions wait for their worker and embed on these threads, never the default executor
        # that the request path's database calls use.
        self._ingesting = ThreadPoolExecutor(
            workers.size if workers else 1, thread_name_prefix="siyada-ingest"
        )
        self.embedder_for = embedder_for
        self.privacy = privacy
        self.default_embedding_model = default_embedding_model
        self.sentence_vectors = sentence_vectors  # for models that declare them (knowledge.vectors)
        self.batch_chunks = batch_chunks  # chunks per ingestion transaction (ingest.STORE_BATCH_CHUNKS)
        index = PgVectorIndex() if has_pgvector(engine) else VectorCache()
        depth = RerankDepth.fixed(rerank_depth) if isinstance(rerank_depth, int) else rerank_depth
        reranker = Reranker(rerank_model, embedder_for, depth, sentence_vectors) if rerank_model else None
        self.searcher = Searcher(engine, embedder_for, index, reranker, rerank_default)

    @classmethod
    def from_config(
        cls,
        engine: Engine,
        embedder_for: Callable[[str], Embedder | None],
        privacy: PrivacyGuard | None,
        config: KnowledgeConfig,
        workers: WorkerPool | None = None,
    ) -> Knowledge:
        """The facade as the server and the CLI build it, from the `[knowledge]` section."""
        return cls(
            engine,
            embedder_for,
            privacy,
            config.embedding_model,
            config.sentence_vectors,
            config.rerank_model,
            RerankDepth(config.rerank_depth, config.rerank_max_depth, config.rerank_chars),
            config.rerank,
            config.ingest_batch_chunks,
            workers,
            ParseLimits(max_pdf_pages=config.max_pdf_pages),
        )

    def warm(self) -> dict[str, float]:
        """At start: the lexical index's pages read into the OS cache and every collection's vectors
        loaded into memory, so the first searches wait on neither the disk nor a matrix load (at a
        million chunks: tens of seconds cold). Returns what it did, for logs and the scale bench."""
        t0 = time.perf_counter()
        read = lexical.preload(self.engine)
        t1 = time.perf_counter()
        loaded = 0
        if isinstance(self.searcher.cache, VectorCache):
            with self.engine.connect() as conn:
                ids = conn.execute(
                    sa.select(collection_rows.c.id).where(collection_rows.c.embedding_model.is_not(None))
                ).scalars()
                for cid in ids.all():
                    loaded += self.searcher.cache.matrix(conn, cid).count()
        t2 = time.perf_counter()
        return {
            "lexical_mb": round(read / 1e6, 1),
            "lexical_s": round(t1 - t0, 1),
            "vectors": loaded,
            "vectors_s": round(t2 - t1, 1),
        }

    def warm_lexical(self) -> int:
        """After a bulk ingestion: the champion lists of terms too common to rank in full, so searches
        do not compute them (siyada.knowledge.champions). Returns how many were computed."""
        return lexical.warm_champions(self.engine)

    def _pseudonymiser(self, tenant_id: int, tenant_name: str) -> KeyedPseudonymiser | None:
        """Keyed-hash placeholders (`<PERSON:3fa2…>`): the same person gets the same token in every
        document and query of the tenant, so search still works while no value is stored."""
        if self.privacy is None:
            return None
        policy = self.privacy.policy(tenant_name)
        if not policy.documents:
            return None
        return KeyedPseudonymiser(policy.threshold, policy.entities, self.privacy.keys.hash_key(tenant_id))

    def create_collection(
        self, tenant_id: int, name: str, description: str = "", embedding_model: str | None = ""
    ) -> dict[str, Any]:
        model = self.default_embedding_model if embedding_model == "" else embedding_model
        if model is not None and self.embedder_for(model) is None:
            raise store.KnowledgeError(
                f"embedding model {model!r} is not available here",
                404,
                "model_not_found",
                "embedding_model",
            )
        space = space_of(self.embedder_for(model)) if model is not None else None
        return store.create_collection(self.engine, tenant_id, name, description, model, space)

    def _ingestion_of(
        self, tenant_id: int, tenant_name: str, collection: str | int
    ) -> tuple[Any, Embedder | None, Callable[[str], str] | None]:
        """The collection written to, its embedding model, and the tenant's document pseudonymiser."""
        coll, embedder = self._collection_and_model(tenant_id, collection)
        check_space(coll, embedder)
        return coll, embedder, self._pseudonymiser(tenant_id, tenant_name)

    def _collection_and_model(self, tenant_id: int, collection: str | int) -> tuple[Any, Embedder | None]:
        with self.engine.connect() as conn:
            coll = store.require_collection(conn, tenant_id, collection)
        return coll, self.embedder_for(coll.embedding_model) if coll.embedding_model else None

    def ingest(
        self,
        tenant_id: int,
        tenant_name: str,
        collection: str | int,
        data: bytes,
        filename: str,
        content_type: str | None = None,
        metadata: dict[str, Any] | None = None,
        on_progress: Callable[[str, int], None] | None = None,
    ) -> list[IngestResult]:
        coll, embedder, pseudonymise = self._ingestion_of(tenant_id, tenant_name, collection)
        return ingest_bytes(
            self.engine,
            coll,
            data,
            filename,
            content_type,
            metadata,
            embedder,
            pseudonymise,
            on_progress,
            sentence_vectors=self.sentence_vectors,
            batch_chunks=self.batch_chunks,
            preparer=self.prepare,
        )

    async def ingest_async(
        self,
        tenant_id: int,
        tenant_name: str,
        collection: str | int,
        data: bytes,
        filename: str,
        content_type: str | None = None,
        metadata: dict[str, Any] | None = None,
        on_progress: Callable[[str, int], None] | None = None,
    ) -> list[IngestResult]:
        """`ingest` on the ingestion threads (the API): raises JobTooComplex for a file over the
        workers' limits, having stored nothing. `on_progress` hears the pages OCR reads and the chunks
        made and embedded, from an ingestion thread."""
        loop = asyncio.get_running_loop()
        work = functools.partial(
            self.ingest,
            tenant_id,
            tenant_name,
            collection,
            data,
            filename,
            content_type,
            metadata,
            on_progress,
        )
        # The span is held here, on the event loop: the executor's thread does not carry the context.
        with telemetry.span(
            "siyada.ingest", {"siyada.tenant_id": tenant_id, "siyada.bytes": len(data)}
        ) as span:
            results = await loop.run_in_executor(self._ingesting, work)
            telemetry.add(span, _ingest_attrs(results))
        return results

    def ingest_files(
        self,
        tenant_id: int,
        tenant_name: str,
        collection: str | int,
        files: Iterable[tuple[str, ReadFile]],
        metadata: dict[str, Any] | None = None,
        on_progress: Callable[[str, int], None] | None = None,
    ) -> Iterator[FileOutcome]:
        """Many files (name, reader), batched across files; each file's outcome in order (`siyada
        ingest` and the scale bench)."""
        coll, embedder, pseudonymise = self._ingestion_of(tenant_id, tenant_name, collection)
        return ingest_files(
            self.engine,
            coll,
            files,
            metadata,
            embedder,
            pseudonymise,
            on_progress,
            self.sentence_vectors,
            batch_chunks=self.batch_chunks,
            preparer=self.prepare,
        )

    def reindex(
        self,
        tenant_id: int,
        collection: str | int,
        on_progress: Callable[[int, int], None] | None = None,
        on_terms: Callable[[int, int], None] | None = None,
        reembed: bool = False,
    ) -> Reindexed:
        """Bring a collection up to this version: its lexical terms rebuilt when the analysis changed
        (siyada.knowledge.lexical_rebuild), its chunks re-embedded when its model changed or `reembed`
        (siyada.knowledge.reindex). `on_terms` / `on_progress` (done, total) follow each."""
        coll, model = self._collection_and_model(tenant_id, collection)
        if coll.embedding_model and model is None:
            raise store.KnowledgeError(
                f"collection {coll.name!r} has no embedding model available here", param="collection"
            )
        analysed = rebuild_terms(self.engine, coll, on_terms) if lexical_reason(coll) else 0
        embedded = 0
        if model is not None and (reembed or needs_embedding(coll, model)):
            embedded = reindex(self.engine, coll, model, self.sentence_vectors, on_progress)
        return Reindexed(embedded, analysed)

    def search(
        self,
        tenant_id: int,
        tenant_name: str,
        collections: Sequence[str | int],
        query: str,
        k: int = 10,
        mode: Mode | None = None,
        filters: dict[str, Any] | None = None,
        rerank: bool | None = None,
    ) -> list[dict[str, Any]]:
        pseudonymise = self._pseudonymiser(tenant_id, tenant_name)
        if pseudonymise is not None:
            query = pseudonymise(query)  # a short text: in-process
            if filters:  # stored metadata is pseudonymised: a filter on a real value must meet its hash
                filters = {k: _pseudonymised_filter(v, pseudonymise) for k, v in filters.items()}
        attrs = {"siyada.tenant_id": tenant_id, "siyada.collections": len(collections), "siyada.k": k}
        known = mode if mode in MODES else None  # unchecked yet: a span holds no text the caller chose
        with telemetry.span("siyada.retrieval", {**attrs, "siyada.mode": known}) as span:
            hits = self.searcher.search(tenant_id, collections, query, k, mode, filters, rerank)
            telemetry.add(span, {"siyada.hits": len(hits)})
        return hits


def _ingest_attrs(results: list[IngestResult]) -> dict[str, int]:
    """Counts only: an upload's name and text stay out of traces."""
    return {
        "siyada.documents": len(results),
        "siyada.documents_created": sum(r.created for r in results),
        "siyada.chunks": sum(int(r.document.get("chunks") or 0) for r in results),
    }


def _pseudonymised_filter(want: Any, pseudonymise: Callable[[str], str]) -> Any:
    if isinstance(want, str):
        return pseudonymise(want)
    if isinstance(want, list):
        return [pseudonymise(v) if isinstance(v, str) else v for v in want]
    return want
