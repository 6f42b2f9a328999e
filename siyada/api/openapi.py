"""The published OpenAPI description, made exact about what the server answers.

FastAPI documents a route's success only. Here every operation also gets the error statuses it can return,
each with the OpenAI-style error body, derived from three places:

* its dependencies (`DEPENDENCY_ERRORS`: authentication answers 401, an admin check 403, ...);
* its inputs (a JSON body read by `siyada.api.body` answers 400 and 413; declared parameters 400);
* `ROUTES`, the one table of what a route's own code can answer (404 for an unknown id, 409, 429...).

A route that learns a new failure (a new `ApiError` status) must add it to `ROUTES` (or, when a new
dependency raises it, to `DEPENDENCY_ERRORS`); `tests/test_openapi_schemathesis.py` fails otherwise.
Request-body schemas come from `siyada.api.body.openapi_body`; their `$defs` are hoisted to
`components/schemas` here, so that every reference resolves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts

from siyada.api.auth import authenticate, require_admin, require_operator
from siyada.api.body import INT_MAX, INT_MIN

ERROR_REF = {"$ref": "#/components/schemas/Error"}
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "additionalProperties": False,
    "properties": {
        "error": {
            "type": "object",
            "required": ["message", "type", "param", "code"],
            "additionalProperties": False,
            "properties": {
                "message": {"type": "string"},
                "type": {"type": "string"},
                "param": {"type": ["string", "null"]},
                "code": {"type": ["string", "null"]},
            },
        }
    },
}
BEARER = "bearerAuth"
# Any JSON value a body may hold where its schema names no type (metadata, passed-through options), with
# integers bounded as siyada.api.body.read_json bounds them.
JSON_REF = {"$ref": "#/components/schemas/JsonValue"}
JSON_VALUE: dict[str, Any] = {
    "anyOf": [
        {"type": ["null", "boolean", "string"]},
        {"type": "integer", "minimum": INT_MIN, "maximum": INT_MAX},
        {"type": "number", "not": {"type": "integer"}},
        {"type": "array", "items": JSON_REF},
        {"type": "object", "additionalProperties": JSON_REF},
    ]
}
_ANNOTATIONS = {"title", "description", "default", "examples"}
_SUBSCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
_SUBSCHEMAS = ("items", "additionalProperties", "not", "if", "then", "else", "contains")

REASONS = {
    400: "Invalid request: malformed JSON, a value the validation refuses, or a bad parameter",
    401: "Missing, malformed, invalid or revoked API key (or an expired web session)",
    403: "Not permitted: an admin-only endpoint, a model the tenant may not use, or a missing CSRF token",
    404: "The resource does not exist (or belongs to another tenant)",
    409: "The resource already exists",
    413: "The request body exceeds the server's limit",
    415: "The uploaded file's format is not supported",
    422: "The document cannot be parsed",
    429: "A quota is exhausted; retry after `Retry-After` seconds",
    502: "The upstream provider failed",
    503: "No provider is available, or the quota store is unreachable",
}

# Statuses a dependency can answer, whatever the route does.
DEPENDENCY_ERRORS: dict[Callable[..., Any], tuple[int, ...]] = {
    authenticate: (401, 403),  # 403: a web session's state-changing call without its CSRF token
    require_admin: (401, 403),
    require_operator: (401, 403),
}
BODY_ERRORS = (400, 413)  # siyada.api.body.read_json + validate
PARAM_ERRORS = (400,)  # FastAPI's validation of declared path/query parameters (errors.py: 400)

_GATEWAY = (403, 404, 429, 502, 503)  # model not allowed / unknown, quota, upstream failures
_KNOWLEDGE = (404,)  # a collection or document of this tenant that does not exist


@dataclass(frozen=True)
class Doc:
    """What a route answers beyond its dependencies and inputs."""

    errors: tuple[int, ...] = ()
    # Other success responses or media types: status -> media types (beside FastAPI's own).
    success: dict[int, tuple[str, ...]] = field(default_factory=dict)
    # Links from a success response to other operations: status -> {name: (method, path, parameters)}.
    links: dict[int, dict[str, tuple[str, str, dict[str, str]]]] = field(default_factory=dict)


_SSE = ("text/event-stream",)
_TRANSCRIPT = ("application/json", "text/plain")
_AUDIO = ("audio/mpeg", "audio/wav", "audio/ogg", "audio/flac", "audio/aac", "audio/pcm")
_COLLECTION_LINKS = {
    "GetCollection": ("GET", "/v1/collections/{ref}", {"ref": "$response.body#/id"}),
    "ListCollectionDocuments": ("GET", "/v1/collections/{ref}/documents", {"ref": "$response.body#/id"}),
    "DeleteCollection": ("DELETE", "/v1/collections/{ref}", {"ref": "$response.body#/id"}),
}
_DOCUMENT_LINKS = {
    "GetDocument": ("GET", "/v1/documents/{doc_id}", {"doc_id": "$response.body#/id"}),
    "GetDocumentChunks": ("GET", "/v1/documents/{doc_id}/chunks", {"doc_id": "$response.body#/id"}),
    "DeleteDocument": ("DELETE", "/v1/documents/{doc_id}", {"doc_id": "$response.body#/id"}),
}
_CONVERSATION_LINKS = {
    "GetConversation": ("GET", "/ui/api/conversations/{conv_id}", {"conv_id": "$response.body#/id"}),
    "ReplaceConversation": ("PUT", "/ui/api/conversations/{conv_id}", {"conv_id": "$response.body#/id"}),
    "DeleteConversation": ("DELETE", "/ui/api/conversations/{conv_id}", {"conv_id": "$response.body#/id"}),
}
_ASSISTANT_LINKS = {
    "GetAssistant": ("GET", "/v1/assistants/{name}", {"name": "$response.body#/name"}),
    "PatchAssistant": ("PATCH", "/v1/assistants/{name}", {"name": "$response.body#/name"}),
    "ListAssistantVersions": ("GET", "/v1/assistants/{name}/versions", {"name": "$response.body#/name"}),
    "RetireAssistant": ("DELETE", "/v1/assistants/{name}", {"name": "$response.body#/name"}),
}
_TENANT_LINKS = {
    "GetTenant": ("GET", "/v1/admin/tenants/{name}", {"name": "$response.body#/name"}),
    "PatchTenant": ("PATCH", "/v1/admin/tenants/{name}", {"name": "$response.body#/name"}),
}
_MODEL_LINKS = {"GetModel": ("GET", "/v1/models/{model}", {"model": "$response.body#/data/0/id"})}
_KEY_LINKS = {"RevokeKey": ("DELETE", "/v1/admin/keys/{key_id}", {"key_id": "$response.body#/id"})}
_LIMIT_LINKS = {"DeleteLimit": ("DELETE", "/v1/admin/limits/{limit_id}", {"limit_id": "$response.body#/id"})}
_USER_LINKS = {
    "GetUser": ("GET", "/v1/admin/users/{username}", {"username": "$response.body#/username"}),
    "PatchUser": ("PATCH", "/v1/admin/users/{username}", {"username": "$response.body#/username"}),
    "EndUserSessions": (
        "DELETE",
        "/v1/admin/users/{username}/sessions",
        {"username": "$response.body#/username"},
    ),
}
_FILE_LINKS = {
    "GetFile": ("GET", "/v1/files/{file_id}", {"file_id": "$response.body#/id"}),
    "GetFileContent": ("GET", "/v1/files/{file_id}/content", {"file_id": "$response.body#/id"}),
    "DeleteFile": ("DELETE", "/v1/files/{file_id}", {"file_id": "$response.body#/id"}),
}
_BATCH_LINKS = {
    "GetBatch": ("GET", "/v1/batches/{batch_id}", {"batch_id": "$response.body#/id"}),
    "CancelBatch": ("POST", "/v1/batches/{batch_id}/cancel", {"batch_id": "$response.body#/id"}),
}

# The one table of route-specific answers, keyed by (method, path template).
ROUTES: dict[tuple[str, str], Doc] = {
    ("GET", "/ready"): Doc((503,)),  # a dependency down or the schema behind (siyada.readiness)
    ("POST", "/v1/chat/completions"): Doc(_GATEWAY + _KNOWLEDGE, success={200: _SSE}),
    ("POST", "/v1/completions"): Doc(_GATEWAY, success={200: _SSE}),
    ("POST", "/v1/embeddings"): Doc(_GATEWAY),
    ("POST", "/v1/rerank"): Doc(_GATEWAY),
    # siyada.gateway.speech: audio over the size limit (413); audio answered as the upstream made it
    ("POST", "/v1/audio/transcriptions"): Doc((*_GATEWAY, 413), success={200: _TRANSCRIPT}),
    ("POST", "/v1/audio/translations"): Doc((*_GATEWAY, 413), success={200: _TRANSCRIPT}),
    ("POST", "/v1/audio/speech"): Doc(_GATEWAY, success={200: _AUDIO}),
    ("GET", "/tokenizer_info"): Doc(_GATEWAY),
    ("POST", "/tokenize"): Doc(_GATEWAY),
    ("POST", "/detokenize"): Doc(_GATEWAY),
    ("GET", "/v1/models"): Doc(links={200: _MODEL_LINKS}),
    ("GET", "/v1/models/{model}"): Doc((400, 404)),  # 400: a malformed assistant/NAME@VERSION
    ("GET", "/v1/usage"): Doc((400,), success={200: ("text/csv",)}),
    ("POST", "/v1/collections"): Doc((404, 409), links={201: _COLLECTION_LINKS}),
    ("GET", "/v1/collections/{ref}"): Doc(_KNOWLEDGE),
    ("DELETE", "/v1/collections/{ref}"): Doc(_KNOWLEDGE),
    ("GET", "/v1/collections/{ref}/documents"): Doc(_KNOWLEDGE),
    ("POST", "/v1/documents"): Doc(
        (404, 415, 422),
        success={201: ("application/json",)},
        links={200: _DOCUMENT_LINKS, 201: _DOCUMENT_LINKS},
    ),
    ("GET", "/v1/documents/{doc_id}"): Doc(_KNOWLEDGE),
    ("DELETE", "/v1/documents/{doc_id}"): Doc(_KNOWLEDGE),
    ("GET", "/v1/documents/{doc_id}/chunks"): Doc(_KNOWLEDGE),
    ("GET", "/v1/documents/{doc_id}/pages/{page}"): Doc(_KNOWLEDGE),
    ("GET", "/v1/documents/{doc_id}/pages/{page}/image"): Doc(_KNOWLEDGE, success={200: ("image/jpeg",)}),
    # siyada.assistants: a bad name (400), the model's own 403/404 and a collection not the tenant's (404),
    # a name already taken (409)
    ("POST", "/v1/assistants"): Doc((400, 403, 404, 409), links={201: _ASSISTANT_LINKS}),
    ("GET", "/v1/assistants/{name}"): Doc((400, 404)),
    ("PATCH", "/v1/assistants/{name}"): Doc((400, 403, 404), links={200: _ASSISTANT_LINKS}),
    ("DELETE", "/v1/assistants/{name}"): Doc((400, 404)),
    ("GET", "/v1/assistants/{name}/versions"): Doc((400, 404)),
    # siyada.assistants.templates: an unknown template (404)
    ("GET", "/v1/assistants/templates/{template_id}"): Doc((400, 404)),
    ("GET", "/v1/assistants/templates/{template_id}/evaluation"): Doc((400, 404)),
    # siyada.assistants.channel / .watch: the assistant (or its widget) absent or another tenant's (404)
    ("GET", "/v1/assistants/{name}/widget"): Doc((400, 404)),
    ("PUT", "/v1/assistants/{name}/widget"): Doc((400, 404)),
    ("DELETE", "/v1/assistants/{name}/widget"): Doc((400, 404)),
    ("GET", "/v1/assistants/{name}/stats"): Doc((400, 404)),
    ("GET", "/v1/assistants/{name}/stats.csv"): Doc((400, 404), success={200: ("text/csv",)}),
    ("GET", "/v1/assistants/{name}/unanswered"): Doc((400, 404)),
    ("GET", "/v1/assistants/{name}/unanswered.csv"): Doc((400, 404), success={200: ("text/csv",)}),
    # the builder's draft served as a call: the model's and the collections' answers, streamed or not
    ("POST", "/v1/assistant-previews"): Doc(_GATEWAY + _KNOWLEDGE, success={200: _SSE}),
    ("GET", "/v1/uploads/{upload_id}"): Doc((404,)),  # unknown here (siyada.api.uploads)
    ("POST", "/v1/search"): Doc(_KNOWLEDGE),
    ("POST", "/v1/privacy/deanonymize"): Doc(),
    ("GET", "/v1/evaluations"): Doc((400,)),
    ("GET", "/v1/evaluations/{run_id}"): Doc((404,)),
    # a checkpoint that does not extend what was witnessed (fork, rollback, gap); an origin never seen
    ("POST", "/v1/audit/witness"): Doc((409,)),
    ("GET", "/v1/audit/witness"): Doc((404,)),
    ("GET", "/v1/evaluations/{run_id}/report"): Doc((404,)),
    ("GET", "/v1/admin/tenants"): Doc((400,)),
    ("POST", "/v1/admin/tenants"): Doc((409,), links={201: _TENANT_LINKS}),
    ("GET", "/v1/admin/tenants/{name}"): Doc((404,)),
    ("PATCH", "/v1/admin/tenants/{name}"): Doc((404,)),
    ("GET", "/v1/admin/keys"): Doc((400, 404)),
    ("POST", "/v1/admin/keys"): Doc((404,), links={201: _KEY_LINKS}),
    ("DELETE", "/v1/admin/keys/{key_id}"): Doc((404,)),
    ("GET", "/v1/admin/limits"): Doc((400,)),
    ("PUT", "/v1/admin/limits"): Doc((404,), links={200: _LIMIT_LINKS}),
    ("DELETE", "/v1/admin/limits/{limit_id}"): Doc((404,)),
    ("GET", "/v1/admin/audit"): Doc((400,)),
    ("GET", "/v1/admin/users"): Doc((400, 404)),
    ("POST", "/v1/admin/users"): Doc((404, 409), links={201: _USER_LINKS}),
    ("GET", "/v1/admin/users/{username}"): Doc((404,)),
    ("PATCH", "/v1/admin/users/{username}"): Doc((404,)),
    ("DELETE", "/v1/admin/users/{username}/sessions"): Doc((404,)),
    # the data space: a file that is no table (415) or cannot be read within the bounds (422); a draft or
    # another tenant's unknown id (404); not the owner (403); publishing without a full card (409)
    ("POST", "/v1/dataspace/datasets"): Doc((415, 422), success={201: ("application/json",)}),
    ("GET", "/v1/dataspace/datasets/{dataset_id}"): Doc((404,)),
    ("PATCH", "/v1/dataspace/datasets/{dataset_id}"): Doc((404, 409)),
    ("POST", "/v1/dataspace/datasets/{dataset_id}/publish"): Doc((404, 409)),
    ("GET", "/v1/dataspace/catalog"): Doc(success={200: ("application/ld+json", "text/turtle")}),
    ("POST", "/v1/dataspace/requests"): Doc((404,)),
    ("GET", "/v1/dataspace/requests/{request_id}"): Doc((404,)),
    ("POST", "/v1/dataspace/requests/{request_id}/approve"): Doc((404, 409)),
    ("POST", "/v1/dataspace/requests/{request_id}/refuse"): Doc((404, 409)),
    ("GET", "/v1/dataspace/grants/{grant_id}"): Doc((404,)),
    ("POST", "/v1/dataspace/grants/{grant_id}/authorise"): Doc(),
    ("POST", "/v1/dataspace/grants/{grant_id}/revoke"): Doc((404,)),
    # queries: refused by validation (400, in BODY_ERRORS) or by the grant, the ε ledger or the table
    # budget (403); failed in the sandbox (422). Outputs: not the caller's to see (404), not pending (409),
    # not released yet (403 from the route, beside authentication's).
    ("POST", "/v1/dataspace/queries"): Doc((403, 422)),
    ("GET", "/v1/dataspace/outputs/{output_id}"): Doc((404,)),
    ("POST", "/v1/dataspace/outputs/{output_id}/approve"): Doc((403, 404, 409)),
    ("POST", "/v1/dataspace/outputs/{output_id}/reject"): Doc((403, 404, 409)),
    ("GET", "/v1/dataspace/outputs/{output_id}/download"): Doc((403, 404), success={200: ("text/csv",)}),
    # files and batches (siyada.batches): a bad `limit`/`after`/`purpose` (400); another tenant's or an
    # unknown id (404); a file a running batch reads, or a batch already ended (409)
    ("POST", "/v1/files"): Doc(links={200: _FILE_LINKS}),
    ("GET", "/v1/files"): Doc((400,)),
    ("GET", "/v1/files/{file_id}"): Doc((404,)),
    ("GET", "/v1/files/{file_id}/content"): Doc((404,), success={200: ("application/octet-stream",)}),
    ("DELETE", "/v1/files/{file_id}"): Doc((404, 409)),
    ("POST", "/v1/batches"): Doc((404,), links={200: _BATCH_LINKS}),
    ("GET", "/v1/batches"): Doc((400,)),
    ("GET", "/v1/batches/{batch_id}"): Doc((404,)),
    ("POST", "/v1/batches/{batch_id}/cancel"): Doc((404, 409)),
    ("POST", "/ui/api/conversations"): Doc(links={201: _CONVERSATION_LINKS}),
    ("GET", "/ui/api/conversations/{conv_id}"): Doc((404,)),
    ("PUT", "/ui/api/conversations/{conv_id}"): Doc((404,)),
    ("DELETE", "/ui/api/conversations/{conv_id}"): Doc((404,)),
}


def api_routes(app: FastAPI) -> Iterator[Any]:
    """Every API route, through FastAPI's included routers (each as its effective route context)."""
    for ctx in iter_route_contexts(app.routes):
        if isinstance(ctx.original_route, APIRoute):
            yield ctx


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for dep in dependant.dependencies:
        if dep.call is not None:
            yield dep.call
        yield from _calls(dep)


