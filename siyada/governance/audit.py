"""Append-only audit log: appending entries (one SHA-256 hash chain, see `audit_chain`), export, pages.

Ids are assigned here under the append lock, last id + 1, so the chain has no gaps. Signed checkpoints
(`audit_checkpoints`) chain to each other and pin the newest entries; `audit_verify` checks it all,
against trusted heads kept elsewhere too; `audit_witness` hands every checkpoint to a witness.
`record`/`record_many` sign a checkpoint every `checkpoint_every` entries when given the key path.

Entries never hold prompt or completion text nor personal data: `details` takes identifiers and counts
only (short strings, numbers, booleans, lists of those) and refuses long strings.
"""

from __future__ import annotations

import dataclasses
import math
import os
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from siyada.governance.audit_chain import GENESIS, entry_hash, last_entry, transaction
from siyada.governance.audit_checkpoints import checkpoint
from siyada.governance.audit_keys import KEY_FILE, key_path_for, public_key_hex
from siyada.governance.audit_verify import VerifyResult, verify
from siyada.privacy.operators import scrub
from siyada.store.tables import audit_log

# The audit API callers use: `audit.record`, `audit.transaction`, `audit.checkpoint`, `audit.verify`…
__all__ = [
    "CHECKPOINT_EVERY", "GENESIS", "KEY_FILE", "Event", "VerifyResult", "append", "append_many",
    "checkpoint", "clean_details", "entries", "entry_hash", "export", "key_path_for", "public_key_hex",
    "record", "record_many", "transaction", "verify",
]  # fmt: skip

CHECKPOINT_EVERY = 1000
MAX_DETAIL_STR = 200
MAX_DETAILS_BYTES = 4096
_CHUNK = 5000


@dataclass(frozen=True)
class Event:
    """One entry to append with `record_many`."""

    action: str
    actor: str
    tenant_id: int | None = None
    target: str = ""
    details: dict[str, Any] | None = None


def _fields(entry_id: int, ts: float, ev: Event, details: dict[str, Any] | None) -> dict[str, Any]:
    """The hashed fields of an entry (prev_hash is prepended, hash is the result)."""
    keys = {"id": entry_id, "ts": ts, "actor": ev.actor, "tenant_id": ev.tenant_id, "action": ev.action}
    return {**keys, "target": ev.target, "details": details}


def _check_value(key: str, value: Any) -> None:
    if isinstance(value, str) and len(value) > MAX_DETAIL_STR:
        raise ValueError(f"audit details[{key!r}] is a long string; record identifiers and counts only")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"audit details[{key!r}] is not a finite number")
    if isinstance(value, list | tuple):
        for item in value:
            if isinstance(item, list | tuple | dict):
                raise ValueError(f"audit details[{key!r}] may only list plain values")
            _check_value(key, item)
    elif value is not None and not isinstance(value, str | int | float | bool):
        raise ValueError(f"audit details[{key!r}] must be a string, number, boolean or list of those")


def clean_details(details: dict[str, Any] | None) -> dict[str, Any] | None:
    """Validate details and return them as they will read back from the database (tuples -> lists)."""
    if details is None:
        return None
    for key, value in details.items():
        if not isinstance(key, str):
            raise ValueError("audit details keys must be strings")
        _check_value(key, value)
    try:
        raw = orjson.dumps(details)
    except orjson.JSONEncodeError as exc:
        raise ValueError(f"audit details cannot be stored: {exc}") from exc
    if len(raw) > MAX_DETAILS_BYTES:
        raise ValueError(f"audit details exceed {MAX_DETAILS_BYTES} bytes")
    return orjson.loads(raw)


def _scrubbed(ev: Event) -> Event:
    """The event with any personal data in its free text replaced by the type (law 09-08: the audit log
    records who did what, never a citizen's identifiers)."""

    def clean(value: Any) -> Any:
        if isinstance(value, str):
            return scrub(value)
        if isinstance(value, list | tuple):
            return [clean(v) for v in value]
        return value

    details = {k: clean(v) for k, v in ev.details.items()} if ev.details else ev.details
    return dataclasses.replace(ev, target=scrub(ev.target), details=details)


def _check_event(ev: Event) -> None:
    if not ev.action or len(ev.action) > 64:
        raise ValueError("audit action must be 1-64 characters")
    if not ev.actor or len(ev.actor) > 64:
        raise ValueError("audit actor must be 1-64 characters")
    if len(ev.target) > 200:
        raise ValueError("audit target must be at most 200 characters")


