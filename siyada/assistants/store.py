"""Assistants in the database, always within one tenant: another tenant's assistant reads as absent (404),
exactly like one that never existed. Every write is audited in the same transaction (audit.transaction
also serialises writers, so two edits never take the same version number)."""

from __future__ import annotations

import time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from siyada.assistants.spec import PREFIX, AssistantFields
from siyada.errors import ApiError
from siyada.governance import audit
from siyada.store.tables_assistants import assistants


def _missing(name: str, version: int | None = None) -> ApiError:
    what = f"{name}@{version}" if version is not None else name
    return ApiError(404, f"The assistant {what!r} does not exist", code="assistant_not_found", param="name")


def as_dict(row: Any) -> dict[str, Any]:
    return {
        "id": PREFIX + row.name,
        "object": "assistant",
        "name": row.name,
        "version": row.version,
        "created_at": int(row.created_at),
        "created_by": row.created_by,
        "retired": row.retired_at is not None,
        **row.config,
    }


def config_of(assistant: dict[str, Any]) -> dict[str, Any]:
    """The configuration part of an assistant's dict (what a version stores)."""
    return {k: assistant[k] for k in AssistantFields.model_fields}


def _rows(conn: Connection, tenant_id: int, name: str) -> list[Any]:
    q = sa.select(assistants).where(assistants.c.tenant_id == tenant_id, assistants.c.name == name)
    return list(conn.execute(q.order_by(assistants.c.version)))


def _details(row_version: int, config: dict[str, Any]) -> dict[str, Any]:
    # identifiers and counts only (audit.py): never the instructions' text
    return {
        "version": row_version,
        "model": config["model"][:200],
        "collections": len(config["collections"]),
        "answer_mode": config["answer_mode"],
        "privacy": config["privacy"],
    }


def _insert(conn: Connection, tenant_id: int, actor: str, name: str, version: int, config: dict) -> Any:
    now = time.time()
    conn.execute(
        assistants.insert().values(
            tenant_id=tenant_id,
            name=name,
            version=version,
            config=config,
            created_at=now,
            created_by=actor,
        )
    )
    action = "assistant.created" if version == 1 else "assistant.edited"
    audit.append(
        conn,
        action,
        actor=actor,
        tenant_id=tenant_id,
        target=PREFIX + name,
        details=_details(version, config),
    )
    return _rows(conn, tenant_id, name)[-1]


def create(engine: Engine, tenant_id: int, actor: str, name: str, config: dict[str, Any]) -> dict[str, Any]:
    with audit.transaction(engine) as conn:
        if _rows(conn, tenant_id, name):
            # a retired name stays taken: `assistant/NAME@2` must never come to mean something else
            raise ApiError(
                409, f"The assistant {name!r} already exists", code="assistant_exists", param="name"
            )
        return as_dict(_insert(conn, tenant_id, actor, name, 1, config))


def edit(engine: Engine, tenant_id: int, actor: str, name: str, changes: dict[str, Any]) -> dict[str, Any]:
    """A new version: the latest configuration with `changes` applied. Old versions never change."""
    with audit.transaction(engine) as conn:
        rows = _rows(conn, tenant_id, name)
        if not rows or rows[-1].retired_at is not None:
            raise _missing(name)
        config = {**rows[-1].config, **changes}
        return as_dict(_insert(conn, tenant_id, actor, name, rows[-1].version + 1, config))


def retire(engine: Engine, tenant_id: int, actor: str, name: str) -> dict[str, Any]:
    with audit.transaction(engine) as conn:
        rows = _rows(conn, tenant_id, name)
        if not rows or rows[-1].retired_at is not None:
            raise _missing(name)
        conn.execute(
            assistants.update()
            .where(assistants.c.tenant_id == tenant_id, assistants.c.name == name)
            .values(retired_at=time.time())
        )
        audit.append(
            conn,
            "assistant.retired",
            actor=actor,
            tenant_id=tenant_id,
            target=PREFIX + name,
            details={"version": rows[-1].version},
        )
    return {"id": PREFIX + name, "object": "assistant", "name": name, "deleted": True}


def get(engine: Engine, tenant_id: int, name: str, version: int | None = None) -> dict[str, Any]:
    """The latest (or the given) version of a live assistant; 404 otherwise. One indexed row read, however
    many versions there are: this runs on every call of `assistant/NAME`."""
    a = assistants
    q = sa.select(a).where(a.c.tenant_id == tenant_id, a.c.name == name)
    q = q.where(a.c.version == version) if version is not None else q.order_by(a.c.version.desc()).limit(1)
    with engine.connect() as conn:
        row = conn.execute(q).first()
    if row is None or row.retired_at is not None:  # retiring stamps every version
        raise _missing(name, version)
    return as_dict(row)


def versions(engine: Engine, tenant_id: int, name: str) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = _rows(conn, tenant_id, name)
    if not rows or rows[-1].retired_at is not None:
        raise _missing(name)
    return [as_dict(r) for r in rows]


def list_latest(engine: Engine, tenant_id: int, limit: int, after: str | None = None) -> list[dict[str, Any]]:
    """The live assistants' latest versions, by name, `limit` of them after the name `after`."""
    a = assistants
    newest = (
        sa.select(a.c.name, sa.func.max(a.c.version).label("version"))
        .where(a.c.tenant_id == tenant_id, a.c.retired_at.is_(None))
        .group_by(a.c.name)
        .subquery()
    )
    q = (
        sa.select(a)
        .join(newest, sa.and_(a.c.name == newest.c.name, a.c.version == newest.c.version))
        .where(a.c.tenant_id == tenant_id)
    )
    if after is not None:
        q = q.where(a.c.name > after)
    with engine.connect() as conn:
        return [as_dict(r) for r in conn.execute(q.order_by(a.c.name).limit(limit))]
