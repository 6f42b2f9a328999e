"""An assistant served as a model: `assistant/NAME[@VERSION]` on /v1/chat/completions runs the grounded
path (siyada.knowledge.answer) with the assistant's configuration, or a plain chat with its instructions
when it has no collections.

What the caller cannot change: `collections`, `answer_mode` and `retrieval` are the assistant's (a body
that names them is refused, 400, rather than silently narrowed); `temperature` is the assistant's when it
sets one (SDKs send a temperature by default, so it is overridden, not refused); `tools` must be among the
assistant's allowed tools (400 otherwise). Usage rows name `assistant/NAME@VERSION` as their model.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy.engine import Engine

from siyada.assistants import store, watch
from siyada.assistants.spec import LANGUAGES, PREFIX, parse_model
from siyada.errors import ApiError
from siyada.gateway.router import close_quietly
from siyada.gateway.service import Gateway
from siyada.governance.keys import Principal
from siyada.knowledge.answer import EXTENSION_FIELDS, GroundedChat, question_of
from siyada.knowledge.collections import find_collection
from siyada.knowledge.grounding import answer_language

# The question's language (answer_language) -> the instructions used, in order of preference.
_PREFERENCE = {"ar": ("ar", "ary"), "ary-Latn": ("ary", "fr", "ar"), "fr": ("fr",), "en": ("en", "fr")}
Answer = dict[str, Any] | AsyncIterator[list[dict[str, Any]]]
log = logging.getLogger("siyada.assistants")


def is_assistant(model: Any) -> bool:
    return isinstance(model, str) and model.startswith(PREFIX)


def check_config(gateway: Gateway, engine: Engine, principal: Principal, config: dict[str, Any]) -> None:
    """The model must be one the tenant may call for chat (the gateway's own 404/403/400), and the
    collections the tenant's own."""
    gateway.model_for(principal, config["model"], "chat/completions")
    own_collections(engine, principal.tenant.id, config)


def own_collections(engine: Engine, tenant_id: int, config: dict[str, Any]) -> None:
    """Each collection the tenant's own (404 otherwise, as for another tenant's), stored by name; and no
    tools beside collections (the grounded path answers with quotes, not tool calls)."""
    names: list[str] = []
    with engine.connect() as conn:
        for ref in config["collections"]:
            row = find_collection(conn, tenant_id, ref)
            if row is None:
                raise ApiError(
                    404,
                    f"collection {ref!r} does not exist",
                    code="collection_not_found",
                    param="collections",
                )
            names.append(row.name)
    config["collections"] = list(dict.fromkeys(names))
    if config["collections"] and config["tools"]:
        raise ApiError(
            400, "tools cannot be combined with collections", code="invalid_request", param="tools"
        )


def instructions_for(config: dict[str, Any], question: str) -> str:
    texts: dict[str, str] = config["instructions"]
    for lang in (*_PREFERENCE[answer_language(question)], *LANGUAGES):
        if texts.get(lang):
            return texts[lang]
    return ""


def _refuse_widening(config: dict[str, Any], body: dict[str, Any]) -> None:
    for field in EXTENSION_FIELDS:
        if body.get(field) is not None:
            raise ApiError(
                400,
                f"{field!r} is fixed by the assistant; edit the assistant to change it",
                code="assistant_fixed_field",
                param=field,
            )
    allowed = set(config["tools"])
    for tool in body.get("tools") or []:
        name = ((tool or {}).get("function") or {}).get("name")
        if name not in allowed:
            raise ApiError(
                400, f"The assistant does not allow the tool {name!r}", code="tool_not_allowed", param="tools"
            )


def inner_body(config: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """The request the grounded path (or the gateway) runs: the assistant's model, instructions,
    collections, mode, depth and temperature around the caller's messages."""
    _refuse_widening(config, body)
    inner = {**body, "model": config["model"]}
    system = instructions_for(config, question_of(body["messages"]))
    if system:
        inner["messages"] = [{"role": "system", "content": system}, *body["messages"]]
    if config["temperature"] is not None:
        inner["temperature"] = config["temperature"]
    if config["collections"]:
        inner["collections"] = config["collections"]
        inner["retrieval"] = {"k": config["retrieval_k"]}
        if config["answer_mode"]:
            inner["answer_mode"] = config["answer_mode"]
    return inner


class _Recorder:
    """Records one call's question and outcome (siyada.assistants.watch) once the answer is known; a
    failure to record is logged, never raised: the citizen's answer matters more than the statistic."""

    def __init__(
        self, engine: Engine, qid: str, tenant_id: int, found: dict[str, Any], channel: watch.Channel, q: str
    ) -> None:
        self.args = (engine, qid, tenant_id, found["name"], found["version"], channel, q)
        self.grounded = bool(found["collections"])

    async def __call__(self, citations: list[Any] | None) -> None:
        try:
            result = watch.outcome(self.grounded, citations)
            await asyncio.to_thread(watch.record_question, *self.args, result)
        except Exception:
            log.warning("could not record an assistant's question", exc_info=True)


async def _renamed(
    chunks: AsyncIterator[list[dict[str, Any]]], model: str, record: _Recorder | None
) -> AsyncIterator[list[dict[str, Any]]]:
    citations: list[Any] | None = None
    try:
        async for batch in chunks:
            for chunk in batch:
                if "model" in chunk:
                    chunk["model"] = model
                if chunk.get("citations") is not None:
                    citations = chunk["citations"]
            yield batch
    finally:
        await close_quietly(chunks)
    if record is not None:
        await record(citations)  # only a stream that ran to its end is counted


async def answer(
    gateway: Gateway,
    grounded: GroundedChat,
    engine: Engine,
    principal: Principal,
    body: dict[str, Any],
    stream: bool,
    channel: watch.Channel = "api",
    question_id: str | None = None,
) -> tuple[Answer, str, str]:
    """The answer (a dict or a stream), the provider, and `NAME@VERSION`. The call's question is
    recorded under `question_id` (a new one when not given) with its channel and outcome. The widget's
    channel always runs under the strictest shield ("all"), whatever the assistant or tenant says."""
    requested: str = body["model"]
    name, version = parse_model(requested)
    found = await asyncio.to_thread(store.get, engine, principal.tenant.id, name, version)
    label = f"{name}@{found['version']}"
    privacy = "all" if channel == "widget" else found["privacy"]
    qid = question_id or watch.new_question_id()
    record = _Recorder(engine, qid, principal.tenant.id, found, channel, question_of(body["messages"]))
    result, provider = await run(
        gateway, grounded, principal, found, body, stream, PREFIX + label, record=record, privacy=privacy
    )
    return result, provider, label


async def run(
    gateway: Gateway,
    grounded: GroundedChat,
    principal: Principal,
    config: dict[str, Any],
    body: dict[str, Any],
    stream: bool,
    usage_model: str,
    record: _Recorder | None = None,
    privacy: str | None = None,
) -> tuple[Answer, str]:
    """One configuration (a stored version, or the builder's unsaved draft) answering `body`, whose
    `model` the response repeats; the usage row names `usage_model`. `record` counts the call in the
    assistant's statistics (a draft's preview is not counted); `privacy` overrides the configuration's."""
    requested: str = body["model"]
    inner = inner_body(config, body)
    notes: dict[str, Any] = {"usage_model": usage_model, "privacy": privacy or config["privacy"]}
    started = time.perf_counter()
    result: Answer
    if config["collections"]:
        result, provider = await grounded.answer(principal, inner, stream, notes)
        if provider == grounded.LOCAL_PROVIDER:  # quoted, no model ran: the gateway wrote no row
            await gateway.record_local(principal, "chat/completions", config["model"], usage_model, started)
    elif stream:
        result, provider = await gateway.open_stream(principal, "chat/completions", inner, notes)
    else:
        result, provider = await gateway.call(principal, "chat/completions", inner, notes)
    if isinstance(result, dict):
        result["model"] = requested
        if record is not None:
            await record(result.get("citations"))
        return result, provider
    return _renamed(result, requested, record), provider


def card(found: dict[str, Any], tenant: str) -> dict[str, Any]:
    """The assistant as a model object of /v1/models (OpenAI clients ignore the extra fields)."""
    langs = [lang for lang in LANGUAGES if found["instructions"].get(lang)]
    return {
        "id": PREFIX + found["name"],
        "object": "model",
        "created": found["created_at"],
        "owned_by": tenant,
        "type": "chat",
        "aliases": [],
        "providers": [],
        "assistant": {
            "name": found["name"],
            "version": found["version"],
            "model": found["model"],
            "languages": langs,
            "answer_mode": found["answer_mode"],
            "collections": len(found["collections"]),
            "greeting": found["greeting"],
            "suggested_questions": found["suggested_questions"],
        },
    }
