"""Witnessing other Siyada logs: accept a checkpoint only if it extends the chain last seen for its
origin, store it, and countersign it with this server's audit key.

The first checkpoint seen for an origin is trusted as it comes (its key is pinned by the origin's
name); after that a checkpoint that does not name the last one's hash as its predecessor (a fork), that
goes back (a rollback) or that skips ahead (a gap: send the missing ones first) is refused with 409.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from siyada.errors import ApiError
from siyada.governance.audit_chain import transaction
from siyada.governance.audit_checkpoints import Checkpoint, follows, origin_for
from siyada.governance.audit_keys import load_or_create_key, public_hex
from siyada.store.tables import audit_witnessed

COSIGN_HEADER = b"siyada-audit-witness/v1\n"


def cosigned_message(cp: Checkpoint) -> bytes:
    """What a witness signs: its own header, so a cosignature is never taken for a checkpoint."""
    return COSIGN_HEADER + cp.note()


def _doc(row: sa.Row, witness_key: str) -> dict[str, Any]:
    return {
        "object": "audit.cosignature",
        "origin": row.origin,
        "seq": row.seq,
        "checkpoint_hash": row.checkpoint_hash,
        "checkpoint": row.checkpoint,
        "witness_public_key": witness_key,
        "cosignature": row.cosignature,
        "received_at": row.received_at,
    }


def _row(conn: Connection, origin: str, seq: int | None = None) -> sa.Row | None:
    q = sa.select(audit_witnessed).where(audit_witnessed.c.origin == origin)
    q = q.where(audit_witnessed.c.seq == seq) if seq is not None else q
    return conn.execute(q.order_by(audit_witnessed.c.seq.desc()).limit(1)).first()


def accept(engine: Engine, key_path: Path, cp: Checkpoint) -> dict[str, Any]:
    """Witness `cp` (ApiError 400 when it is not a valid checkpoint, 409 when it does not extend the
    chain seen so far); sending the same checkpoint again returns the same countersignature."""
    if not cp.signature_ok():
        raise ApiError(400, "The checkpoint's signature is invalid", code="invalid_checkpoint")
    if cp.origin != origin_for(cp.public_key):
        raise ApiError(400, "The checkpoint's origin does not name its key", code="invalid_checkpoint")
    key = load_or_create_key(key_path)
    witness_key = public_hex(key.public_key())
    with transaction(engine) as conn:  # one writer at a time, so two forks cannot both be accepted
        same = _row(conn, cp.origin, cp.seq)
        if same is not None:
            if same.checkpoint_hash == cp.hash:
                return _doc(same, witness_key)
            raise ApiError(
                409,
                f"Checkpoint #{cp.seq} of {cp.origin} differs from the one witnessed (a fork)",
                code="checkpoint_fork",
            )
        last = _row(conn, cp.origin)
        if last is not None:
            seen = Checkpoint.from_json(last.checkpoint)
            if cp.seq < seen.seq:
                raise ApiError(
                    409,
                    f"Checkpoint #{cp.seq} of {cp.origin} is older than #{seen.seq}, already witnessed",
                    code="checkpoint_rollback",
                )
            problem = follows(seen, cp)
            if problem:
                code = "checkpoint_gap" if cp.seq > seen.seq + 1 else "checkpoint_fork"
                code = "checkpoint_rollback" if cp.entry_id < seen.entry_id else code
                raise ApiError(409, f"Refused: {problem}; the last witnessed is #{seen.seq}", code=code)
        values = {
            "origin": cp.origin,
            "seq": cp.seq,
            "checkpoint_hash": cp.hash,
            "checkpoint": cp.to_json(),
            "cosignature": key.sign(cosigned_message(cp)).hex(),
            "received_at": time.time(),
        }
        conn.execute(audit_witnessed.insert().values(**values))
        row = _row(conn, cp.origin, cp.seq)
    assert row is not None
    return _doc(row, witness_key)


def latest(engine: Engine, key_path: Path, origin: str) -> dict[str, Any] | None:
    """The newest checkpoint witnessed for `origin`, with its countersignature (None: none yet)."""
    with engine.connect() as conn:
        row = _row(conn, origin)
    return _doc(row, public_hex(load_or_create_key(key_path).public_key())) if row else None
