"""Batch rows: creating, reading, listing and cancelling a tenant's batches, and the durable progress of
the runner (siyada.batches.runner): its claim on a batch, each request's answer, each state change.

States, as OpenAI names them: validating → in_progress → finalizing → completed, or failed (an unusable
input file), cancelling → cancelled, expired (the 24 h window ran out). A state change by the runner
names its claim (`owner`): a server whose claim lapsed and was taken over changes nothing.
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from siyada.batches import files
from siyada.batches.paging import newest_first, owned
from siyada.batches.spec import BatchCreate
from siyada.errors import ApiError
from siyada.governance.keys import Principal
from siyada.store.tables_batches import batch_requests, batches

RUNNABLE = ("validating", "in_progress", "finalizing", "cancelling")
TIMES = (
    "in_progress_at",
    "finalizing_at",
    "completed_at",
    "failed_at",
    "expired_at",
    "cancelling_at",
    "cancelled_at",
)


@dataclass(frozen=True)
class Batch:
    id: str
    tenant_id: int
    key_id: int
    endpoint: str
    input_file_id: str
    status: str
    expires_at: float
    total: int


ID = re.compile(r"batch_[0-9a-f]{24}")


def not_found(batch_id: str) -> ApiError:
    return ApiError(404, f"No such batch: {batch_id[:64]!r}", code="batch_not_found", param="batch_id")


def create(engine: Engine, principal: Principal, req: BatchCreate, window_s: float) -> dict[str, Any]:
    tenant_id = principal.tenant.id
    source = files.get(engine, tenant_id, req.input_file_id)  # another tenant's file: 404
    if source.purpose != "batch":
        raise ApiError(
            400, "input_file_id must name a file uploaded with purpose 'batch'",
            code="invalid_input_file", param="input_file_id",
        )  # fmt: skip
    now = time.time()
    batch_id = "batch_" + secrets.token_hex(12)
    with engine.begin() as conn:
        conn.execute(
            batches.insert().values(
                id=batch_id, tenant_id=tenant_id, key_id=principal.key_id, endpoint=req.endpoint,
                input_file_id=req.input_file_id, status="validating", metadata=req.metadata, errors=None,
                created_at=now, expires_at=now + window_s, times={}, lease_until=0.0,
            )
        )  # fmt: skip
    return get(engine, tenant_id, batch_id)


def _counts(conn: Connection, ids: list[str]) -> dict[str, tuple[int, int]]:
    """(completed, failed) of each batch: its answered requests, 200 or not."""
    ok = sa.func.sum(sa.case((batch_requests.c.status_code == 200, 1), else_=0))
    rows = conn.execute(
        sa.select(batch_requests.c.batch_id, ok, sa.func.count())
        .where(batch_requests.c.batch_id.in_(ids))
        .group_by(batch_requests.c.batch_id)
    )
    return {r[0]: (int(r[1] or 0), int(r[2]) - int(r[1] or 0)) for r in rows}


def _render(row: Any, counts: tuple[int, int]) -> dict[str, Any]:
    times = row.times or {}
    errors = row.errors
    return {
        "id": row.id,
        "object": "batch",
        "endpoint": row.endpoint,
        "errors": {"object": "list", "data": errors} if errors else None,
        "input_file_id": row.input_file_id,
        "completion_window": "24h",
        "status": row.status,
        "output_file_id": row.output_file_id,
        "error_file_id": row.error_file_id,
        "created_at": int(row.created_at),
        "expires_at": int(row.expires_at),
        **{name: int(times[name]) if name in times else None for name in TIMES},
        "request_counts": {"total": row.total, "completed": counts[0], "failed": counts[1]},
        "metadata": row.metadata,
    }


def get(engine: Engine, tenant_id: int, batch_id: str) -> dict[str, Any]:
    if not ID.fullmatch(batch_id):  # names no batch (and odd text, a NUL, never reaches the database)
        raise not_found(batch_id)
    with engine.connect() as conn:
        row = owned(conn, batches, tenant_id, batch_id)
        if row is None:
            raise not_found(batch_id)
        return _render(row, _counts(conn, [batch_id]).get(batch_id, (0, 0)))


def listed(engine: Engine, tenant_id: int, limit: int, after: str | None) -> list[dict[str, Any]]:
    """Up to `limit` + 1 batches, newest first, after the batch `after` (a cursor)."""
    q = sa.select(batches).where(batches.c.tenant_id == tenant_id)
    with engine.connect() as conn:
        rows = newest_first(conn, batches, q, tenant_id, limit, after)
        counts = _counts(conn, [r.id for r in rows])
        return [_render(r, counts.get(r.id, (0, 0))) for r in rows]


def cancel(engine: Engine, tenant_id: int, batch_id: str) -> dict[str, Any]:
    """Ask the runner to stop: validating or in progress → cancelling (it stops dispatching, waits for
    the requests in flight, writes what was done, then cancelled). A batch already ended is a 409."""
    get(engine, tenant_id, batch_id)
    with engine.begin() as conn:
        row = owned(conn, batches, tenant_id, batch_id, batches.c.status, batches.c.times)
        if row is None:
            raise not_found(batch_id)
        if row.status in ("validating", "in_progress"):
            times = {**(row.times or {}), "cancelling_at": time.time()}
            conn.execute(
                batches.update()
                .where(batches.c.id == batch_id, batches.c.status == row.status)
                .values(status="cancelling", times=times)
            )
        elif row.status not in ("cancelling", "cancelled"):
            raise ApiError(
                409, f"A batch that is {row.status} cannot be cancelled", code="batch_not_cancellable"
            )
    return get(engine, tenant_id, batch_id)


# ---- the runner's side ------------------------------------------------------------------------------
def claim(engine: Engine, owner: str, lease_s: float, limit: int) -> list[str]:
    """Take up to `limit` runnable batches nobody holds (or whose holder's claim lapsed), oldest first."""
    now = time.time()
    with engine.connect() as conn:
        ids = list(
            conn.execute(
                sa.select(batches.c.id)
                .where(batches.c.status.in_(RUNNABLE), batches.c.lease_until < now)
                .order_by(batches.c.created_at)
                .limit(limit)
            ).scalars()
        )
    return [i for i in ids if renew(engine, i, owner, lease_s, taking=True)]


def renew(engine: Engine, batch_id: str, owner: str, lease_s: float, taking: bool = False) -> bool:
    """Extend this owner's claim (or take a lapsed one); False when another server holds the batch."""
    now = time.time()
    held = batches.c.owner == owner
    if taking:
        held = batches.c.lease_until < now
    with engine.begin() as conn:
        res = conn.execute(
            batches.update()
            .where(batches.c.id == batch_id, held)
            .values(owner=owner, lease_until=now + lease_s)
        )
    return res.rowcount == 1


def release(engine: Engine, batch_id: str, owner: str) -> None:
    """Give a claim back (a server stopping): another server, or this one restarted, resumes at once."""
    with engine.begin() as conn:
        conn.execute(
            batches.update()
            .where(batches.c.id == batch_id, batches.c.owner == owner)
            .values(owner=None, lease_until=0.0)
        )


def load(engine: Engine, batch_id: str) -> Batch | None:
    with engine.connect() as conn:
        r = conn.execute(sa.select(batches).where(batches.c.id == batch_id)).first()
    if r is None:
        return None
    return Batch(r.id, r.tenant_id, r.key_id, r.endpoint, r.input_file_id, r.status, r.expires_at, r.total)


def move(
    conn: Connection, batch_id: str, owner: str, was: str, status: str, *, ended: bool = False, **values: Any
) -> bool:
    """Move a batch this owner holds from state `was` to `status`, stamping `<status>_at`; False when it
    is not held or no longer `was` (a cancel came first: the caller starts over from the new state). An
    ended batch is held by nobody."""
    if ended:
        values.update(owner=None, lease_until=0.0)
    times = conn.execute(sa.select(batches.c.times).where(batches.c.id == batch_id)).scalar() or {}
    stamp = f"{status}_at"
    times = {**times, stamp: time.time()} if stamp in TIMES and was != status else times
    res = conn.execute(
        batches.update()
        .where(batches.c.id == batch_id, batches.c.owner == owner, batches.c.status == was)
        .values(status=status, times=times, **values)
    )
    return res.rowcount == 1


def done(engine: Engine, batch_id: str) -> set[str]:
    """The custom ids already answered (a resumed batch skips them)."""
    with engine.connect() as conn:
        q = sa.select(batch_requests.c.custom_id).where(batch_requests.c.batch_id == batch_id)
        return set(conn.execute(q).scalars())


def answered(
    engine: Engine, batch_id: str, line: int, custom_id: str, status: int, result: dict[str, Any]
) -> None:
    """Commit one request's answer; a second answer for the same custom id is dropped, never written."""
    try:
        with engine.begin() as conn:
            conn.execute(
                batch_requests.insert().values(
                    batch_id=batch_id, custom_id=custom_id, line=line, status_code=status, result=result
                )
            )
    except sa.exc.IntegrityError:
        pass


def answers(conn: Connection, batch_id: str, ok: bool) -> list[dict[str, Any]]:
    """The answered requests' lines in input order: the 200s (`ok`) or the others."""
    status = batch_requests.c.status_code
    q = (
        sa.select(batch_requests.c.result)
        .where(batch_requests.c.batch_id == batch_id, status == 200 if ok else status != 200)
        .order_by(batch_requests.c.line)
    )
    return list(conn.execute(q).scalars())
