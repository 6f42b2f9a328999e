"""Runs, their per-item results and task scores in the store; the leaderboard is read from here.

Each item result is committed on its own, so an interrupted run keeps every item it finished and the
next run with the same key picks up from there.
"""

from __future__ import annotations

import time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyada.governance.keys import Principal
from siyada.store.tables import eval_items, eval_runs, eval_scores


def start_or_resume(engine: Engine, key: str, row: dict[str, Any]) -> tuple[int, bool]:
    """(run id, resumed): the newest unfinished run with this key, or a new one."""
    with engine.begin() as conn:
        found = conn.execute(
            sa.select(eval_runs.c.id)
            .where(eval_runs.c.key == key, eval_runs.c.status != "complete")
            .order_by(eval_runs.c.id.desc())
        ).first()
        if found is not None:
            conn.execute(eval_runs.update().where(eval_runs.c.id == found[0]).values(status="running"))
            return int(found[0]), True
        result = conn.execute(
            eval_runs.insert().values(key=key, status="running", started_at=time.time(), **row)
        )
        return int(result.inserted_primary_key[0]), False


def finish(engine: Engine, run_id: int, status: str, provenance: dict[str, Any]) -> None:
    with engine.begin() as conn:
        conn.execute(
            eval_runs.update()
            .where(eval_runs.c.id == run_id)
            .values(status=status, finished_at=time.time(), provenance=provenance)
        )


def done_items(engine: Engine, run_id: int, task: str) -> set[str]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(eval_items.c.item_id).where(eval_items.c.run_id == run_id, eval_items.c.task == task)
        )
        return {r[0] for r in rows}


def save_item(engine: Engine, run_id: int, task: str, item: dict[str, Any], record: dict[str, Any]) -> None:
    with engine.begin() as conn:
        conn.execute(
            eval_items.insert().values(
                run_id=run_id,
                task=task,
                item_id=item["id"],
                lang=item.get("lang", ""),
                prediction=record["prediction"],
                detail=record["detail"],
                values=record["values"],
            )
        )


def task_items(engine: Engine, run_id: int, task: str) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(eval_items).where(eval_items.c.run_id == run_id, eval_items.c.task == task)
        ).mappings()
        return [dict(r) for r in rows]


def save_score(engine: Engine, run_id: int, score: dict[str, Any]) -> None:
    with engine.begin() as conn:
        conn.execute(
            eval_scores.delete().where(eval_scores.c.run_id == run_id, eval_scores.c.task == score["task"])
        )
        conn.execute(eval_scores.insert().values(run_id=run_id, created_at=time.time(), **score))


def owner(model: str, provenance: dict[str, Any] | None) -> str | None:
    """The tenant an assistant's run belongs to (its card's `owned_by`, recorded when the run started);
    None for a model, whose results every key may read."""
    if not model.startswith("assistant/"):
        return None
    return str(((provenance or {}).get("model_info") or {}).get("owned_by") or "")


def viewer_of(principal: Principal) -> str | None:
    """Who reads the results: the platform's operators every run, anybody else as their tenant."""
    return None if principal.is_operator else principal.tenant.name


def visible(model: str, provenance: dict[str, Any] | None, viewer: str | None) -> bool:
    """Whether `viewer` (a tenant's name; None: the platform, which sees every run) may read the run: an
    assistant's scores are its tenant's alone, like the assistant itself (another tenant reads 404)."""
    found = owner(model, provenance)
    return viewer is None or found is None or found == viewer


def _run_dict(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "object": "evaluation.run",
        "label": row.label,
        "target": row.target,
        "model": row.model,
        "settings": row.settings,
        "provenance": row.provenance,
        "status": row.status,
        "started_at": row.started_at,
        "finished_at": row.finished_at,
    }


def _score_dict(row: Any) -> dict[str, Any]:
    return {
        "task": row.task,
        "task_version": row.task_version,
        "type": row.task_type,
        "n": row.n,
        "primary_metric": row.primary_metric,
        "primary_value": row.primary_value,
        "metrics": row.metrics,
        "by_language": row.by_language,
    }


