"""Server-sent events in the OpenAI style: `data: {json}\\n\\n` per chunk, then `data: [DONE]`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import orjson
from starlette.responses import Response, StreamingResponse


async def _encode(batches: AsyncIterator[list[dict[str, Any]]]) -> AsyncIterator[bytes]:
    # One write per batch: chunks that arrived together leave together.
    async for batch in batches:
        yield b"".join(b"data: " + orjson.dumps(chunk) + b"\n\n" for chunk in batch)
    yield b"data: [DONE]\n\n"


def sse_response(
    chunks: AsyncIterator[list[dict[str, Any]]], headers: dict[str, str] | None = None
) -> StreamingResponse:
    return StreamingResponse(
        _encode(chunks),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no", **(headers or {})},
    )


def answer_response(
    answer: dict[str, Any] | AsyncIterator[list[dict[str, Any]]], headers: dict[str, str]
) -> Response:
    """A completion as JSON, or its chunks as server-sent events (the grounded and assistant paths)."""
    if isinstance(answer, dict):
        return Response(orjson.dumps(answer), media_type="application/json", headers=headers)
    return sse_response(answer, headers)
