"""Safe projects: a researcher's request for a published data set, and its owner's decision.

Any authenticated principal of any tenant may ask (the researcher is its key); only an admin of the
tenant that owns the data set may approve or refuse (403 for anyone else, the operator of another tenant
included). A request is decided once: the status moves from `pending` in one conditional UPDATE, so two
concurrent approvals make one grant. An approval may narrow what was asked, never widen it, and never
grants a direct identifier.
"""

from __future__ import annotations

import math
import time
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.engine import Connection, Engine

from siyada.dataspace import datasets, grants
from siyada.dataspace.datasets import new_id
from siyada.dataspace.grants import MICRO
from siyada.errors import ApiError
from siyada.governance import audit
from siyada.governance.keys import Principal
from siyada.store.tables_dataspace import dataspace_datasets, dataspace_grants, dataspace_requests

Mode = Literal["table", "sql", "dp"]
MAX_EPSILON = 10.0
MAX_DAYS = 730
_DAY = 86_400.0


class RequestCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    dataset: str = Field(min_length=1, max_length=40)
    purpose: str = Field(min_length=10, max_length=2000)
    columns: list[str] = Field(min_length=1, max_length=500)
    modes: list[Mode] = Field(min_length=1, max_length=3)
    duration_days: int = Field(ge=1, le=MAX_DAYS)
    # The ε budget asked for differential privacy; 0 without the dp mode.
    epsilon: float = Field(default=0.0, ge=0, le=MAX_EPSILON, allow_inf_nan=False)


class Approval(BaseModel):
    """What the owner grants: by default all that was asked; each field may only narrow it."""

    model_config = ConfigDict(extra="forbid")
    columns: list[str] | None = Field(default=None, min_length=1, max_length=500)
    modes: list[Mode] | None = Field(default=None, min_length=1, max_length=3)
    duration_days: int | None = Field(default=None, ge=1, le=MAX_DAYS)
    epsilon: float | None = Field(default=None, ge=0, le=MAX_EPSILON, allow_inf_nan=False)