def list_runs(
    engine: Engine, limit: int = 50, after: int | None = None, viewer: str | None = None
) -> list[dict[str, Any]]:
    """The newest runs `viewer` may read (every run when None), `limit` of them before the id `after`."""
    runs: list[dict[str, Any]] = []
    with engine.connect() as conn:
        while len(runs) < limit:  # runs another tenant may not read are skipped, in pages
            query = sa.select(eval_runs).order_by(eval_runs.c.id.desc()).limit(limit)
            if after is not None:
                query = query.where(eval_runs.c.id < after)
            rows = list(conn.execute(query))
            runs += [_run_dict(r) for r in rows if visible(r.model, r.provenance, viewer)]
            if len(rows) < limit:
                break
            after = rows[-1].id
        runs = runs[:limit]
        if runs:
            ids = [r["id"] for r in runs]
            scores = conn.execute(sa.select(eval_scores).where(eval_scores.c.run_id.in_(ids)))
            by_run: dict[int, list[dict[str, Any]]] = {}
            for s in scores:
                by_run.setdefault(s.run_id, []).append(_score_dict(s))
            for run in runs:
                run["scores"] = sorted(by_run.get(run["id"], []), key=lambda s: s["task"])
    return runs


def get_run(engine: Engine, run_id: int, viewer: str | None = None) -> dict[str, Any] | None:
    """The run, or None when there is none or `viewer` may not read it (the same answer: 404)."""
    with engine.connect() as conn:
        row = conn.execute(sa.select(eval_runs).where(eval_runs.c.id == run_id)).first()
        if row is None or not visible(row.model, row.provenance, viewer):
            return None
        run = _run_dict(row)
        scores = conn.execute(sa.select(eval_scores).where(eval_scores.c.run_id == run_id))
        run["scores"] = sorted((_score_dict(s) for s in scores), key=lambda s: s["task"])
    return run


def leaderboard(engine: Engine, task: str | None = None, viewer: str | None = None) -> list[dict[str, Any]]:
    """Per task, the newest score of each (label, model), best first by the task's primary metric; an
    assistant's versions (`assistant/NAME@1`, `@2`) are models of their own, shown to their tenant only.

    Scores of different task versions are never ranked together: each version is its own board."""
    query = (
        sa.select(
            eval_scores, eval_runs.c.label, eval_runs.c.model, eval_runs.c.status, eval_runs.c.provenance
        )
        .join(eval_runs, eval_runs.c.id == eval_scores.c.run_id)
        .order_by(eval_scores.c.created_at.desc())
    )
    if task is not None:
        query = query.where(eval_scores.c.task == task)
    boards: dict[str, dict[str, Any]] = {}
    with engine.connect() as conn:
        for row in conn.execute(query):
            if not visible(row.model, row.provenance, viewer):
                continue
            board = boards.setdefault(
                row.task_version,
                {
                    "task": row.task,
                    "task_version": row.task_version,
                    "type": row.task_type,
                    "metric": row.primary_metric,
                    "entries": {},
                },
            )
            entry_key = f"{row.label}\x00{row.model}"
            if entry_key not in board["entries"]:
                metric = row.metrics.get(row.primary_metric, {})
                board["entries"][entry_key] = {
                    "label": row.label,
                    "model": row.model,
                    "run_id": row.run_id,
                    "n": row.n,
                    "value": row.primary_value,
                    "low": metric.get("low"),
                    "high": metric.get("high"),
                    "higher_is_better": metric.get("higher_is_better", True),
                    "scale": metric.get("scale", 1.0),
                }
    out = []
    for board in sorted(boards.values(), key=lambda b: (b["task"], b["task_version"])):
        entries = list(board["entries"].values())
        better_high = entries[0]["higher_is_better"] if entries else True
        entries.sort(key=lambda e: e["value"], reverse=better_high)
        out.append({**board, "entries": entries})
    return out
