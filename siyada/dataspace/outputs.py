"""The airlock: query outputs wait (`pending`) until the data set's owner or a named checker decides.

Who sees an output: its researcher (the key that ran the query), the owner tenant's admins and the
checkers the data card names; anyone else gets 404. The table (already suppressed, rounded or noised:
nothing else is stored) is shown to the checkers always, to the researcher only once approved, and
downloaded (CSV) only once approved: 403 while pending, rejected or refused. The researcher never
decides on his own output, whatever else he is. Every decision and download is audited.
"""

from __future__ import annotations

import csv
import io
import time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from siyada.csv_cells import safe_cell
from siyada.dataspace.context import checkers
from siyada.dataspace.grants import MICRO
from siyada.errors import ApiError
from siyada.governance import audit
from siyada.governance.keys import Principal
from siyada.store.tables_dataspace import dataspace_datasets, dataspace_outputs

COMPUTED = ("running", "pending", "approved", "rejected")  # tables that exist, released or not
MAX_LISTED = 1000


def select_outputs() -> sa.Select[Any]:
    d = dataspace_datasets.c
    return sa.select(dataspace_outputs, d.tenant_id.label("owner_tenant_id"), d.card).join(
        dataspace_datasets, d.id == dataspace_outputs.c.dataset_id
    )


def is_researcher(row: Any, principal: Principal) -> bool:
    return bool(row.key_id == principal.key_id and row.tenant_id == principal.tenant.id)


def is_checker(row: Any, principal: Principal) -> bool:
    owner = principal.is_admin and principal.tenant.id == row.owner_tenant_id
    return owner or principal.key_id in checkers(row.card)


def researcher_checks(evidence: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The checks as the researcher sees them: table-level records only. Per-cell evidence says *why*
    a cell is hidden ("zero": it is empty; "threshold": 1 to 9 people; "secondary": it is not small),
    which the released table must not tell; the checker reads it all."""
    out = [e for e in evidence if not e["cell"] and e["rule"] != "differencing"]
    cells = {tuple(e["cell"]) for e in evidence if e["cell"] and e["rule"] != "differencing"}
    if cells:
        out.append({"rule": "suppression", "cell": [], "measure": None,
                    "detail": f"{len(cells)} cells withheld (primary and secondary)"})  # fmt: skip
    if any(e["rule"] == "differencing" for e in evidence):
        out.append({"rule": "differencing", "cell": [], "measure": None,
                    "detail": "with a table computed earlier, it would reveal a small cell"})  # fmt: skip
    return out


def view(row: Any, principal: Principal) -> dict[str, Any]:
    checker = is_checker(row, principal) and not is_researcher(row, principal)
    shown = row.status == "approved" or checker
    out = {
        "object": "dataspace.output",
        "id": row.id,
        "grant": row.grant_id,
        "dataset": row.dataset_id,
        "mode": row.mode,
        "status": row.status,
        "fingerprint": row.fingerprint,
        "query": row.query,
        "checks": row.evidence if checker else researcher_checks(row.evidence),
        "created_at": row.created_at,
        "decided_at": row.decided_at,
        "table": row.result if shown else None,
    }
    if row.mode == "dp":
        out["epsilon_charged"] = row.epsilon_micro / MICRO
    return out


def _load(conn: Connection, principal: Principal, output_id: str) -> Any:
    row = conn.execute(select_outputs().where(dataspace_outputs.c.id == output_id)).first()
    if row is None or not (is_researcher(row, principal) or is_checker(row, principal)):
        raise ApiError(404, f"No output {output_id!r}", code="output_not_found", param="output")
    return row


def get_output(engine: Engine, principal: Principal, output_id: str) -> dict[str, Any]:
    with engine.connect() as conn:
        return view(_load(conn, principal, output_id), principal)


def list_outputs(engine: Engine, principal: Principal) -> list[dict[str, Any]]:
    """The caller's own outputs, and those on data sets it checks (its tenant's, as an admin, or
    where the card names its key)."""
    o, d = dataspace_outputs.c, dataspace_datasets.c
    with engine.connect() as conn:
        named = [
            r.id for r in conn.execute(sa.select(d.id, d.card).where(d.card.is_not(None)))
            if principal.key_id in checkers(r.card)
        ]  # fmt: skip
        mine = sa.and_(o.key_id == principal.key_id, o.tenant_id == principal.tenant.id)
        shown = [mine, o.dataset_id.in_(named)]
        if principal.is_admin:
            shown.append(d.tenant_id == principal.tenant.id)
        q = select_outputs().where(sa.or_(*shown)).order_by(o.created_at.desc()).limit(MAX_LISTED)
        return [view(r, principal) for r in conn.execute(q)]


def decide(engine: Engine, principal: Principal, output_id: str, approve: bool) -> dict[str, Any]:
    """Approve (release) or reject a pending output: the owner's admin or a named checker, never its
    researcher; 409 once decided."""
    with audit.transaction(engine) as conn:
        row = _load(conn, principal, output_id)
        if is_researcher(row, principal):
            raise ApiError(403, "A researcher cannot decide on his own output", code="own_output")
        if not is_checker(row, principal):
            raise ApiError(403, "Only the data set's owner or a named checker decides", code="not_checker")
        status = "approved" if approve else "rejected"
        done = conn.execute(
            dataspace_outputs.update()
            .where(dataspace_outputs.c.id == output_id, dataspace_outputs.c.status == "pending")
            .values(status=status, decided_at=time.time(), decided_by=principal.actor)
        )
        if done.rowcount != 1:
            raise ApiError(409, f"This output is {row.status}, not pending", code="output_not_pending")
        audit.append(
            conn,
            f"dataspace.output.{status}",
            actor=principal.actor,
            tenant_id=row.owner_tenant_id,
            target=f"output:{output_id}",
            details={"output": output_id, "grant": row.grant_id, "dataset": row.dataset_id,
                     "fingerprint": row.fingerprint, "released": approve},
        )  # fmt: skip
        return view(_load(conn, principal, output_id), principal)


def download(engine: Engine, principal: Principal, output_id: str) -> str:
    """The released table as CSV (hidden cells empty); 403 unless approved."""
    with audit.transaction(engine) as conn:
        row = _load(conn, principal, output_id)
        if row.status != "approved" or row.result is None:
            raise ApiError(403, f"This output is {row.status}: only an approved output can be downloaded",
                           code="output_not_released")  # fmt: skip
        audit.append(
            conn,
            "dataspace.output.downloaded",
            actor=principal.actor,
            tenant_id=row.owner_tenant_id,
            target=f"output:{output_id}",
            details={"output": output_id, "grant": row.grant_id, "fingerprint": row.fingerprint},
        )
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([safe_cell(c) for c in row.result["columns"]])
    writer.writerows([safe_cell(v) for v in r] for r in row.result["rows"])
    return buf.getvalue()