def route_errors(route: Any, method: str) -> set[int]:
    """Every error status the route can answer for `method`."""
    statuses: set[int] = set()
    for call in _calls(route.dependant):
        statuses.update(DEPENDENCY_ERRORS.get(call, ()))
    if "requestBody" in (route.openapi_extra or {}):
        statuses.update(BODY_ERRORS)
    if route.dependant.path_params or route.dependant.query_params:
        statuses.update(PARAM_ERRORS)
    statuses.update(ROUTES.get((method, route.path_format), Doc()).errors)
    return statuses


def _hoist_defs(node: Any, schemas: dict[str, Any]) -> None:
    """Move every `$defs` (pydantic's nested models) into components/schemas; refs already point there."""
    if isinstance(node, dict):
        for name, schema in node.pop("$defs", {}).items():
            if schemas.setdefault(name, schema) != schema:
                raise ValueError(f"two different request schemas are both named {name!r}")
            _hoist_defs(schema, schemas)
        for value in node.values():
            _hoist_defs(value, schemas)
    elif isinstance(node, list):
        for value in node:
            _hoist_defs(value, schemas)


def _bounded(node: dict[str, Any]) -> None:
    """Bound the integers of a request schema to 64 bits and type its free-form values (as read_json)."""
    kinds = node.get("type")
    if kinds == "integer" or (isinstance(kinds, list) and "integer" in kinds):
        node["minimum"] = max(node.get("minimum", INT_MIN), INT_MIN)
        node["maximum"] = min(node.get("maximum", INT_MAX), INT_MAX)
    if node.get("additionalProperties") is True:
        node["additionalProperties"] = dict(JSON_REF)
    for name, sub in node.get("properties", {}).items():
        node["properties"][name] = _bounded_sub(sub)
    for key in _SUBSCHEMAS:
        if isinstance(node.get(key), dict):
            node[key] = _bounded_sub(node[key])
    for key in _SUBSCHEMA_LISTS:
        if isinstance(node.get(key), list):
            node[key] = [_bounded_sub(sub) for sub in node[key]]


