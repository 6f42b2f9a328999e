"""Append-only audit log: a SHA-256 hash chain over every entry, with periodic Ed25519-signed checkpoints.

Entry hash = sha256_hex(prev_hash + canonical_json(id, ts, actor, tenant_id, action, target, details)),
canonical JSON being orjson with sorted keys; the first entry's prev_hash is 64 zeros. Appends are
serialised across processes (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction-level advisory lock)
and ids are assigned here, last id + 1, so the chain has no gaps. A checkpoint signs the id and hash of
the newest entry; it is what lets `verify` notice that the newest entries were deleted. Checkpoints are
made by `checkpoint()` (CLI `siyada audit checkpoint`, or periodically by the server) and automatically
by `record`/`record_many` every `checkpoint_every` entries when they are given the signing key path.

Entries never hold prompt or completion text nor personal data: `details` takes identifiers and counts
only (short strings, numbers, booleans, lists of those) and refuses long strings.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import os
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy.engine import Connection, Engine

from siyada.privacy.operators import scrub
from siyada.store.tables import audit_checkpoints, audit_log

GENESIS = "0" * 64
KEY_FILE = "audit_signing.key"
CHECKPOINT_EVERY = 1000
MAX_DETAIL_STR = 200
MAX_DETAILS_BYTES = 4096
_PG_LOCK = 7412  # pg_advisory_xact_lock key for audit appends (7411 is the migration lock)
_CHUNK = 5000


@dataclass(frozen=True)
class Event:
    """One entry to append with `record_many`."""

    action: str
    actor: str
    tenant_id: int | None = None
    target: str = ""
    details: dict[str, Any] | None = None


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    entries: int
    first_bad_id: int | None
    reason: str
    checkpoints_ok: int


# ---- hashing --------------------------------------------------------------------------------------
def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    body = orjson.dumps(fields, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(prev_hash.encode("ascii") + body).hexdigest()


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
@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """A write transaction that holds the audit append lock; commits on success, rolls back on error.

    Use it instead of `engine.begin()` to audit an operation atomically with `append`."""
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # takes the database write lock now, waits busy_timeout
        elif conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK})
        yield conn
        conn.commit()


def _last(conn: Connection) -> tuple[int, str]:
    row = conn.execute(
        sa.select(audit_log.c.id, audit_log.c.hash).order_by(audit_log.c.id.desc()).limit(1)
    ).first()
    return (row.id, row.hash) if row else (0, GENESIS)


def append_many(conn: Connection, events: Iterable[Event]) -> list[int]:
    """Append events inside a `transaction()`; returns their ids."""
    last_id, prev = _last(conn)
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


# ---- signing key and checkpoints ------------------------------------------------------------------
def key_path_for(data_dir: Path) -> Path:
    return data_dir / KEY_FILE


def _load_key(key_path: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{key_path} is not an Ed25519 private key")
    return key


def load_or_create_key(key_path: Path) -> Ed25519PrivateKey:
    """The signing key, created (mode 0600, atomically: no half-written file) on first use."""
    if not key_path.exists():
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        key_path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=key_path.parent, prefix=".audit-key-")  # mkstemp gives 0600
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(pem)
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.link(tmp, key_path)  # fails if another process created it first: keep theirs
            except FileExistsError:
                pass
        finally:
            os.unlink(tmp)
    return _load_key(key_path)


def _public_hex(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def public_key_hex(key_path: Path) -> str:
    return _public_hex(load_or_create_key(key_path).public_key())


def _message(entry_id: int, entry_hash_: str) -> bytes:
    return f"siyada-audit-checkpoint:{entry_id}:{entry_hash_}".encode("ascii")


def checkpoint(engine: Engine, key_path: Path) -> int | None:
    """Sign the newest entry's id and hash; returns the entry id, or None when the log is empty or
    the newest entry is already checkpointed. Cheap: the server may call it every few minutes."""
    key = load_or_create_key(key_path)
    with engine.begin() as conn:
        last_id, last_hash = _last(conn)
        if last_id == 0:
            return None
        done = conn.execute(
            sa.select(sa.func.max(audit_checkpoints.c.entry_id)).where(
                audit_checkpoints.c.public_key == _public_hex(key.public_key())
            )
        ).scalar()
        if done is not None and done >= last_id:
            return None
        conn.execute(
            audit_checkpoints.insert().values(
                ts=time.time(),
                entry_id=last_id,
                entry_hash=last_hash,
                public_key=_public_hex(key.public_key()),
                signature=key.sign(_message(last_id, last_hash)).hex(),
            )
        )
    return last_id


# ---- verification ---------------------------------------------------------------------------------
def _checkpoint_problem(row: sa.Row, trusted: str | None) -> str | None:
    if trusted is not None and row.public_key != trusted:
        return f"checkpoint {row.id} is signed by an unknown key"
    try:
        pub = Ed25519PublicKey.from_public_bytes(bytes.fromhex(row.public_key))
        pub.verify(bytes.fromhex(row.signature), _message(row.entry_id, row.entry_hash))
    except (InvalidSignature, ValueError):
        return f"checkpoint {row.id} has an invalid signature"
    return None


def _entry_problem(row: tuple[Any, ...], expected_id: int, prev: str) -> str | None:
    rid, ts, actor, tenant_id, action, target, raw, prev_hash, stored = row
    if rid != expected_id:
        return f"entry {expected_id} is missing (next entry found is {rid})"
    if prev_hash != prev:
        return f"entry {rid} does not link to the previous entry's hash"
    try:
        details = orjson.loads(raw) if raw is not None else None
    except orjson.JSONDecodeError:
        return f"entry {rid} has been altered (its details are not JSON)"
    fields = {"id": rid, "ts": ts, "actor": actor, "tenant_id": tenant_id, "action": action}
    fields.update(target=target, details=details)
    if entry_hash(prev, fields) != stored:
        return f"entry {rid} has been altered (its hash does not match its content)"
    return None


def _bad(entries: int, entry_id: int | None, reason: str, checkpoints_ok: int) -> VerifyResult:
    return VerifyResult(False, entries, entry_id, reason, checkpoints_ok)


def _load_checkpoints(conn: Connection, trusted: str | None) -> tuple[dict[int, list[str]], int, str | None]:
    """Signed hashes by entry id, the newest signed entry id, and the first bad signature if any."""
    by_entry: dict[int, list[str]] = {}
    for cp in conn.execute(sa.select(audit_checkpoints).order_by(audit_checkpoints.c.id)):
        problem = _checkpoint_problem(cp, trusted)
        if problem:
            return {}, 0, problem
        by_entry.setdefault(cp.entry_id, []).append(cp.entry_hash)
    return by_entry, max(by_entry, default=0), None


def verify(engine: Engine, key_path: Path | None = None) -> VerifyResult:
    """Walk the whole chain in id order (streamed), recompute every hash, check every checkpoint.

    With key_path (an existing key file, else FileNotFoundError), checkpoints must be signed by that
    key; without it, each checkpoint is checked against the public key stored beside it."""
    trusted = _public_hex(_load_key(key_path).public_key()) if key_path else None
    c = audit_log.c
    q = sa.select(c.id, c.ts, c.actor, c.tenant_id, c.action, c.target, sa.cast(c.details, sa.Text))
    q = q.add_columns(c.prev_hash, c.hash).order_by(c.id)
    count, prev, checked = 0, GENESIS, 0
    with engine.connect() as conn:
        signed, newest_signed, problem = _load_checkpoints(conn, trusted)
        if problem:
            return _bad(0, None, problem, 0)
        result = conn.execution_options(yield_per=_CHUNK).execute(q)
        for row in result:
            problem = _entry_problem(row, count + 1, prev)
            rid, stored = row[0], row[-1]
            if problem is None and any(h != stored for h in signed.get(rid, ())):
                problem = f"entry {rid} differs from the signed checkpoint"
            if problem:
                result.close()
                return _bad(count, min(rid, count + 1), problem, checked)
            checked += len(signed.get(rid, ()))
            count, prev = rid, stored
    if newest_signed > count:
        reason = (
            f"entries {count + 1}..{newest_signed} are missing (a checkpoint signed entry {newest_signed})"
        )
        return _bad(count, count + 1, reason, checked)
    return VerifyResult(True, count, None, "intact", checked)


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
