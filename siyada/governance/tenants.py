"""Tenants: an administration, a region, a company sharing one Siyada."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyada.governance import audit
from siyada.lang.bidi import refusal
from siyada.store.tables import tenants

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$"  # also the API schema's
_NAME = re.compile(NAME_PATTERN)


class TenantError(ValueError):
    """A tenant operation that cannot be done; the message says why."""


@dataclass(frozen=True)
class Tenant:
    id: int
    name: str
    description: str
    allowed_models: list[str] | None
    created_at: float

    def may_use(self, model: str) -> bool:
        return self.allowed_models is None or model in self.allowed_models


def _models_detail(models: list[str] | None) -> list[str] | str | None:
    """Model names for an audit entry, or just their count when the list is too long to record."""
    if models is None or (len(",".join(models)) <= 1500 and all(len(m) <= 200 for m in models)):
        return models
    return f"{len(models)} models"


def _row_to_tenant(row: sa.Row) -> Tenant:
    return Tenant(row.id, row.name, row.description, row.allowed_models, row.created_at)


def create_tenant(
    engine: Engine,
    name: str,
    description: str = "",
    allowed_models: list[str] | None = None,
    *,
    actor: str = "cli",
) -> Tenant:
    hidden = refusal(name, "tenant name")
    if hidden is not None:
        raise TenantError(hidden)
    if not _NAME.fullmatch(name):
        raise TenantError(
            "tenant name must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit"
        )
    # The audit entry commits (or rolls back) together with the tenant; the description is free text
    # and stays out of the audit log.
    with audit.transaction(engine) as conn:
        if conn.execute(sa.select(tenants.c.id).where(tenants.c.name == name)).first():
            raise TenantError(f"tenant {name!r} already exists")
        res = conn.execute(
            tenants.insert().values(
                name=name, description=description, allowed_models=allowed_models, created_at=time.time()
            )
        )
        tenant_id = res.inserted_primary_key[0]
        audit.append(
            conn,
            "tenant.created",
            actor=actor,
            tenant_id=tenant_id,
            target=f"tenant:{tenant_id}",
            details={"name": name, "allowed_models": _models_detail(allowed_models)},
        )
    return Tenant(tenant_id, name, description, allowed_models, time.time())


def ensure_first_tenant(engine: Engine) -> None:
    """Create the `default` tenant on a store that has none, as the first `serve` or CLI command does,
    so that the commands the README gives work in any order on a fresh data directory."""
    with engine.connect() as conn:
        if conn.execute(sa.select(tenants.c.id).limit(1)).first() is not None:
            return
    try:
        create_tenant(engine, "default", "Created at first start")
    except (TenantError, sa.exc.IntegrityError):  # another process created it meanwhile
        pass


def list_tenants(engine: Engine) -> list[Tenant]:
    with engine.connect() as conn:
        return [_row_to_tenant(r) for r in conn.execute(sa.select(tenants).order_by(tenants.c.id))]


def get_tenant(engine: Engine, name: str) -> Tenant:
    with engine.connect() as conn:
        row = conn.execute(sa.select(tenants).where(tenants.c.name == name)).first()
    if row is None:
        raise TenantError(f"no tenant named {name!r}")
    return _row_to_tenant(row)


def set_allowed_models(engine: Engine, name: str, models: list[str] | None, *, actor: str = "cli") -> Tenant:
    tenant = get_tenant(engine, name)
    with audit.transaction(engine) as conn:
        conn.execute(tenants.update().where(tenants.c.id == tenant.id).values(allowed_models=models))
        audit.append(
            conn,
            "tenant.models_changed",
            actor=actor,
            tenant_id=tenant.id,
            target=f"tenant:{tenant.id}",
            details={"before": _models_detail(tenant.allowed_models), "after": _models_detail(models)},
        )
    return get_tenant(engine, name)