# ---- appending ------------------------------------------------------------------------------------
def append_many(conn: Connection, events: Iterable[Event]) -> list[int]:
    """Append events inside a `transaction()`; returns their ids."""
    last_id, prev = last_entry(conn)
    ids: list[int] = []
    batch: list[dict[str, Any]] = []
    for ev in events:
        _check_event(ev)
        ev = _scrubbed(ev)
        details = clean_details(ev.details)
        last_id += 1
        fields = _fields(last_id, time.time(), ev, details)
        h = entry_hash(prev, fields)
        batch.append({**fields, "prev_hash": prev, "hash": h})
        prev = h
        ids.append(last_id)
        if len(batch) >= _CHUNK:
            conn.execute(audit_log.insert(), batch)
            batch = []
    if batch:
        conn.execute(audit_log.insert(), batch)
    return ids


def append(
    conn: Connection,
    action: str,
    *,
    actor: str,
    tenant_id: int | None = None,
    target: str = "",
    details: dict[str, Any] | None = None,
) -> int:
    """Append one entry inside a `transaction()` (so it commits or rolls back with the audited change)."""
    return append_many(conn, [Event(action, actor, tenant_id, target, details)])[0]


def record_many(
    engine: Engine,
    events: Sequence[Event],
    *,
    key_path: Path | None = None,
    checkpoint_every: int = CHECKPOINT_EVERY,
) -> list[int]:
    """Append events in one transaction; with key_path, sign a checkpoint each `checkpoint_every` ids."""
    with transaction(engine) as conn:
        ids = append_many(conn, events)
    if key_path is not None and ids and ids[-1] // checkpoint_every > (ids[0] - 1) // checkpoint_every:
        checkpoint(engine, key_path)
    return ids


def record(
    engine: Engine,
    action: str,
    *,
    actor: str,
    tenant_id: int | None = None,
    target: str = "",
    details: dict[str, Any] | None = None,
    key_path: Path | None = None,
    checkpoint_every: int = CHECKPOINT_EVERY,
) -> int:
    """Append one entry in its own transaction and return its id."""
    ev = Event(action, actor, tenant_id, target, details)
    return record_many(engine, [ev], key_path=key_path, checkpoint_every=checkpoint_every)[0]


# ---- export ---------------------------------------------------------------------------------------
def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


_EXPORT_KEYS = ("id", "ts", "actor", "tenant_id", "action", "target", "details", "prev_hash", "hash")


def _export_line(row: tuple[Any, ...]) -> bytes:
    # time (ISO-8601 UTC) plus the stored fields, ts (epoch seconds) included as hashed: anyone can
    # recompute the chain from these lines.
    doc = {"time": _iso(row[1]), **dict(zip(_EXPORT_KEYS, row, strict=True))}
    return orjson.dumps(doc) + b"\n"


def export(engine: Engine, out_path: Path, start: float | None = None, end: float | None = None) -> int:
    """Write entries with start <= ts < end as JSON Lines (atomically); returns how many were written."""
    q = sa.select(*(audit_log.c[k] for k in _EXPORT_KEYS)).order_by(audit_log.c.id)
    if start is not None:
        q = q.where(audit_log.c.ts >= start)
    if end is not None:
        q = q.where(audit_log.c.ts < end)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out_path.parent, prefix=f".{out_path.name}.")
    written = 0
    try:
        with os.fdopen(fd, "wb") as fh, engine.connect() as conn:
            for row in conn.execution_options(yield_per=_CHUNK).execute(q):
                fh.write(_export_line(row))
                written += 1
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o640)
        os.replace(tmp, out_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return written


def entries(
    engine: Engine,
    after: int = 0,
    limit: int = 100,
    before: int | None = None,
    *,
    tenant_id: int | None = None,
) -> list[dict[str, Any]]:
    """A page of entries for the admin API: in chain order after `after`, or newest first below `before`;
    with `tenant_id`, that tenant's entries only (entries of no tenant are then left out)."""
    if before is None:
        q = sa.select(audit_log).where(audit_log.c.id > after).order_by(audit_log.c.id)
    else:
        q = sa.select(audit_log).where(audit_log.c.id < before).order_by(audit_log.c.id.desc())
    if tenant_id is not None:
        q = q.where(audit_log.c.tenant_id == tenant_id)
    q = q.limit(limit)
    with engine.connect() as conn:
        return [{"object": "audit_entry", **dict(r._mapping), "time": _iso(r.ts)} for r in conn.execute(q)]
