"""The evaluation lab's results: runs, one run, its HTML report, and the leaderboard.

GET /v1/evaluations · GET /v1/evaluations/leaderboard · GET /v1/evaluations/{id} ·
GET /v1/evaluations/{id}/report   (runs are written by `siyada eval run`)

Evaluation results describe models, not anybody's data, so every authenticated key may read them; but
an assistant's runs (`assistant/NAME@V`) are its tenant's, like the assistant: another tenant reads 404.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Depends, Path, Request
from starlette.responses import HTMLResponse

from siyada.api.auth import authenticate
from siyada.api.pagination import page, page_params
from siyada.errors import ApiError
from siyada.evaluation import report, results
from siyada.governance.keys import Principal

router = APIRouter(tags=["evaluation"])
RUN_ID = Path(pattern="^[0-9]{1,18}$")  # the one check an id needs: 18 ASCII digits fit the database


@router.get("/v1/evaluations")
async def list_evaluations(request: Request, principal: Principal = Depends(authenticate)) -> dict[str, Any]:
    limit, after = page_params(request)
    engine = request.app.state.engine
    viewer = results.viewer_of(principal)
    runs = await asyncio.to_thread(results.list_runs, engine, limit + 1, after or None, viewer)
    return page(runs, limit, lambda r: r)


@router.get("/v1/evaluations/leaderboard")
async def get_leaderboard(request: Request, principal: Principal = Depends(authenticate)) -> dict[str, Any]:
    task = request.query_params.get("task")
    viewer = results.viewer_of(principal)
    boards = await asyncio.to_thread(results.leaderboard, request.app.state.engine, task, viewer)
    return {"object": "list", "data": boards}


@router.get("/v1/evaluations/{run_id}")
async def get_evaluation(
    request: Request, run_id: str = RUN_ID, principal: Principal = Depends(authenticate)
) -> dict[str, Any]:
    viewer = results.viewer_of(principal)
    run = await asyncio.to_thread(results.get_run, request.app.state.engine, int(run_id), viewer)
    if run is None:
        raise ApiError(404, f"No evaluation run {run_id[:80]}", code="evaluation_not_found")
    return run


@router.get("/v1/evaluations/{run_id}/report", response_class=HTMLResponse)
async def get_report(
    request: Request, run_id: str = RUN_ID, principal: Principal = Depends(authenticate)
) -> HTMLResponse:
    engine = request.app.state.engine
    if await asyncio.to_thread(results.get_run, engine, int(run_id), results.viewer_of(principal)) is None:
        raise ApiError(404, f"No evaluation run {run_id[:80]}", code="evaluation_not_found")
    try:
        facts = await asyncio.to_thread(report.build, engine, [int(run_id)])
    except KeyError as exc:
        raise ApiError(404, f"No evaluation run {run_id[:80]}", code="evaluation_not_found") from exc
    return HTMLResponse(report.to_html(facts))
