"""The ε ledger of a grant: charged before a differentially private query runs, never past its budget.

One conditional UPDATE does the check and the charge (`spent + ε <= budget`, the grant active), so two
queries racing for the last ε cannot both pass: the database applies one, and the other matches no row.
ε is counted in millionths (integers): four charges of 0.25 spend exactly 1.0. NaN, ±∞, zero, negative
or sub-millionth values are refused. Every charge, and every refusal of one, goes into the audit log.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyada.dataspace.grants import MICRO, load
from siyada.errors import ApiError
from siyada.governance import audit
from siyada.store.tables_dataspace import dataspace_grants


@dataclass(frozen=True)
class Charge:
    grant_id: str
    epsilon: float
    spent: float
    budget: float


def to_micro(epsilon: object) -> int:
    if isinstance(epsilon, bool) or not isinstance(epsilon, int | float) or not math.isfinite(epsilon):
        raise ApiError(400, "ε must be a finite number", code="invalid_epsilon", param="epsilon")
    amount = round(epsilon * MICRO)
    if amount < 1:
        raise ApiError(400, "ε must be at least 0.000001", code="invalid_epsilon", param="epsilon")
    return amount


def charge(engine: Engine, grant_id: str, epsilon: float, *, actor: str = "system") -> Charge:
    """Spend ε from the grant's budget, or raise 403 (`epsilon_exhausted`) having spent nothing."""
    amount = to_micro(epsilon)
    g = dataspace_grants.c
    with audit.transaction(engine) as conn:
        done = conn.execute(
            dataspace_grants.update()
            .where(
                g.id == grant_id,
                g.revoked_at.is_(None),
                g.expires_at > time.time(),
                g.epsilon_spent_micro + amount <= g.epsilon_budget_micro,
            )
            .values(epsilon_spent_micro=g.epsilon_spent_micro + amount)
        )
        grant = load(conn, grant_id)
        if grant is None:
            raise ApiError(403, "No grant has this id", code="no_grant", param="grant")
        charged = done.rowcount == 1
        audit.append(
            conn,
            "dataspace.epsilon.charged" if charged else "dataspace.epsilon.refused",
            actor=actor,
            tenant_id=grant.owner_tenant_id,
            target=f"grant:{grant_id}",
            details={
                "grant": grant_id,
                "epsilon": amount / MICRO,
                "spent": grant.epsilon_spent,
                "budget": grant.epsilon_budget,
            },
        )
    if not charged:
        raise ApiError(
            403,
            f"The grant's ε budget cannot pay {amount / MICRO}: {grant.epsilon_spent} of "
            f"{grant.epsilon_budget} spent, or the grant is no longer active",
            code="epsilon_exhausted",
            param="epsilon",
        )
    return Charge(grant_id, amount / MICRO, grant.epsilon_spent, grant.epsilon_budget)


def spent(engine: Engine, grant_id: str) -> float:
    with engine.connect() as conn:
        value = conn.execute(
            sa.select(dataspace_grants.c.epsilon_spent_micro).where(dataspace_grants.c.id == grant_id)
        ).scalar()
    return (value or 0) / MICRO
