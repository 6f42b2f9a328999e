"""The citizen channel's settings of one assistant (the widget): which origins may embed it, its limits,
its default language. A channel setting, not part of the assistant's versioned configuration: one row per
assistant name, replaced by each edit, every write audited in the same transaction."""

from __future__ import annotations

import time
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import sqlalchemy as sa
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from sqlalchemy.engine import Engine

from siyada.assistants import store
from siyada.assistants.spec import PREFIX
from siyada.errors import ApiError
from siyada.governance import audit
from siyada.store.tables_assistants import assistant_widgets


def normal_origin(value: str) -> str:
    """`scheme://host[:port]` in lower case, as browsers send it in `Origin`; anything else is refused."""
    parts = urlsplit(value.strip())
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or parts.username
        or parts.password
    ):
        raise ValueError(f"{value!r} is not an origin (scheme://host[:port])")
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname.lower()}{port}"


# The pattern is what `normal_origin` accepts (the published schema and the server agree); no IPv6.
_PORT = r"(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4})"
ORIGIN_PATTERN = rf"^[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9.-]+(?::{_PORT})?/?$"
Origin = Annotated[
    str, Field(min_length=8, max_length=200, pattern=ORIGIN_PATTERN), AfterValidator(normal_origin)
]


class WidgetSettings(BaseModel):
    """PUT /v1/assistants/{name}/widget: the whole setting (a PUT replaces it)."""

    model_config = ConfigDict(extra="forbid")
    enabled: bool = True
    origins: list[Origin] = Field(min_length=1, max_length=20)
    # Questions per minute from one client address (IPv6 per /64), and for the assistant as a whole.
    per_address_per_minute: int = Field(default=10, ge=1, le=600)
    per_assistant_per_minute: int = Field(default=120, ge=1, le=100_000)
    language: Literal["fr", "ar", "ary", "zgh"] = "fr"
    token_ttl_seconds: int = Field(default=1800, ge=60, le=86_400)


def _missing(name: str) -> ApiError:
    return ApiError(404, f"The assistant {name!r} has no widget", code="widget_not_found", param="name")


def _as_dict(name: str, row: Any) -> dict[str, Any]:
    return {
        "object": "assistant.widget",
        "assistant": name,
        "updated_at": int(row.updated_at),
        "updated_by": row.updated_by,
        **row.settings,
    }


def get(engine: Engine, tenant_id: int, name: str) -> dict[str, Any]:
    """The live assistant's widget settings; 404 when the assistant is absent (or another tenant's) or
    has no widget."""
    store.get(engine, tenant_id, name)
    w = assistant_widgets
    with engine.connect() as conn:
        row = conn.execute(sa.select(w).where(w.c.tenant_id == tenant_id, w.c.name == name)).first()
    if row is None:
        raise _missing(name)
    return _as_dict(name, row)


def put(engine: Engine, tenant_id: int, actor: str, name: str, settings: WidgetSettings) -> dict[str, Any]:
    store.get(engine, tenant_id, name)  # 404 for an absent, retired or foreign assistant
    values = settings.model_dump()
    w = assistant_widgets
    now = time.time()
    with audit.transaction(engine) as conn:
        found = conn.execute(sa.select(w.c.id).where(w.c.tenant_id == tenant_id, w.c.name == name)).first()
        if found is None:
            conn.execute(
                w.insert().values(
                    tenant_id=tenant_id, name=name, settings=values, updated_at=now, updated_by=actor
                )
            )
        else:
            conn.execute(
                w.update().where(w.c.id == found.id).values(settings=values, updated_at=now, updated_by=actor)
            )
        audit.append(
            conn,
            "assistant.widget.set",
            actor=actor,
            tenant_id=tenant_id,
            target=PREFIX + name,
            details={
                "enabled": values["enabled"],
                "origins": values["origins"],
                "per_address_per_minute": values["per_address_per_minute"],
                "per_assistant_per_minute": values["per_assistant_per_minute"],
            },
        )
        row = conn.execute(sa.select(w).where(w.c.tenant_id == tenant_id, w.c.name == name)).one()
    return _as_dict(name, row)


def remove(engine: Engine, tenant_id: int, actor: str, name: str) -> dict[str, Any]:
    store.get(engine, tenant_id, name)
    w = assistant_widgets
    with audit.transaction(engine) as conn:
        gone = conn.execute(w.delete().where(w.c.tenant_id == tenant_id, w.c.name == name)).rowcount
        if not gone:
            raise _missing(name)
        audit.append(conn, "assistant.widget.removed", actor=actor, tenant_id=tenant_id, target=PREFIX + name)
    return {"object": "assistant.widget", "assistant": name, "deleted": True}


def live(engine: Engine, tenant_id: int, name: str) -> dict[str, Any] | None:
    """The settings a citizen's call runs under, or None when there is no enabled widget."""
    try:
        found = get(engine, tenant_id, name)
    except ApiError:
        return None
    return found if found["enabled"] else None
