"""The end of the grace period, in the API's own words.

When `shutdown_grace_seconds` runs out, uvicorn cancels the calls still running and answers those that
have not replied yet with a plain-text `500 Internal Server Error`; an OpenAI client then sees a body it
cannot read and a status that says the server is broken rather than stopping. Here a call cancelled
from outside (only uvicorn's shutdown does that: a client that goes away is handled inside Starlette)
gets a 503 OpenAI-style error, or, for a stream already under way, an error event and `[DONE]`, as a
broken upstream stream ends (see `siyada.gateway`)."""

from __future__ import annotations

import asyncio
import contextlib

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from siyada.errors import error_body

MESSAGE = "the server is stopping and this call ran past its grace period; retry it"
CODE = "server_stopping"


class ShutdownCutoff:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = finished = streaming = False

        async def tracking(message: Message) -> None:
            nonlocal started, finished, streaming
            if message["type"] == "http.response.start":
                started = True
                headers = dict(message.get("headers") or [])
                streaming = headers.get(b"content-type", b"").startswith(b"text/event-stream")
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                finished = True
            await send(message)

        try:
            await self.app(scope, receive, tracking)
        except asyncio.CancelledError:
            if not finished:
                # The connection may already be gone; the cancellation is what matters then.
                with contextlib.suppress(Exception):
                    await _last_words(send, started=started, streaming=streaming)
            raise


async def _last_words(send: Send, *, started: bool, streaming: bool) -> None:
    body = orjson.dumps(error_body(503, MESSAGE, code=CODE))
    if not started:
        await send(
            {
                "type": "http.response.start",
                "status": 503,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"retry-after", b"1"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
    elif streaming:
        await send({"type": "http.response.body", "body": b"data: " + body + b"\n\ndata: [DONE]\n\n"})
