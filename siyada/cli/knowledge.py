"""`siyada ingest`, `siyada search` and `siyada collections`: the knowledge store from the command line.

Ingestion is resumable: each document is stored in one transaction and identified by its content, so
running the same command again after an interruption skips what is already indexed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from siyada.cli.common import current_settings, err, fail, open_engine, out
from siyada.knowledge.parse import EXTENSIONS
from siyada.progress import PAGES, PAGES_TOTAL

collections_app = typer.Typer(help="Collections of documents.", no_args_is_help=True)

SUFFIXES = EXTENSIONS  # every format the parsers read, office and mail ones included
Tenant = Annotated[str, typer.Option("--tenant", help="The tenant that owns the collection.")]


def _knowledge():  # type: ignore[no-untyped-def]
    """The knowledge facade over the store, with the packaged embedding model loaded on first use."""
    from siyada.gateway.registry import embedding_loaders, local_models
    from siyada.knowledge.service import Knowledge
    from siyada.privacy.policy import build_guard

    settings = current_settings()
    engine = open_engine(settings)
    loaders = embedding_loaders(local_models(engine, settings.file), settings.file.embedded.threads)
    loaded: dict[str, Any] = {}

    def embedder_for(name: str):  # type: ignore[no-untyped-def]
        if name not in loaders:
            return None
        if name not in loaded:
            loaded[name] = loaders[name]()
        return loaded[name]

    guard = build_guard(settings.file.privacy, settings.data_dir)
    return Knowledge.from_config(engine, embedder_for, guard, settings.file.knowledge)


def _tenant(kn: Any, name: str) -> Any:
    from siyada.governance.tenants import TenantError, get_tenant

    try:
        return get_tenant(kn.engine, name)
    except TenantError as exc:
        fail(str(exc))


def _files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith(".")
            )
        else:
            found.append(path)
    return found


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (searched recursively).")],
    collection: Annotated[str, typer.Option("--collection", "-c", help="Created if it does not exist.")],
    tenant: Tenant = "default",
    metadata: Annotated[str | None, typer.Option(help="A JSON object added to every document.")] = None,
) -> None:
    """Parse, chunk, index and embed documents, with progress (files, chunks, rate, ETA)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from siyada.knowledge.collections import KnowledgeError

    meta = json.loads(metadata) if metadata else None
    if meta is not None and not isinstance(meta, dict):
        fail("--metadata must be a JSON object")
    files = _files(paths)
    if not files:
        fail("no files to ingest")
    kn = _knowledge()
    owner = _tenant(kn, tenant)
    from siyada.knowledge.collections import find_collection, require_collection

    with kn.engine.connect() as conn:
        found = find_collection(conn, owner.id, collection)
    try:
        if found is None:  # made with the default model; an existing one may not need it (lexical only)
            kn.create_collection(owner.id, collection)
    except KnowledgeError as exc:
        if exc.status != 409:
            fail(str(exc))
    with kn.engine.connect() as conn:  # the row alone: get_collection would also count its chunks
        embeds = require_collection(conn, owner.id, collection).embedding_model is not None
    created = skipped = failed = chunks = 0
    columns = [
        TextColumn("{task.description:<8}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, console=err, transient=not sys.stderr.isatty()) as progress:
        files_task = progress.add_task("files", total=len(files), rate="")
        bars = {"chunks": progress.add_task("chunks", total=None, rate="")}
        if embeds:
            bars["embedded"] = progress.add_task("embedded", total=None, rate="")

        def on_progress(stage: str, n: int) -> None:
            if stage == PAGES_TOTAL:  # scans: the pages OCR is to read get a bar of their own
                if PAGES not in bars:
                    bars[PAGES] = progress.add_task("pages", total=0, rate="")
                progress.update(bars[PAGES], total=(progress.tasks[bars[PAGES]].total or 0) + n)
                return
            task = bars[stage]
            progress.advance(task, n)
            if stage == "chunks" and "embedded" in bars:  # what is chunked will be embedded
                progress.update(bars["embedded"], total=progress.tasks[task].completed)
            speed = progress.tasks[task].speed
            unit = "pages" if stage == PAGES else "chunks"
            progress.update(task, rate=f"{speed:.1f} {unit}/s" if speed else "")

        readers = [(path.name, path.read_bytes) for path in files]
        outcomes = kn.ingest_files(owner.id, owner.name, collection, readers, meta, on_progress)
        for path, outcome in zip(files, outcomes, strict=True):  # one outcome per file, in order
            if outcome.error is not None:
                failed += 1
                err.print(f"[yellow]skipped[/] {path}: {outcome.error}", highlight=False)
            for r in outcome.results:
                created += r.created
                skipped += not r.created
                chunks += r.document["chunks"] if r.created else 0
            progress.advance(files_task)
            speed = progress.tasks[files_task].speed
            progress.update(files_task, rate=f"{speed:.1f} files/s" if speed else "")
    if created:
        with err.status("ranking the commonest terms (champion lists)"):
            kn.warm_lexical()
    out.print(
        f"{created} documents indexed ({chunks} chunks), {skipped} already there, {failed} failed "
        f"-> collection {collection!r}",
        highlight=False,
        soft_wrap=True,
    )
    if failed:
        raise typer.Exit(1)


def search(
    query: Annotated[str, typer.Argument(help="What to look for, in any language or script.")],
    collection: Annotated[list[str], typer.Option("--collection", "-c", help="Repeat for several.")],
    tenant: Tenant = "default",
    k: Annotated[int, typer.Option(min=1, max=100)] = 5,
    mode: Annotated[str | None, typer.Option(help="lexical, semantic or hybrid (default).")] = None,
    rerank: Annotated[
        bool | None,
        typer.Option("--rerank/--no-rerank", help="Re-score the best candidates with the re-ranking model."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the raw results.")] = False,
) -> None:
    """Search collections and print the best passages with their documents."""
    from siyada.knowledge.collections import KnowledgeError

    kn = _knowledge()
    owner = _tenant(kn, tenant)
    try:
        hits = kn.search(owner.id, owner.name, collection, query, k, mode, None, rerank)  # type: ignore[arg-type]
    except KnowledgeError as exc:
        fail(str(exc))
        return
    if as_json:
        out.print_json(json.dumps(hits, ensure_ascii=False))
        return
    for n, hit in enumerate(hits, 1):
        c = hit["chunk"]
        out.print(
            f"[bold]{n}. {hit['document']['name']}[/] [dim]{c['id']} score {hit['score']:.4f}[/]",
            highlight=False,
        )
        out.print("   " + " ".join(c["text"].split())[:400], highlight=False)


@collections_app.command("create")
def collections_create(
    name: str,
    tenant: Tenant = "default",
    description: str = "",
    lexical_only: Annotated[bool, typer.Option(help="No dense vectors (fast ingestion).")] = False,
    embedding_model: Annotated[
        str | None,
        typer.Option(
            help="siyada-embed (e5, default) or siyada-embed-static (fast, weaker); see docs/models.md."
        ),
    ] = None,
) -> None:
    from siyada.knowledge.collections import KnowledgeError

    kn = _knowledge()
    owner = _tenant(kn, tenant)
    try:
        model = None if lexical_only else (embedding_model or "")
        made = kn.create_collection(owner.id, name, description, model)
    except KnowledgeError as exc:
        fail(str(exc))
        return
    out.print(f"collection {made['name']!r} created (id {made['id']}, embeddings: {made['embedding_model']})")


@collections_app.command("list")
def collections_list(tenant: Tenant = "default") -> None:
    from siyada.knowledge.collections import list_collections

    kn = _knowledge()
    for c in list_collections(kn.engine, _tenant(kn, tenant).id):
        due = f"\tneeds reindex: {c['reindex_reason']}" if c["needs_reindex"] else ""
        out.print(
            f"{c['name']}\t{c['documents']} documents\t{c['chunks']} chunks\t{c['embedding_model']}{due}",
            highlight=False,
        )


@collections_app.command("delete")
def collections_delete(name: str, tenant: Tenant = "default") -> None:
    from siyada.knowledge.collections import KnowledgeError, delete_collection

    kn = _knowledge()
    try:
        delete_collection(kn.engine, _tenant(kn, tenant).id, name)
    except KnowledgeError as exc:
        fail(str(exc))
    out.print(f"collection {name!r} deleted")


@collections_app.command("reindex")
def collections_reindex(
    name: str,
    tenant: Tenant = "default",
    reembed: Annotated[
        bool,
        typer.Option(help="Re-embed even when the vectors are current (e.g. sentence_vectors changed)."),
    ] = False,
) -> None:
    """Bring a collection up to this version after an upgrade: its lexical terms rebuilt when the text
    analysis changed, its chunks re-embedded when its model changed. Safe to interrupt and run again."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from siyada.knowledge.collections import KnowledgeError

    kn = _knowledge()
    owner = _tenant(kn, tenant)
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()]
    try:
        with Progress(*columns, console=err, transient=not sys.stderr.isatty()) as progress:
            terms = progress.add_task("rebuilding terms", total=None, visible=False)
            vectors = progress.add_task("re-embedding", total=None, visible=False)
            done = kn.reindex(
                owner.id,
                name,
                lambda n, total: progress.update(vectors, completed=n, total=total, visible=True),
                lambda n, total: progress.update(terms, completed=n, total=total, visible=True),
                reembed,
            )
    except KnowledgeError as exc:
        fail(str(exc))
        return
    said = [f"{done.analysed} chunks' lexical terms rebuilt"] if done.analysed else []
    said += [f"{done.embedded} chunks re-embedded"] if done.embedded else []
    out.print(f"collection {name!r}: {', '.join(said) or 'already current'}", highlight=False)