class Refusal(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(default="", max_length=500)


def micro(epsilon: float) -> int:
    if isinstance(epsilon, bool) or not isinstance(epsilon, int | float) or not math.isfinite(epsilon):
        raise ApiError(400, "ε must be a finite number", code="invalid_epsilon", param="epsilon")
    return round(epsilon * MICRO)


def _bad(message: str, param: str) -> ApiError:
    return ApiError(400, message, code="invalid_request", param=param)


def _view(row: Any) -> dict[str, Any]:
    return {
        "object": "dataspace.request",
        "id": row.id,
        "dataset": row.dataset_id,
        "purpose": row.purpose,
        "columns": row.columns,
        "modes": row.modes,
        "duration_days": row.days,
        "epsilon": row.epsilon_micro / MICRO,
        "status": row.status,
        "created_at": row.created_at,
        "decided_at": row.decided_at,
        "grant": getattr(row, "grant_id", None),
    }


def _select() -> sa.Select[Any]:
    r, g = dataspace_requests, dataspace_grants
    return (
        sa.select(r, g.c.id.label("grant_id"), dataspace_datasets.c.tenant_id.label("owner_tenant_id"))
        .join(dataspace_datasets, dataspace_datasets.c.id == r.c.dataset_id)
        .outerjoin(g, g.c.request_id == r.c.id)
    )


def create_request(engine: Engine, principal: Principal, body: RequestCreate) -> dict[str, Any]:
    modes = sorted(set(body.modes))
    eps = micro(body.epsilon)
    if "dp" in modes and eps < 1:
        raise _bad("The dp mode needs an ε budget above 0", "epsilon")
    if "dp" not in modes and eps:
        raise _bad("An ε budget is asked only with the dp mode", "epsilon")
    if len(set(body.columns)) != len(body.columns):
        raise _bad("A column is named twice", "columns")
    with audit.transaction(engine) as conn:
        row = conn.execute(
            sa.select(dataspace_datasets.c.status).where(dataspace_datasets.c.id == body.dataset)
        ).first()
        if row is None or row.status != "published":
            raise ApiError(
                404, f"No published data set {body.dataset!r}", code="dataset_not_found", param="dataset"
            )
        known = {c["name"]: c["role"] for c in datasets.columns_of(conn, body.dataset)}
        for name in body.columns:
            if name not in known:
                raise _bad(f"The data set has no column {name!r}", "columns")
            if known[name] == "direct":
                raise _bad(f"{name!r} is a direct identifier: it is never granted", "columns")
        request_id = new_id("dsr_")
        conn.execute(
            dataspace_requests.insert().values(
                id=request_id, dataset_id=body.dataset, tenant_id=principal.tenant.id,
                key_id=principal.key_id, purpose=body.purpose, columns=body.columns, modes=modes,
                days=body.duration_days, epsilon_micro=eps, status="pending", created_at=time.time(),
            )
        )  # fmt: skip
        audit.append(
            conn,
            "dataspace.request.created",
            actor=principal.actor,
            tenant_id=principal.tenant.id,
            target=f"request:{request_id}",
            details={
                "request": request_id, "dataset": body.dataset, "columns": len(body.columns),
                "modes": modes, "days": body.duration_days, "epsilon": eps / MICRO,
            },
        )  # fmt: skip
        return _view(_load(conn, request_id))


def _load(conn: Connection, request_id: str) -> Any:
    row = conn.execute(_select().where(dataspace_requests.c.id == request_id)).first()
    if row is None:
        raise ApiError(404, f"No request {request_id!r}", code="request_not_found", param="request")
    return row


def _researcher(principal: Principal, row: Any) -> bool:
    return row.key_id == principal.key_id and row.tenant_id == principal.tenant.id


def _owner(principal: Principal, row: Any) -> bool:
    return principal.is_admin and principal.tenant.id == row.owner_tenant_id


def get_request(engine: Engine, principal: Principal, request_id: str) -> dict[str, Any]:
    with engine.connect() as conn:
        row = _load(conn, request_id)
    if not (_researcher(principal, row) or _owner(principal, row)):
        raise ApiError(403, "This request is another researcher's", code="not_your_request")
    return _view(row)


def list_requests(engine: Engine, principal: Principal) -> list[dict[str, Any]]:
    """The caller's own requests, and for an admin those made for its tenant's data sets."""
    r = dataspace_requests.c
    mine = sa.and_(r.key_id == principal.key_id, r.tenant_id == principal.tenant.id)
    who = sa.or_(mine, dataspace_datasets.c.tenant_id == principal.tenant.id) if principal.is_admin else mine
    q = _select().where(who).order_by(r.created_at.desc()).limit(1000)
    with engine.connect() as conn:
        return [_view(row) for row in conn.execute(q)]


def _decide(conn: Connection, principal: Principal, request_id: str, status: str) -> Any:
    row = _load(conn, request_id)
    if not _owner(principal, row):
        raise ApiError(403, "Only the data set's owner (its tenant's admin) decides", code="not_owner")
    done = conn.execute(
        dataspace_requests.update()
        .where(dataspace_requests.c.id == request_id, dataspace_requests.c.status == "pending")
        .values(status=status, decided_at=time.time(), decided_by=principal.key_id)
    )
    if done.rowcount != 1:
        raise ApiError(409, f"This request was already {row.status}", code="already_decided")
    return row


def _narrowed(row: Any, body: Approval, direct: set[str]) -> tuple[list[str], list[str], int, int]:
    columns = body.columns if body.columns is not None else list(row.columns)
    extra = sorted(set(columns) - set(row.columns))
    if extra:
        raise _bad(f"{extra[0]!r} was not requested: an approval only narrows", "columns")
    modes = sorted(set(body.modes)) if body.modes is not None else list(row.modes)
    if set(modes) - set(row.modes):
        raise _bad("A mode that was not requested: an approval only narrows", "modes")
    days = body.duration_days or row.days
    if days > row.days:
        raise _bad("A longer duration than requested: an approval only narrows", "duration_days")
    eps = micro(body.epsilon) if body.epsilon is not None else row.epsilon_micro
    if eps > row.epsilon_micro:
        raise _bad("A larger ε than requested: an approval only narrows", "epsilon")
    if "dp" not in modes:
        eps = 0
    elif eps < 1:
        raise _bad("The dp mode needs an ε budget above 0", "epsilon")
    kept = [c for c in dict.fromkeys(columns) if c not in direct]
    if not kept:
        raise ApiError(409, "No column is left to grant", code="nothing_to_grant")
    return kept, modes, days, eps


def approve(
    engine: Engine, principal: Principal, request_id: str, body: Approval, base: str
) -> dict[str, Any]:
    with audit.transaction(engine) as conn:
        # Decided first: a refused narrowing raises, and the transaction rolls the decision back.
        row = _decide(conn, principal, request_id, "approved")
        columns, modes, days, eps = _narrowed(row, body, grants.direct_identifiers(conn, row.dataset_id))
        now = time.time()
        grant_id = new_id("dsg_")
        conn.execute(
            dataspace_grants.insert().values(
                id=grant_id, request_id=request_id, dataset_id=row.dataset_id, tenant_id=row.tenant_id,
                key_id=row.key_id, columns=columns, modes=modes, epsilon_budget_micro=eps,
                epsilon_spent_micro=0, created_at=now, expires_at=now + days * _DAY,
            )
        )  # fmt: skip
        for action, target in (("dataspace.request.approved", f"request:{request_id}"),
                               ("dataspace.grant.created", f"grant:{grant_id}")):  # fmt: skip
            audit.append(
                conn,
                action,
                actor=principal.actor,
                tenant_id=row.owner_tenant_id,
                target=target,
                details={
                    "request": request_id, "grant": grant_id, "dataset": row.dataset_id,
                    "columns": len(columns), "modes": modes, "days": days, "epsilon": eps / grants.MICRO,
                },
            )  # fmt: skip
        return grants.view(conn, grants.load(conn, grant_id), base)  # type: ignore[arg-type]


def refuse(engine: Engine, principal: Principal, request_id: str, body: Refusal) -> dict[str, Any]:
    with audit.transaction(engine) as conn:
        row = _decide(conn, principal, request_id, "refused")
        audit.append(
            conn,
            "dataspace.request.refused",
            actor=principal.actor,
            tenant_id=row.owner_tenant_id,
            target=f"request:{request_id}",
            details={"request": request_id, "dataset": row.dataset_id, "reason_given": bool(body.reason)},
        )
        return _view(_load(conn, request_id))
