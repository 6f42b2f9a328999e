"""Ingestion at scale and search latency, through Siyada's real ingestion and search code.

    .venv/bin/python bench/ingest_scale.py [CORPUS_DIR] [--embedding none|siyada-embed|siyada-embed-static]
        [--limit-files N] [--fill 1000000] [--queries 200] [--json OUT] [--database-url postgresql://...]

1. Ingests every ``*.txt`` of CORPUS_DIR (default ../shared/data/ma_law/text: 3,906 Moroccan legal
   texts, 91 MB) with `Knowledge.ingest`, as `siyada ingest` does, into a fresh SQLite store: wall
   time, documents, chunks, chunks/s, words/s (``\\w+`` tokens), MB/s and peak RSS.
2. Search latency at that size: ``--queries`` queries (3–6 consecutive words taken at random from the
   chunks, with a fixed seed, plus the same words as Darija Arabizi and French questions), each in
   lexical, semantic (if the collection has vectors) and hybrid mode, p50/p95 in ms after one warm-up.
3. ``--fill N``: the collection is filled up to N chunks with synthetic chunks (copies of the real
   chunks' stored index terms and vectors, the vectors jittered so no two are equal) written straight
   into the tables, then the latency is measured again. Filling is allowed to bypass analysis: it
   measures search at that size, not ingestion.

``--database-url``: the same on PostgreSQL (an empty database; with pgvector, vectors are searched in
its HNSW index, lexical terms in its tsvector table) instead of a fresh SQLite file. The fill then
writes `chunk_terms` (the source chunk's tsvector) and `chunk_vectors` too, with the HNSW index dropped
during the fill and built once after it (`--hnsw-after`, default on: an index updated row by row
at a million rows costs hours on two cores).

Embedding throughput through Siyada vs the same model called bare: during the ingestion, the time
spent in Siyada's embedding stage (`ingest.embed_all`: batching the chunks, the model calls, the vectors
turned into stored blobs) is summed, so the rate through Siyada is ``chunks / that time``. The same chunk
texts, in the same order (``--bare-embed N``: the first N; default all of them), are then embedded by a
fresh instance of the model called directly, in batches of 32, and the ratio of the two rates is
printed. (A fresh model on the same texts in the same order: the static model's word cache warms the
same way in both runs. The first version of this bench took the difference of two ingestion walls,
with and without vectors, which on this shared 2-core machine moved by ±10 s between identical runs,
and a bare sample of the first 2,000 chunks, whose cold cache made the bare rate depend on the sample.)
The corpus is also ingested into a second store without vectors, and the wall-time difference is
reported as the cost of dense indexing as a whole (including the vectors' storage).

``--paired``: a second, bare instance of the model (the twin) is called on every batch the ingestion
embeds, alternately just before and just after Siyada's call, and the ratio is the twin's time over
the embedding stage's own (the stage's time less the twin's). Both then run at the same moment, in the
same process and heap, on the same inputs: what is left is what Siyada adds around the model. (The
separate bare run above compares against a model alone in a quiet process; on the shared 2-core VM
three identical bare runs in one process took 12.3, 13.4 and 15.6 s, another process 17.9 s.) The
ingestion wall time of a paired run includes the twin's calls.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_CORPUS = ROOT.parent / "shared" / "data" / "ma_law" / "text"
_WORD = re.compile(r"\w+")


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _embedder(option: str, engine: Any) -> Any:
    """A fresh instance of the model the server loads under that name (the registry's own loaders)."""
    if option == "none":
        return None
    from siyada.config import FileConfig
    from siyada.gateway.registry import embedding_loaders, local_models

    cfg = FileConfig()
    return embedding_loaders(local_models(engine, cfg), cfg.embedded.threads)[option]()


def ingest(kn: Any, tenant: Any, files: list[Path], collection: str) -> dict[str, Any]:
    """Every file through `Knowledge.ingest_files`, as `siyada ingest` does (refused files counted)."""
    chunks = words = size = docs = refused = 0
    t0 = time.perf_counter()
    readers = [(path.name, path.read_bytes) for path in files]
    for n, (path, outcome) in enumerate(
        zip(files, kn.ingest_files(tenant.id, tenant.name, collection, readers), strict=True), 1
    ):
        if outcome.error is not None:
            refused += 1
            continue
        data = path.read_bytes()
        size += len(data)
        for r in outcome.results:
            docs += 1
            chunks += r.document["chunks"]
        words += len(_WORD.findall(data.decode("utf-8", "replace")))
        if n % 200 == 0:
            el = time.perf_counter() - t0
            print(f"  {n}/{len(files)} files, {chunks} chunks, {el:.0f}s", file=sys.stderr)
    t1 = time.perf_counter()
    kn.warm_lexical()  # as `siyada ingest` ends
    warm_s = time.perf_counter() - t1
    wall = time.perf_counter() - t0
    return {
        "files": len(files),
        "refused": refused,
        "documents": docs,
        "chunks": chunks,
        "mb": round(size / 1e6, 1),
        "wall_s": round(wall, 1),
        "champion_lists_s": round(warm_s, 1),
        "chunks_per_s": round(chunks / wall, 1),
        "words_per_s": round(words / wall),
        "mb_per_s": round(size / 1e6 / wall, 2),
        "peak_rss_mb": round(_rss_mb()),
    }


def _time_embedding_stage() -> list[float]:
    """Sum the seconds Siyada's ingestion spends in its embedding stage (wraps `ingest.embed_all`)."""
    from siyada.knowledge import ingest as stage

    spent = [0.0]
    real = stage.embed_all

    def timed(*args: Any, **kwargs: Any) -> None:
        t0 = time.perf_counter()
        try:
            real(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - t0

    stage.embed_all = timed  # type: ignore[assignment]
    return spent


class TimedModel:
    """The model as Siyada sees it, timing its own calls and counting the texts it embeds (chunks, and
    the sentences of multi-sentence chunks for a model with ``sentence_vectors``), so the embedding
    stage splits into the model's work and Siyada's."""

    def __init__(self, inner: Any, twin: Any = None) -> None:
        self.inner, self.dim, self.seconds, self.texts = inner, inner.dim, 0.0, 0
        self.sentence_vectors = getattr(inner, "sentence_vectors", False)
        self.reading = getattr(inner, "reading", None)
        self.twin, self.twin_seconds, self._calls = twin, 0.0, 0

    def embed(self, texts: list[str], input_type: str = "query") -> Any:
        paired = self.twin is not None and input_type == "passage"
        self._calls += 1
        twin_first = paired and self._calls % 2 == 0  # alternate, so neither always finds warm caches
        if twin_first:
            self._twin(texts)
        t0 = time.perf_counter()
        try:
            return self.inner.embed(texts, input_type)
        finally:
            self.seconds += time.perf_counter() - t0
            self.texts += len(texts) if input_type == "passage" else 0
            if paired and not twin_first:
                self._twin(texts)

    def _twin(self, texts: list[str]) -> None:
        """The same call on a second, bare instance of the model, at the same moment (`--paired`)."""
        t0 = time.perf_counter()
        self.twin.embed(texts, "passage")
        self.twin_seconds += time.perf_counter() - t0


def bare_embed(embedder: Any, texts: list[str]) -> float:
    """Chunks/s of the embedding model called directly on the same texts, in the same batches."""
    t0 = time.perf_counter()
    for lo in range(0, len(texts), 32):
        embedder.embed(texts[lo : lo + 32], "passage")
    return len(texts) / (time.perf_counter() - t0)


def make_queries(engine: Any, n: int, seed: int = 7) -> list[str]:
    import sqlalchemy as sa

    from siyada.lang.arabizi import to_latin
    from siyada.store.tables import chunks

    rng = random.Random(seed)
    with engine.connect() as conn:
        top = conn.execute(sa.select(sa.func.max(chunks.c.id))).scalar() or 0
        queries: list[str] = []
        while len(queries) < n and top:
            row = conn.execute(sa.select(chunks.c.text).where(chunks.c.id == rng.randint(1, top))).first()
            if row is None:
                continue
            words = _WORD.findall(row.text)
            if len(words) < 8:
                continue
            i = rng.randrange(0, len(words) - 6)
            phrase = " ".join(words[i : i + rng.randint(3, 6)])
            kind = len(queries) % 3
            if kind == 1:
                phrase = to_latin(phrase)  # the same words as Arabizi
            elif kind == 2:
                phrase = f"Quelles sont les conditions de {phrase} ?"
            queries.append(phrase)
    return queries


def latency(kn: Any, tenant: Any, collection: str, queries: list[str], modes: list[str]) -> dict[str, Any]:
    """p50/p95/max per mode; a mode ending in ``+rerank`` is that mode re-ranked by e5 (its first run
    over a store embeds every candidate not met before; run it again to time the stored vectors)."""
    out: dict[str, Any] = {}
    for mode in modes:
        base, rerank = mode.removesuffix("+rerank"), mode.endswith("+rerank")
        kn.search(tenant.id, tenant.name, [collection], queries[0], 10, base)  # warm-up (loads vectors)
        times = []
        for q in queries:
            t0 = time.perf_counter()
            kn.search(tenant.id, tenant.name, [collection], q, 10, base, rerank=rerank)
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        out[mode] = {
            "p50_ms": round(times[len(times) // 2], 2),
            "p95_ms": round(times[int(len(times) * 0.95) - 1], 2),
            "max_ms": round(times[-1], 2),
        }
    return out


def fill(engine: Any, collection_id: int, tenant_id: int, target: int, seed: int = 11) -> int:
    """Synthetic chunks up to `target`: copies of real chunks' terms and (jittered) vectors."""
    import numpy as np
    import sqlalchemy as sa

    from bench.fill_rows import add_fill_document, synthetic_rows
    from siyada.knowledge import lexical
    from siyada.knowledge.collections import bump_version
    from siyada.knowledge.fts5 import Tables
    from siyada.store.tables import chunks

    rng = np.random.default_rng(seed)
    with engine.begin() as conn:
        real = conn.execute(
            sa.select(chunks.c.id, chunks.c.text, chunks.c.vector).where(
                chunks.c.collection_id == collection_id
            )
        ).all()
        index = Tables(tenant_id).terms  # the tenant's lexical index
        terms = dict(conn.exec_driver_sql(f"SELECT rowid, terms FROM {index}").all())
        have = len(real)
        add_fill_document(conn, collection_id, tenant_id)
    added = 0
    batch = 20_000
    while have + added < target:
        n = min(batch, target - have - added)
        rows, sources = synthetic_rows(real, rng, n, collection_id, added)
        fts = [terms.get(src.id, "") for src in sources]
        with engine.begin() as conn:
            ids = [
                r[0]
                for r in conn.execute(
                    chunks.insert().returning(chunks.c.id, sort_by_parameter_order=True), rows
                )
            ]
            conn.exec_driver_sql(
                f"INSERT INTO {index} (rowid, terms, coll) VALUES (?, ?, ?)",
                [(i, t, f"c{collection_id}") for i, t in zip(ids, fts, strict=True)],
            )
            lexical.count_terms(conn, tenant_id, list(zip(ids, fts, strict=True)), +1)
            bump_version(conn, collection_id)
        added += n
        print(f"  filled {have + added}/{target} chunks", file=sys.stderr)
    return have + added


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--embedding", default="none", choices=["none", "siyada-embed", "siyada-embed-static"])
    ap.add_argument("--limit-files", type=int)
    ap.add_argument("--fill", type=int, help="fill the collection up to this many chunks, then measure again")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--query-seed", type=int, default=7)
    ap.add_argument(
        "--modes",
        help="comma-separated search modes to time, in this order (default: all the store has);"
        " MODE+rerank: re-ranked by e5",
    )
    ap.add_argument(
        "--no-warm",
        dest="warm",
        action="store_false",
        help="with --latency-only: skip the server's start-up warm-up (Knowledge.warm) before timing",
    )
    ap.add_argument(
        "--paired",
        action="store_true",
        help="time a bare twin of the model on every call of the ingestion, alternately before and after"
        " Siyada's (the ratio then shares the moment and the process; ingestion figures include the twin)",
    )
    ap.add_argument(
        "--bare-embed", type=int, default=-1, help="chunks embedded bare for the ratio (-1: all, 0: skip)"
    )
    ap.add_argument("--json", type=Path)
    ap.add_argument("--fill-queries", type=int, help="time only the first N queries after the fill")
    ap.add_argument("--database-url", help="an empty PostgreSQL database instead of a fresh SQLite file")
    ap.add_argument("--keep", type=Path, help="use this folder for the store (kept afterwards)")
    ap.add_argument(
        "--latency-only", action="store_true", help="measure search on the store --keep holds, no ingestion"
    )
    a = ap.parse_args()

    from siyada.governance.tenants import create_tenant
    from siyada.knowledge.service import Knowledge
    from siyada.store.db import open_store

    files = sorted(a.corpus.glob("*.txt"))[: a.limit_files]
    tmp = tempfile.TemporaryDirectory()
    folder = a.keep or Path(tmp.name)
    folder.mkdir(parents=True, exist_ok=True)
    engine = open_store(a.database_url or f"sqlite:///{folder / 'scale.db'}")
    embedder = _embedder(a.embedding, engine)
    twin = _embedder(a.embedding, engine) if a.paired else None
    embedder = TimedModel(embedder, twin) if embedder is not None else None
    model = None if a.embedding == "none" else a.embedding
    models: dict[str, Any] = {model: embedder} if model else {}

    def model_for(name: str) -> Any:
        if name not in models and name == "siyada-embed":  # the re-ranker, loaded when a mode wants it
            models[name] = _embedder(name, engine)
        return models.get(name)

    kn = Knowledge(engine, model_for, None, model)
    if a.latency_only:
        from siyada.governance.tenants import get_tenant

        tenant = get_tenant(engine, "bench")
        modes = a.modes.split(",") if a.modes else ["lexical"] + (["semantic", "hybrid"] if embedder else [])
        queries = make_queries(engine, a.queries, a.query_seed)
        warmed = kn.warm() if a.warm else None  # as the server does at start
        t0 = time.perf_counter()
        kn.search(tenant.id, tenant.name, ["law"], queries[0], 10, modes[-1].removesuffix("+rerank"))
        load = time.perf_counter() - t0
        with engine.connect() as conn:
            size = conn.exec_driver_sql("SELECT count(*) FROM chunks").scalar()
        timed = latency(kn, tenant, "law", queries, modes)
        print(json.dumps({"warm": warmed, "first_search_s": round(load, 1), str(size): timed}))
        return
    tenant = create_tenant(engine, "bench")
    coll = kn.create_collection(tenant.id, "law")
    spent = _time_embedding_stage()
    result: dict[str, Any] = {"embedding": a.embedding, "ingest": ingest(kn, tenant, files, "law")}
    print(json.dumps(result["ingest"]), file=sys.stderr)
    if embedder is not None and a.paired:
        stage = spent[0] - embedder.twin_seconds  # the stage without the twin's calls inside it
        result["paired"] = {
            "note": "ingestion figures include the twin's calls",
            "siyada_stage_s": round(stage, 1),
            "model_calls_in_stage_s": round(embedder.seconds, 1),
            "bare_twin_s": round(embedder.twin_seconds, 1),
            "siyada_vs_bare": round(embedder.twin_seconds / stage, 3),
        }
        a.bare_embed = 0
    if embedder is not None and a.bare_embed:
        import sqlalchemy as sa

        from siyada.store.tables import chunks

        plain = open_store(f"sqlite:///{folder / 'lexical.db'}")
        owner = create_tenant(plain, "bench")
        lexical_kn = Knowledge(plain, lambda name: None, None, None)
        lexical_kn.create_collection(owner.id, "law")
        without = ingest(lexical_kn, owner, files, "law")
        plain.dispose()
        query = sa.select(chunks.c.text).order_by(chunks.c.id)
        with engine.connect() as conn:
            texts = [r[0] for r in conn.execute(query if a.bare_embed < 0 else query.limit(a.bare_embed))]
        bare = bare_embed(_embedder(a.embedding, engine), texts)  # a fresh model, the same texts in order
        through = result["ingest"]["chunks"] / spent[0]
        result["lexical_only_wall_s"] = without["wall_s"]
        result["dense_indexing_extra_s"] = round(result["ingest"]["wall_s"] - without["wall_s"], 1)
        result["embedding_stage_s"] = round(spent[0], 1)
        result["model_calls_in_stage_s"] = round(embedder.seconds, 1)
        result["texts_embedded"] = embedder.texts  # chunks, plus sentences for sentence-vector models
        result["embedding_through_siyada_chunks_per_s"] = round(through, 1)
        result["bare_embed_chunks"] = len(texts)
        result["bare_embed_chunks_per_s"] = round(bare, 1)
        result["siyada_vs_bare"] = round(through / bare, 3)
    modes = a.modes.split(",") if a.modes else ["lexical"] + (["semantic", "hybrid"] if embedder else [])
    queries = make_queries(engine, a.queries)
    result["latency"] = {str(result["ingest"]["chunks"]): latency(kn, tenant, "law", queries, modes)}
    if a.json:  # the figures so far, in case the fill does not finish
        a.json.write_text(json.dumps(result, indent=2))
    if a.fill:
        from bench.pg_fill import fill_pg

        filler = fill_pg if engine.dialect.name == "postgresql" else fill
        t0 = time.perf_counter()
        total = filler(engine, coll["id"], tenant.id, a.fill)
        result["fill_s"] = round(time.perf_counter() - t0, 1)
        t0 = time.perf_counter()
        result["fill_champion_lists"] = kn.warm_lexical()
        result["fill_champion_lists_s"] = round(time.perf_counter() - t0, 1)
        if a.json:
            a.json.write_text(json.dumps(result, indent=2))
        some = queries[: a.fill_queries] if a.fill_queries else queries
        result["latency"][str(total)] = latency(kn, tenant, "law", some, modes)
    result["peak_rss_mb"] = round(_rss_mb())
    print(json.dumps(result, indent=2))
    if a.json:
        a.json.write_text(json.dumps(result, indent=2))
    engine.dispose()


if __name__ == "__main__":
    main()
