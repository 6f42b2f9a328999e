"""`siyada eval run`: evaluate a model (and a retriever configuration) on a suite or a task.

A run is keyed by what it asks (target, task versions, model, endpoint, settings). Running the same
command again resumes an unfinished run: finished items are read back from the store, and answers already
received come from the request cache, so nothing is computed twice.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import platform
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from siyada import __version__
from siyada.evaluation import results
from siyada.evaluation.client import EvalCallError, LabClient
from siyada.evaluation.datasets import DataMissing, load_items, split
from siyada.evaluation.metrics import metric
from siyada.evaluation.predictors import PREDICTORS, Context
from siyada.evaluation.spec import TaskSpec, canonical, data_root, resolve, task_version
from siyada.evaluation.stats import bootstrap


@dataclass
class RunSettings:
    model: str
    base_url: str
    api_key: str | None = field(default=None, repr=False)
    limit: int | None = None
    concurrency: int = 1
    seed: int = 1234
    fewshot: int | None = None  # overrides every task's own
    embedding_model: str | None = "siyada-embed"  # retrieval collections; None: lexical only
    search_mode: str | None = None  # lexical | semantic | hybrid; None: the server's default
    judge_model: str | None = None  # overrides the judge a task declares (recorded in the run)
    label: str | None = None
    data_root: Path | None = None
    use_cache: bool = True

    def identity(self) -> dict[str, Any]:
        """The settings that change results (not the key, the concurrency or the label)."""
        keep = ("model", "limit", "seed", "fewshot", "embedding_model", "search_mode", "judge_model")
        return {k: v for k, v in asdict(self).items() if k in keep}


class RunFailed(Exception):
    """The run stopped (unreachable endpoint, unknown model, refused key); it can be resumed."""


@dataclass
class LoadedTask:
    spec: TaskSpec
    items: list[dict[str, Any]]
    pool: list[dict[str, Any]]
    extras: dict[str, Any]
    version: str


ProgressHook = Callable[[str, str, int, int], None]  # (event, task, done, total)


def load_tasks(target: str, settings: RunSettings) -> tuple[str, list[LoadedTask], list[str]]:
    """(target name, runnable tasks, skipped tasks with why): a suite skips tasks whose data is absent."""
    name, specs = resolve(target)
    root = data_root(settings.data_root)
    loaded, skipped = [], []
    for spec in specs:
        if settings.fewshot is not None:
            spec = spec.model_copy(update={"fewshot": settings.fewshot})
        try:
            items, extras = load_items(spec, root)
        except DataMissing as exc:
            if len(specs) == 1:
                raise
            skipped.append(f"{spec.name}: {exc}")
            continue
        scored, pool = split(spec, items, settings.limit)
        loaded.append(LoadedTask(spec, scored, pool, extras, task_version(spec, items, extras)))
    return name, loaded, skipped


def run_key(target: str, tasks: list[LoadedTask], settings: RunSettings, root: str) -> str:
    asked = {
        "target": target,
        "tasks": [t.version for t in tasks],
        "endpoint": root,
        "settings": settings.identity(),
    }
    return hashlib.sha256(canonical(asked)).hexdigest()


def _label(settings: RunSettings) -> str:
    if settings.label:
        return settings.label
    parts = [settings.model]
    if settings.fewshot:
        parts.append(f"{settings.fewshot}-shot")
    parts.append(f"retrieval:{settings.embedding_model or 'lexical'}")
    if settings.search_mode:
        parts.append(settings.search_mode)
    return " · ".join(parts)


async def _provenance(client: LabClient, settings: RunSettings) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "siyada_version": __version__,
        "endpoint": client.root,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "host": platform.node(),
    }
    try:
        facts["model_info"] = await client.get(f"/v1/models/{settings.model}")
    except EvalCallError as exc:
        if exc.status in (401, 403):
            raise RunFailed(f"the endpoint refused the API key: {exc}") from exc
        if exc.status == 404:
            raise RunFailed(f"the endpoint serves no model {settings.model!r}") from exc
        if exc.status == 0:
            raise RunFailed(f"the endpoint is unreachable: {exc}") from exc
    try:
        facts["server"] = await client.get("/health")
    except EvalCallError:
        facts["server"] = None  # an external OpenAI-compatible endpoint need not have one
    return facts


def _pinned(settings: RunSettings, provenance: dict[str, Any]) -> RunSettings:
    """An unpinned `assistant/NAME` runs as the version that is latest now, `assistant/NAME@V`: the run
    (its key, label and cached answers) names that version, so a later run after an edit is a new row
    of the leaderboard instead of a mixture, and re-running reproduces it."""
    card = (provenance.get("model_info") or {}).get("assistant") or {}
    if not settings.model.startswith("assistant/") or "@" in settings.model or "version" not in card:
        return settings
    return replace(settings, model=f"{settings.model}@{card['version']}")


async def _ingest_corpus(client: LabClient, task: LoadedTask, settings: RunSettings) -> str:
    """A collection holding the task's corpus, named by the corpus and the retriever configuration so
    a resumed run (or another model on the same retriever) reuses it; re-uploading skips what is there."""
    digest = hashlib.sha256(canonical([task.extras["corpus"], settings.embedding_model])).hexdigest()[:12]
    name = f"eval-{task.spec.name}-{digest}"
    try:
        await client.get(f"/v1/collections/{name}")
    except EvalCallError as exc:
        if exc.status != 404:
            raise
        body = {
            "name": name,
            "description": f"evaluation corpus of {task.spec.name}",
            "embedding_model": settings.embedding_model,
        }
        await client.post("/v1/collections", body, cache=False)
    blob = "\n".join(json.dumps(d, ensure_ascii=False) for d in task.extras["corpus"]).encode("utf-8")
    await client.post_file("/v1/documents", {"collection": name}, "corpus.jsonl", blob)
    return name


def _record(task: LoadedTask, item: dict[str, Any], prediction: Any, detail: dict[str, Any]) -> dict:
    values = {name: metric(name).item(prediction, item) for name in task.spec.metrics}
    return {"prediction": prediction, "detail": detail, "values": values}


async def _run_task(
    engine: Engine,
    run_id: int,
    client: LabClient,
    task: LoadedTask,
    settings: RunSettings,
    progress: ProgressHook,
) -> dict[str, Any]:
    spec = task.spec
    done = await asyncio.to_thread(results.done_items, engine, run_id, spec.name)
    todo = [item for item in task.items if item["id"] not in done]
    ctx = Context(
        client=client,
        spec=spec,
        model=settings.model,
        seed=settings.seed,
        pool=task.pool,
        judge_model=settings.judge_model,
        use_cache=settings.use_cache,
        mc_method=spec.mc_method,
        mode=settings.search_mode,
    )
    if spec.type == "retrieval" and todo:
        progress("prepare", spec.name, 0, len(task.items))
        ctx.collection = await _ingest_corpus(client, task, settings)
    predict = PREDICTORS[spec.type]
    finished = len(task.items) - len(todo)
    progress("start", spec.name, finished, len(task.items))
    gate = asyncio.Semaphore(max(1, settings.concurrency))

    async def one(item: dict[str, Any]) -> None:
        nonlocal finished
        async with gate:
            try:
                prediction, detail = await predict(ctx, item)
            except EvalCallError as exc:
                if exc.status != 400:
                    raise
                # The endpoint refused this item alone (e.g. a prompt beyond the model's context): it
                # scores as an empty answer and the report says why.
                prediction, detail = None, {"error": str(exc)[:500]}
            record = _record(task, item, prediction, detail)
            await asyncio.to_thread(results.save_item, engine, run_id, spec.name, item, record)
            finished += 1
            progress("item", spec.name, finished, len(task.items))

    await asyncio.gather(*(one(item) for item in todo))
    score = score_task(task, await asyncio.to_thread(results.task_items, engine, run_id, spec.name))
    score["notes"] = ctx.notes
    await asyncio.to_thread(results.save_score, engine, run_id, _score_row(score))
    progress("done", spec.name, finished, len(task.items))
    return score


def score_task(task: LoadedTask, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Aggregate, with bootstrap intervals, overall and per language, over the task's scored items."""
    wanted = {item["id"] for item in task.items}
    rows = [r for r in rows if r["item_id"] in wanted]
    metrics: dict[str, Any] = {}
    by_language: dict[str, dict[str, Any]] = {}
    langs = sorted({r["lang"] for r in rows})
    for name in task.spec.metrics:
        m = metric(name)
        values = [r["values"][name] for r in rows]
        low, high = bootstrap(values, m.aggregate)
        metrics[name] = {
            "value": m.aggregate(values),
            "low": low,
            "high": high,
            "higher_is_better": m.higher_is_better,
            "scale": m.scale,
        }
        for lang in langs:
            subset = [r["values"][name] for r in rows if r["lang"] == lang]
            entry = by_language.setdefault(lang, {"n": len(subset)})
            entry[name] = m.aggregate(subset)
    primary = task.spec.primary or task.spec.metrics[0]
    return {
        "task": task.spec.name,
        "task_version": task.version,
        "task_type": task.spec.type,
        "n": len(rows),
        "primary_metric": primary,
        "primary_value": metrics[primary]["value"],
        "metrics": metrics,
        "by_language": by_language,
    }


