"""Reading and validating request bodies: size limit (413), JSON syntax (400), schema (400).

The published schema of a body is `openapi_body(model)`, the very model `validate` applies. Integers
are 64-bit (`INT_MIN`..`INT_MAX`) everywhere in a body, free-form values included: the database, orjson
and the backends take no larger ones, and the description says so (siyada.api.openapi)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import orjson
from fastapi import Request
from pydantic import BaseModel, ValidationError

from siyada.api.errors import bad_request_from
from siyada.errors import ApiError

M = TypeVar("M", bound=BaseModel)
REF_TEMPLATE = "#/components/schemas/{model}"
INT_MIN, INT_MAX = -(2**63), 2**63 - 1


def _out_of_range(value: Any) -> bool:
    """Whether a JSON value holds an integer (7 or 7.0, as JSON Schema counts) beyond 64 bits."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return not INT_MIN <= value <= INT_MAX
    if isinstance(value, float):  # orjson reads an integer beyond 64 bits as a float, rounded: -2**63 is one
        return value.is_integer() and not -(2.0**63) < value < 2.0**63
    if isinstance(value, dict):
        return any(_out_of_range(v) for v in value.values())
    if isinstance(value, list):
        return any(_out_of_range(v) for v in value)
    return False


async def read_body(request: Request, limit: int) -> bytes:
    """The raw body, refused (413) past `limit` bytes: declared, or counted as it streams."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise ApiError(
            413, f"Request body is {declared} bytes; the limit is {limit}", code="request_too_large"
        )
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, f"Request body exceeds the limit of {limit} bytes", code="request_too_large")
        chunks.append(chunk)
    return b"".join(chunks)


async def read_json(request: Request) -> dict[str, Any]:
    raw = await read_body(request, request.app.state.settings.file.max_body_bytes)
    if not raw:
        raise ApiError(400, "Request body is empty; expected a JSON object", code="invalid_json")
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ApiError(400, f"Request body is not valid JSON: {exc}", code="invalid_json") from exc
    if not isinstance(obj, dict):
        raise ApiError(400, "Request body must be a JSON object", code="invalid_json")
    if _out_of_range(obj):
        raise ApiError(400, "Request body holds an integer beyond 64 bits", code="invalid_request")
    return obj


def _integral(value: Any) -> Any:
    """JSON numbers as JSON Schema reads them: 7.0 is the integer 7 (strict validation takes no float
    for an int field, and a float field takes an int)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _integral(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_integral(v) for v in value]
    return value


def validate(model: type[M], obj: dict[str, Any]) -> M:
    """The body as `model`, in strict mode: exactly the JSON types its published schema names (no `false`
    taken for 0, no "1" for 1), so that a client built from the description and the server agree."""
    try:
        return model.model_validate(_integral(obj), strict=True)
    except ValidationError as exc:
        raise bad_request_from(exc) from exc


def given(schema: dict[str, Any], name: str) -> dict[str, Any]:
    """A JSON Schema branch: the property `name` is present and not null (for `json_schema_extra`)."""
    prop = schema["properties"][name]
    options = [o for o in prop.get("anyOf", [prop]) if o.get("type") != "null"]
    return {"required": [name], "properties": {name: options[0] if len(options) == 1 else {"anyOf": options}}}


def one_given(*names: str, exactly: bool = True) -> Callable[[dict[str, Any]], None]:
    """`json_schema_extra` for a validator that wants one of `names` (exactly one, or at least one)."""

    def extra(schema: dict[str, Any]) -> None:
        schema["oneOf" if exactly else "anyOf"] = [given(schema, n) for n in names]

    return extra


def openapi_body(model: type[BaseModel], others: dict[str, Any] | None = None) -> dict[str, Any]:
    """`openapi_extra` that documents a body we read by hand (to keep the hot path lean).

    The schema is exactly the model `validate` applies; its nested models (`$defs`) are referenced under
    `components/schemas`, where `siyada.api.openapi` moves them.
    """
    schema = model.model_json_schema(ref_template=REF_TEMPLATE)
    content = {"application/json": {"schema": schema}, **(others or {})}
    return {"requestBody": {"required": True, "content": content}}
