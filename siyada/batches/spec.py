"""The batch wire format: the create request, and the input file's JSONL lines, validated with bounded
work (a size limit on the file and each line, a cap on lines and on the errors reported).

A line is `{"custom_id", "method": "POST", "url": <the batch's endpoint>, "body": {...}}`, as OpenAI
takes it. The body itself is validated when its request runs, exactly as a live call's is (a bad body
is that request's 400 in the error file, not the whole batch's failure).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from siyada.api.errors import validation_message

Endpoint = Literal["/v1/chat/completions", "/v1/embeddings", "/v1/completions"]
MAX_ERRORS = 100  # errors reported of one bad file: enough to fix it, bounded for a file of 50,000 bad lines


class BatchCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    input_file_id: str = Field(min_length=1, max_length=40)
    endpoint: Endpoint
    completion_window: Literal["24h"]
    # OpenAI's limits: 16 pairs, keys up to 64 characters, values up to 512
    metadata: dict[Annotated[str, Field(max_length=64)], Annotated[str, Field(max_length=512)]] | None = (
        Field(default=None, max_length=16)
    )


class _Line(BaseModel):
    model_config = ConfigDict(extra="forbid")
    custom_id: str = Field(min_length=1, max_length=512)
    method: Literal["POST"]
    url: str
    body: dict[str, Any]


@dataclass(frozen=True)
class Request:
    line: int  # 1-based line number in the input file
    custom_id: str
    body: dict[str, Any]


@dataclass
class Parsed:
    requests: list[Request]
    errors: list[dict[str, Any]]


def error(code: str, message: str, line: int | None = None, param: str | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "param": param, "line": line}


def parse(data: bytes, endpoint: str, max_requests: int, max_line_bytes: int) -> Parsed:
    """Every request of the input file, or the errors that make it unusable (then the batch fails)."""
    out = Parsed([], [])
    seen: set[str] = set()
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if len(out.errors) >= MAX_ERRORS:
            break
        if not raw.strip():
            continue
        if len(out.requests) >= max_requests:
            out.errors.append(
                error("too_many_requests", f"The file holds more than {max_requests} requests", number)
            )
            break
        bad = _one(raw, number, endpoint, max_line_bytes, seen, out.requests)
        if bad is not None:
            out.errors.append(bad)
    if not out.requests and not out.errors:
        out.errors.append(error("empty_file", "The input file holds no request"))
    return out


def _one(
    raw: bytes, number: int, endpoint: str, max_line_bytes: int, seen: set[str], requests: list[Request]
) -> dict[str, Any] | None:
    if len(raw) > max_line_bytes:
        return error("line_too_large", f"The line is over {max_line_bytes} bytes", number)
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        return error("invalid_json_line", f"The line is not valid JSON: {exc}", number)
    if not isinstance(obj, dict):
        return error("invalid_json_line", "The line must be a JSON object", number)
    try:
        line = _Line.model_validate(obj, strict=True)
    except ValidationError as exc:
        message, param = validation_message(exc.errors(include_url=False))
        return error("invalid_request", message, number, param)
    if line.url != endpoint:
        return error(
            "mismatched_url",
            f"The line's url {line.url!r} is not the batch's endpoint {endpoint}",
            number,
            "url",
        )
    if line.custom_id in seen:
        return error(
            "duplicate_custom_id", f"The custom_id {line.custom_id!r} is used twice", number, "custom_id"
        )
    seen.add(line.custom_id)
    requests.append(Request(number, line.custom_id, line.body))
    return None
