"""Grants: what an approved request lets its researcher do, until when, and the checks every use runs.

`authorise` is the one gate the query step calls: 403 for no grant, another researcher's, a revoked or
expired one, a mode or a column it does not grant, or a column the owner has since marked a direct
identifier. The researcher is the key that asked (a web login acts through its own key). A grant's
policy is served as an ODRL agreement (JSON-LD): permission to use the target data set, constrained by
purpose, time, columns, modes and ε.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from siyada.errors import ApiError
from siyada.governance import audit
from siyada.governance.keys import Principal
from siyada.store.tables import tenants
from siyada.store.tables_dataspace import (
    dataspace_columns,
    dataspace_datasets,
    dataspace_grants,
    dataspace_requests,
)

MODES = ("table", "sql", "dp")
MICRO = 1_000_000  # ε is kept in millionths


@dataclass(frozen=True)
class Grant:
    id: str
    request_id: str
    dataset_id: str
    owner_tenant_id: int
    tenant_id: int
    key_id: int
    columns: tuple[str, ...]
    modes: tuple[str, ...]
    epsilon_budget_micro: int
    epsilon_spent_micro: int
    created_at: float
    expires_at: float
    revoked_at: float | None
    purpose: str

    def status(self, now: float | None = None) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_at <= (time.time() if now is None else now) else "active"

    @property
    def epsilon_budget(self) -> float:
        return self.epsilon_budget_micro / MICRO

    @property
    def epsilon_spent(self) -> float:
        return self.epsilon_spent_micro / MICRO


def load(conn: Connection, grant_id: str) -> Grant | None:
    g, r, d = dataspace_grants, dataspace_requests, dataspace_datasets
    row = conn.execute(
        sa.select(g, r.c.purpose, d.c.tenant_id.label("owner_tenant_id"))
        .join(r, r.c.id == g.c.request_id)
        .join(d, d.c.id == g.c.dataset_id)
        .where(g.c.id == grant_id)
    ).first()
    if row is None:
        return None
    return Grant(
        row.id, row.request_id, row.dataset_id, row.owner_tenant_id, row.tenant_id, row.key_id,
        tuple(row.columns), tuple(row.modes), row.epsilon_budget_micro, row.epsilon_spent_micro,
        row.created_at, row.expires_at, row.revoked_at, row.purpose,
    )  # fmt: skip


def _refuse(message: str, code: str) -> ApiError:
    return ApiError(403, message, code=code, param="grant")


def direct_identifiers(conn: Connection, dataset_id: str) -> set[str]:
    c = dataspace_columns.c
    q = sa.select(c.name).where(c.dataset_id == dataset_id, c.role == "direct")
    return set(conn.execute(q).scalars())


def authorise(
    engine: Engine, grant_id: str, principal: Principal, mode: str, columns: Iterable[str]
) -> Grant:
    """The grant, if it lets this principal run `mode` over `columns` now; else 403 saying why."""
    wanted = list(columns)
    with engine.connect() as conn:
        grant = load(conn, grant_id)
        if grant is None or grant.key_id != principal.key_id or grant.tenant_id != principal.tenant.id:
            raise _refuse("No grant of yours has this id", "no_grant")
        if grant.revoked_at is not None:
            raise _refuse("This grant has been revoked", "grant_revoked")
        if grant.expires_at <= time.time():
            raise _refuse("This grant has expired", "grant_expired")
        if mode not in grant.modes:
            raise _refuse(f"This grant does not allow the {mode!r} mode", "mode_not_granted")
        outside = [c for c in wanted if c not in grant.columns]
        if outside:
            raise _refuse(f"This grant does not cover the column {outside[0]!r}", "column_not_granted")
        direct = direct_identifiers(conn, grant.dataset_id) & set(wanted)
        if direct:
            raise _refuse(f"{sorted(direct)[0]!r} is a direct identifier", "column_not_granted")
    return grant


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def policy(grant: Grant, base: str, owner: str, researcher_tenant: str) -> dict[str, Any]:
    """The grant as an ODRL agreement (JSON-LD)."""
    target = f"{base}/v1/dataspace/datasets/{grant.dataset_id}"
    assignee = f"urn:siyada:tenant:{researcher_tenant}:key:{grant.key_id}"

    def time_bound(op: str, ts: float) -> dict[str, Any]:
        value = {"@value": _iso(ts), "@type": "xsd:dateTime"}
        return {"leftOperand": "dateTime", "operator": op, "rightOperand": value}

    constraints = [
        {"leftOperand": "purpose", "operator": "eq", "rightOperand": grant.purpose},
        time_bound("gteq", grant.created_at),
        time_bound("lt", grant.expires_at),
        {"leftOperand": "siyada:column", "operator": "isAnyOf", "rightOperand": list(grant.columns)},
        {"leftOperand": "siyada:mode", "operator": "isAnyOf", "rightOperand": list(grant.modes)},
    ]
    if grant.epsilon_budget_micro:
        constraints.append(
            {"leftOperand": "siyada:epsilon", "operator": "lteq", "rightOperand": grant.epsilon_budget}
        )
    return {
        "@context": [
            "http://www.w3.org/ns/odrl.jsonld",
            {"siyada": "https://siyada.ma/ns/dataspace#", "xsd": "http://www.w3.org/2001/XMLSchema#"},
        ],
        "@type": "Agreement",
        "uid": f"{base}/v1/dataspace/grants/{grant.id}",
        "assigner": f"urn:siyada:tenant:{owner}",
        "assignee": assignee,
        "target": target,
        "permission": [
            {
                "target": target,
                "assignee": assignee,
                "action": "use",
                "constraint": constraints,
                "duty": [{"action": "siyada:outputCheck"}],
            }
        ],
        "prohibition": [
            {"target": target, "assignee": assignee, "action": action}
            for action in ("distribute", "reproduce", "siyada:reidentify")
        ],
    }


def _tenant_name(conn: Connection, tenant_id: int) -> str:
    return conn.execute(sa.select(tenants.c.name).where(tenants.c.id == tenant_id)).scalar_one()


def view(conn: Connection, grant: Grant, base: str) -> dict[str, Any]:
    owner = _tenant_name(conn, grant.owner_tenant_id)
    researcher = _tenant_name(conn, grant.tenant_id)
    return {
        "object": "dataspace.grant",
        "id": grant.id,
        "grant": grant.id,
        "request": grant.request_id,
        "dataset": grant.dataset_id,
        "status": grant.status(),
        "columns": list(grant.columns),
        "modes": list(grant.modes),
        "epsilon_budget": grant.epsilon_budget,
        "epsilon_spent": grant.epsilon_spent,
        "created_at": grant.created_at,
        "expires_at": grant.expires_at,
        "revoked_at": grant.revoked_at,
        "policy": policy(grant, base, owner, researcher),
    }


def _party(grant: Grant, principal: Principal) -> bool:
    researcher = grant.key_id == principal.key_id and grant.tenant_id == principal.tenant.id
    return researcher or (principal.is_admin and principal.tenant.id == grant.owner_tenant_id)


def get_grant(engine: Engine, principal: Principal, grant_id: str, base: str) -> dict[str, Any]:
    """The grant and its policy, for its researcher and the data set's owner; 403 for anyone else."""
    with engine.connect() as conn:
        grant = load(conn, grant_id)
        if grant is None:
            raise ApiError(404, f"No grant {grant_id!r}", code="grant_not_found", param="grant")
        if not _party(grant, principal):
            raise _refuse("This grant is another researcher's", "not_your_grant")
        return view(conn, grant, base)


def revoke(engine: Engine, principal: Principal | None, grant_id: str, base: str) -> dict[str, Any]:
    """Ended by the data set's owner (or the platform's CLI, `principal` None); idempotent."""
    with audit.transaction(engine) as conn:
        grant = load(conn, grant_id)
        if grant is None:
            raise ApiError(404, f"No grant {grant_id!r}", code="grant_not_found", param="grant")
        owner = principal is None or (principal.is_admin and principal.tenant.id == grant.owner_tenant_id)
        if not owner:
            raise _refuse("Only the data set's owner may revoke this grant", "not_owner")
        if grant.revoked_at is None:
            conn.execute(
                dataspace_grants.update()
                .where(dataspace_grants.c.id == grant_id)
                .values(revoked_at=time.time())
            )
            audit.append(
                conn,
                "dataspace.grant.revoked",
                actor=principal.actor if principal else "cli",
                tenant_id=grant.owner_tenant_id,
                target=f"grant:{grant_id}",
                details={"grant": grant_id, "dataset": grant.dataset_id},
            )
        return view(conn, load(conn, grant_id), base)  # type: ignore[arg-type]
