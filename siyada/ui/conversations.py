"""Chat history per user, kept by the server: GET|POST /ui/api/conversations, GET|PUT|DELETE …/{id}.

A conversation belongs to the key the caller acts as (an API key, or the key behind a username), so it
follows the user from browser to browser and another user of the same browser sees none of it. Its
title and messages may hold personal data the user typed, so they are stored sealed under the tenant's
key (AES-GCM): a copied database file shows no text of them.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from typing import Any, Literal

import orjson
import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.engine import Engine

from siyada.api.auth import authenticate
from siyada.api.body import openapi_body, read_json, validate
from siyada.errors import ApiError
from siyada.governance.keys import Principal
from siyada.privacy.secrets import TenantKeys
from siyada.store.tables import ui_conversations

PURPOSE = "ui-conversation"
KEEP_PER_USER = 200  # the oldest beyond this are dropped, as a chat app's history scrolls away
MAX_SEALED_BYTES = 512 * 1024

router = APIRouter(tags=["web app"])


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["user", "assistant"]
    content: str
    citations: list[dict[str, Any]] | None = None
    demo: bool = False  # written freely by a demo model: the page flags it again when reopened


class Conversation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(default="", max_length=200)
    messages: list[Message] = Field(default_factory=list, max_length=500)


def _keys(request: Request) -> TenantKeys:
    return request.app.state.privacy.keys


def _seal(keys: TenantKeys, principal: Principal, conversation: Conversation) -> bytes:
    sealed = keys.encrypt(PURPOSE, principal.tenant.id, orjson.dumps(conversation.model_dump()))
    if len(sealed) > MAX_SEALED_BYTES:
        raise ApiError(
            413, f"A conversation is limited to {MAX_SEALED_BYTES} bytes", code="conversation_too_large"
        )
    return sealed


def _open(keys: TenantKeys, principal: Principal, sealed: bytes) -> dict[str, Any]:
    return dict(orjson.loads(keys.decrypt(PURPOSE, principal.tenant.id, sealed)))


def _missing(conv_id: str) -> ApiError:
    return ApiError(404, f"conversation {conv_id!r} does not exist", code="conversation_not_found")


def _owned(principal: Principal) -> sa.ColumnElement[bool]:
    return sa.and_(
        ui_conversations.c.key_id == principal.key_id, ui_conversations.c.tenant_id == principal.tenant.id
    )


def _list(engine: Engine, keys: TenantKeys, principal: Principal) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(ui_conversations)
            .where(_owned(principal))
            .order_by(ui_conversations.c.updated_at.desc())
            .limit(KEEP_PER_USER)
        ).all()
    return [
        {"id": r.id, "title": _open(keys, principal, r.sealed)["title"], "updated_at": r.updated_at}
        for r in rows
    ]


def _get(engine: Engine, keys: TenantKeys, principal: Principal, conv_id: str) -> dict[str, Any]:
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(ui_conversations).where(ui_conversations.c.id == conv_id, _owned(principal))
        ).first()
    if row is None:
        raise _missing(conv_id)
    return {"id": row.id, "updated_at": row.updated_at, **_open(keys, principal, row.sealed)}


def _create(engine: Engine, principal: Principal, sealed: bytes) -> dict[str, Any]:
    conv_id, now = secrets.token_hex(12), time.time()
    with engine.begin() as conn:
        conn.execute(
            ui_conversations.insert().values(
                id=conv_id,
                tenant_id=principal.tenant.id,
                key_id=principal.key_id,
                sealed=sealed,
                created_at=now,
                updated_at=now,
            )
        )
        _prune(conn, principal)
    return {"id": conv_id, "updated_at": now}


def _prune(conn: sa.Connection, principal: Principal) -> None:
    keep = (
        sa.select(ui_conversations.c.id)
        .where(_owned(principal))
        .order_by(ui_conversations.c.updated_at.desc())
        .limit(KEEP_PER_USER)
    )
    conn.execute(ui_conversations.delete().where(_owned(principal), ui_conversations.c.id.not_in(keep)))


def _replace(engine: Engine, principal: Principal, conv_id: str, sealed: bytes) -> dict[str, Any]:
    now = time.time()
    with engine.begin() as conn:
        done = conn.execute(
            ui_conversations.update()
            .where(ui_conversations.c.id == conv_id, _owned(principal))
            .values(sealed=sealed, updated_at=now)
        ).rowcount
    if not done:
        raise _missing(conv_id)
    return {"id": conv_id, "updated_at": now}


def _delete(engine: Engine, principal: Principal, conv_id: str) -> dict[str, Any]:
    with engine.begin() as conn:
        done = conn.execute(
            ui_conversations.delete().where(ui_conversations.c.id == conv_id, _owned(principal))
        ).rowcount
    if not done:
        raise _missing(conv_id)
    return {"id": conv_id, "deleted": True}


@router.get("/ui/api/conversations")
async def list_conversations(
    request: Request, principal: Principal = Depends(authenticate)
) -> dict[str, Any]:
    data = await asyncio.to_thread(_list, request.app.state.engine, _keys(request), principal)
    return {"object": "list", "data": data}


@router.post("/ui/api/conversations", status_code=201, openapi_extra=openapi_body(Conversation))
async def create_conversation(
    request: Request, principal: Principal = Depends(authenticate)
) -> dict[str, Any]:
    sealed = _seal(_keys(request), principal, validate(Conversation, await read_json(request)))
    return await asyncio.to_thread(_create, request.app.state.engine, principal, sealed)


@router.get("/ui/api/conversations/{conv_id}")
async def get_conversation(
    conv_id: str, request: Request, principal: Principal = Depends(authenticate)
) -> dict[str, Any]:
    return await asyncio.to_thread(_get, request.app.state.engine, _keys(request), principal, conv_id)


@router.put("/ui/api/conversations/{conv_id}", openapi_extra=openapi_body(Conversation))
async def replace_conversation(
    conv_id: str, request: Request, principal: Principal = Depends(authenticate)
) -> dict[str, Any]:
    sealed = _seal(_keys(request), principal, validate(Conversation, await read_json(request)))
    return await asyncio.to_thread(_replace, request.app.state.engine, principal, conv_id, sealed)


@router.delete("/ui/api/conversations/{conv_id}")
async def delete_conversation(
    conv_id: str, request: Request, principal: Principal = Depends(authenticate)
) -> dict[str, Any]:
    return await asyncio.to_thread(_delete, request.app.state.engine, principal, conv_id)