def _bounded_sub(sub: dict[str, Any]) -> dict[str, Any]:
    if set(sub) <= _ANNOTATIONS:  # pydantic's `Any`: no constraint at all
        return {**sub, **JSON_REF}
    _bounded(sub)
    return sub


def _request_schemas(spec: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for item in spec["paths"].values():
        for op in item.values():
            for media in op.get("requestBody", {}).get("content", {}).values():
                yield media["schema"]
            for param in op.get("parameters", []):
                yield param["schema"]


def _operation_ids(spec: dict[str, Any]) -> dict[tuple[str, str], str]:
    return {
        (method.upper(), path): op["operationId"]
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if "operationId" in op
    }


def _document(operation: dict[str, Any], route: Any, method: str, ids: dict[tuple[str, str], str]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    responses.pop("422", None)  # FastAPI's own validation error: this server answers 400 instead
    doc = ROUTES.get((method, route.path_format), Doc())
    for status, media in doc.success.items():
        entry = responses.setdefault(str(status), {"description": "Successful Response"})
        content = entry.setdefault("content", {})
        for media_type in media:
            content.setdefault(media_type, {"schema": {}} if media_type == "application/json" else {})
    for status, links in doc.links.items():
        responses[str(status)]["links"] = {
            name: {"operationId": ids[(m, p)], "parameters": params} for name, (m, p, params) in links.items()
        }
    for status in sorted(route_errors(route, method)):
        responses[str(status)] = {
            "description": REASONS.get(status, "Error"),
            "content": {"application/json": {"schema": ERROR_REF}},
        }
    if any(DEPENDENCY_ERRORS.get(c) for c in _calls(route.dependant)):
        operation["security"] = [{BEARER: []}]


def build_openapi(app: FastAPI) -> dict[str, Any]:
    spec = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    components = spec.setdefault("components", {})
    schemas: dict[str, Any] = components.setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)  # FastAPI's 422 shape, which this server never answers
    components["securitySchemes"] = {BEARER: {"type": "http", "scheme": "bearer"}}
    _hoist_defs(spec["paths"], schemas)
    for schema in [*_request_schemas(spec), *schemas.values()]:
        _bounded(schema)
    schemas["Error"] = ERROR_SCHEMA
    schemas["JsonValue"] = JSON_VALUE
    ids = _operation_ids(spec)
    for route in api_routes(app):
        if not route.include_in_schema:
            continue
        for method in route.methods:
            operation = spec["paths"][route.path_format].get(method.lower())
            if operation is not None:
                _document(operation, route, method, ids)
    return spec


def install_openapi(app: FastAPI) -> None:
    """Serve the exact description at /openapi.json (built once, on first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