def _score_row(score: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "task",
        "task_version",
        "task_type",
        "n",
        "primary_metric",
        "primary_value",
        "metrics",
        "by_language",
    )
    row = {k: score[k] for k in keys}
    if score.get("notes"):
        row["metrics"] = {**row["metrics"], "_notes": score["notes"]}
    return row


async def run(
    engine: Engine, target: str, settings: RunSettings, progress: ProgressHook | None = None
) -> dict[str, Any]:
    progress = progress or (lambda *_: None)
    name, tasks, skipped = load_tasks(target, settings)
    started = time.monotonic()
    async with LabClient(engine, settings.base_url, settings.api_key) as client:
        provenance = await _provenance(client, settings)
        settings = _pinned(settings, provenance)
        key = run_key(name, tasks, settings, client.root)
        row = {
            "label": _label(settings),
            "target": name,
            "model": settings.model,
            "settings": {**settings.identity(), "tasks": [t.version for t in tasks], "skipped": skipped},
            "provenance": provenance,
        }
        run_id, resumed = await asyncio.to_thread(results.start_or_resume, engine, key, row)
        scores = []
        try:
            for task in tasks:
                scores.append(await _run_task(engine, run_id, client, task, settings, progress))
        except EvalCallError as exc:
            await asyncio.to_thread(results.finish, engine, run_id, "failed", provenance)
            raise RunFailed(f"run {run_id} stopped: {exc} (run the same command again to resume)") from exc
        provenance.update(
            providers=sorted(client.stats.providers),
            requests_sent=client.stats.sent,
            requests_cached=client.stats.cached,
            seconds=round(time.monotonic() - started, 1),
        )
        await asyncio.to_thread(results.finish, engine, run_id, "complete", provenance)
    return {
        "run_id": run_id,
        "resumed": resumed,
        "target": name,
        "scores": scores,
        "skipped": skipped,
        "requests_sent": client.stats.sent,
        "requests_cached": client.stats.cached,
        "requests_by_path": client.stats.by_path,
    }
