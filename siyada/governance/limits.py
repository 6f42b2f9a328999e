"""Quota limits as stored: per key or per tenant, for one model or for all models together."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyada.governance import audit
from siyada.store.tables import api_keys, limits

Scope = Literal["key", "tenant"]
LIMIT_FIELDS = ("rpm", "tpm", "tpd", "monthly_tokens")


class LimitError(ValueError):
    """A limit that cannot be set; the message says why."""


@dataclass(frozen=True)
class Limit:
    id: int
    scope: Scope
    scope_id: int
    model: str | None
    rpm: int | None
    tpm: int | None
    tpd: int | None
    monthly_tokens: int | None

    def applies_to(self, key_id: int, tenant_id: int, model: str) -> bool:
        owner = self.scope_id == (key_id if self.scope == "key" else tenant_id)
        return owner and (self.model is None or self.model == model)


def set_limit(
    engine: Engine,
    scope: Scope,
    scope_id: int,
    model: str | None = None,
    *,
    actor: str = "cli",
    **values: int | None,
) -> Limit:
    """Create or replace the limit of (scope, scope_id, model); a value of None lifts that limit."""
    if scope not in ("key", "tenant"):
        raise LimitError("scope must be 'key' or 'tenant'")
    unknown = set(values) - set(LIMIT_FIELDS)
    if unknown:
        raise LimitError(f"unknown limit(s): {', '.join(sorted(unknown))}")
    for name, v in values.items():
        if v is not None and v < 0:
            raise LimitError(f"{name} must be zero or more")
    row = {f: values.get(f) for f in LIMIT_FIELDS}
    where = sa.and_(
        limits.c.scope == scope,
        limits.c.scope_id == scope_id,
        limits.c.model.is_(None) if model is None else limits.c.model == model,
    )
    with engine.begin() as conn:
        conn.execute(limits.delete().where(where))
        conn.execute(
            limits.insert().values(scope=scope, scope_id=scope_id, model=model, created_at=time.time(), **row)
        )
        tenant_id = _tenant_of(conn, scope, scope_id)
    lim = next(
        x for x in list_limits(engine) if x.scope == scope and x.scope_id == scope_id and x.model == model
    )
    audit.record(
        engine,
        "limit.set",
        actor=actor,
        tenant_id=tenant_id,
        target=f"{scope}:{scope_id}",
        details={"model": model or "all", **{k: v for k, v in row.items() if v is not None}},
    )
    return lim


def _tenant_of(conn: sa.Connection, scope: str, scope_id: int) -> int | None:
    """The tenant a limit concerns, so that its audit entries are that tenant's (its admin reads them)."""
    if scope == "tenant":
        return scope_id
    return conn.execute(sa.select(api_keys.c.tenant_id).where(api_keys.c.id == scope_id)).scalar()


def delete_limit(engine: Engine, limit_id: int, *, actor: str = "cli") -> None:
    with engine.begin() as conn:
        q = sa.select(limits.c.scope, limits.c.scope_id).where(limits.c.id == limit_id)
        row = conn.execute(q).first()
        if row is None or conn.execute(limits.delete().where(limits.c.id == limit_id)).rowcount == 0:
            raise LimitError(f"no limit with id {limit_id}")
        tenant_id = _tenant_of(conn, row.scope, row.scope_id)
    audit.record(engine, "limit.deleted", actor=actor, tenant_id=tenant_id, target=f"limit:{limit_id}")


def list_limits(engine: Engine) -> list[Limit]:
    with engine.connect() as conn:
        return [
            Limit(r.id, r.scope, r.scope_id, r.model, r.rpm, r.tpm, r.tpd, r.monthly_tokens)
            for r in conn.execute(sa.select(limits).order_by(limits.c.id))
        ]
