"""Server-sent events in the OpenAI style: `data: {json}\\n\\n` per chunk, then `data: [DONE]`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import orjson
from starlette.responses import StreamingResponse


async def _encode(chunks: AsyncIterator[dict[str, Any]]) -> AsyncIterator[bytes]:
    async for chunk in chunks:
        yield b"data: " + orjson.dumps(chunk) + b"\n\n"
    yield b"data: [DONE]\n\n"


def sse_response(
    chunks: AsyncIterator[dict[str, Any]], headers: dict[str, str] | None = None
) -> StreamingResponse:
    return StreamingResponse(
        _encode(chunks),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no", **(headers or {})},
    )
