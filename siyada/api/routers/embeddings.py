"""POST /v1/embeddings."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable
from typing import TypeVar

import orjson
from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from siyada.api.auth import authenticate
from siyada.api.body import openapi_body, read_json, validate
from siyada.api.schemas import EmbeddingRequest
from siyada.gateway.service import Gateway
from siyada.governance.keys import Principal

router = APIRouter(tags=["embeddings"])
T = TypeVar("T")
DISCONNECT_POLL_S = 0.2
CLIENT_CLOSED = 499  # nginx's "client closed request": nobody reads this answer


@router.post("/v1/embeddings", openapi_extra=openapi_body(EmbeddingRequest))
async def embeddings(request: Request, principal: Principal = Depends(authenticate)) -> Response:
    body = await read_json(request)
    validate(EmbeddingRequest, body)
    gateway: Gateway = request.app.state.gateway
    try:
        result, provider = await until_disconnected(request, gateway.call(principal, "embeddings", body))
    except ClientGone:
        return Response(status_code=CLIENT_CLOSED)
    return Response(
        orjson.dumps(result), media_type="application/json", headers={"X-Siyada-Provider": provider}
    )


class ClientGone(Exception):
    """The client disconnected before the answer was ready; its work was cancelled."""


async def until_disconnected(request: Request, work: Awaitable[T]) -> T:
    """Await `work`, cancelling it if the client disconnects meanwhile (then raise ClientGone).

    Embedding a large request is minutes of CPU: without this, the work went on to the end for a client
    that had long gone. The provider embeds in batches, so cancelling stops the batches not yet begun.
    """
    task = asyncio.ensure_future(work)
    while True:
        done, _ = await asyncio.wait({task}, timeout=DISCONNECT_POLL_S)
        if done:
            return task.result()
        if await request.is_disconnected():
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
            raise ClientGone
