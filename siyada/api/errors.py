"""Exception handlers that answer every failure with an OpenAI-shaped error body and the right status."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import iter_route_contexts
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.routing import Match

from siyada.errors import ApiError


def error_response(exc: ApiError) -> Response:
    return Response(
        orjson.dumps(exc.body()), status_code=exc.status, media_type="application/json", headers=exc.headers
    )


def validation_message(errors: list[Any]) -> tuple[str, str | None]:
    """Turn Pydantic errors into one readable sentence and the offending parameter."""
    parts: list[str] = []
    first_param: str | None = None
    for err in errors[:5]:
        loc = [str(x) for x in err.get("loc", ()) if x not in ("body",)]
        param = ".".join(loc) or None
        first_param = first_param or param
        msg = err.get("msg", "invalid value")
        parts.append(f"{param}: {msg}" if param else msg)
    return "Invalid request: " + "; ".join(parts), first_param


def bad_request_from(exc: ValidationError) -> ApiError:
    message, param = validation_message(exc.errors(include_url=False))
    return ApiError(400, message, code="invalid_request", param=param)


def allowed_methods(request: Request) -> str:
    """The methods of every route on this path. Starlette's own `Allow` names only the first route that
    matched the path, so a path served by several routes (GET and POST registered apart) was misreported."""
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.router.routes):
        route_methods = route.methods
        if route_methods and route.original_route.matches(request.scope)[0] != Match.NONE:
            methods.update(route_methods)
    return ", ".join(sorted(methods))


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_req: Request, exc: ApiError) -> Response:
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(_req: Request, exc: RequestValidationError) -> Response:
        message, param = validation_message(list(exc.errors()))
        return error_response(ApiError(400, message, code="invalid_request", param=param))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "HTTP error"
        if exc.status_code == 404 and message == "Not Found":
            message = "Unknown endpoint"
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            headers["Allow"] = allowed_methods(request)
        return error_response(ApiError(exc.status_code, message, headers=headers))

    @app.exception_handler(Exception)
    async def _unexpected(_req: Request, _exc: Exception) -> Response:
        return error_response(ApiError(500, "Internal server error", code="internal_error"))
