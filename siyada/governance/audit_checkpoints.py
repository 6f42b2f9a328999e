"""Signed audit checkpoints that form a chain, in the manner of transparency-log checkpoints.

A checkpoint signs (origin, sequence number, the previous checkpoint's hash, the entry count, the newest
entry's id and hash, the time) as a short text note; its hash is the SHA-256 of that note, and the next
checkpoint names it. Deleting or rewriting a checkpoint in the middle therefore breaks the chain, and
the newest one (kept elsewhere as a signed head, or by a witness) pins the whole log up to it. The
origin names the log (derived from its public key), so a witness keeps one chain per log.

Checkpoints made before the chain (revision 0017) have no sequence number; they sign only
`siyada-audit-checkpoint:{id}:{hash}` and are still checked.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.engine import Connection, Engine

from siyada.governance.audit_chain import GENESIS, last_entry, transaction
from siyada.governance.audit_keys import load_or_create_key, public_hex
from siyada.store.tables import audit_checkpoints

NOTE_HEADER = "siyada-audit-checkpoint/v2"
_HEX64 = frozenset("0123456789abcdef")


def origin_for(public_key: str) -> str:
    """The log's name: stable for as long as its signing key."""
    return f"siyada-audit/{public_key[:16]}"


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    seq: int
    prev: str  # the previous checkpoint's hash, GENESIS for the first
    size: int  # entries covered (ids have no gaps, so it is also the newest entry id)
    entry_id: int
    entry_hash: str
    ts: float
    public_key: str
    signature: str

    def note(self) -> bytes:
        """The signed text; floats print with repr(), which reads back exactly."""
        lines = [NOTE_HEADER, self.origin, str(self.seq), self.prev, str(self.size)]
        lines += [f"{self.entry_id} {self.entry_hash}", repr(float(self.ts))]
        return ("\n".join(lines) + "\n").encode("utf-8")

    @property
    def hash(self) -> str:
        return hashlib.sha256(self.note()).hexdigest()

    def signature_ok(self) -> bool:
        try:
            pub = Ed25519PublicKey.from_public_bytes(bytes.fromhex(self.public_key))
            pub.verify(bytes.fromhex(self.signature), self.note())
        except (InvalidSignature, ValueError):
            return False
        return True

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "hash": self.hash}

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> Checkpoint:
        """Parse and type-check a checkpoint from JSON (a head file, a witness line or request)."""
        try:
            cp = cls(
                origin=_text(doc["origin"], 200),
                seq=_int(doc["seq"]),
                prev=_hex(doc["prev"], 64),
                size=_int(doc["size"]),
                entry_id=_int(doc["entry_id"]),
                entry_hash=_hex(doc["entry_hash"], 64),
                ts=float(doc["ts"]),
                public_key=_hex(doc["public_key"], 64),
                signature=_hex(doc["signature"], 128),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"not a checkpoint: {exc!r} is missing or mistyped") from None
        if cp.seq < 1 or cp.size != cp.entry_id or cp.entry_id < 1:
            raise ValueError("not a checkpoint: seq, size and entry_id must be positive and size == entry_id")
        return cp


def _text(v: Any, limit: int) -> str:
    if not isinstance(v, str) or not v or len(v) > limit or "\n" in v:
        raise ValueError(f"not a checkpoint: bad text {v!r:.40}")
    return v


def _int(v: Any) -> int:
    if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v < 2**31:  # INTEGER columns
        raise ValueError(f"not a checkpoint: bad number {v!r:.40}")
    return v


def _hex(v: Any, n: int) -> str:
    if not isinstance(v, str) or len(v) != n or not set(v) <= _HEX64:
        raise ValueError(f"not a checkpoint: bad hex {v!r:.40}")
    return v


def legacy_message(entry_id: int, entry_hash: str) -> bytes:
    return f"siyada-audit-checkpoint:{entry_id}:{entry_hash}".encode("ascii")


def _from_row(row: sa.Row) -> Checkpoint:
    return Checkpoint(
        row.origin, row.seq, row.prev_hash, row.entry_id, row.entry_id, row.entry_hash, row.ts,
        row.public_key, row.signature,
    )  # fmt: skip


def latest(conn: Connection, origin: str) -> Checkpoint | None:
    row = conn.execute(
        sa.select(audit_checkpoints)
        .where(audit_checkpoints.c.origin == origin, audit_checkpoints.c.seq.is_not(None))
        .order_by(audit_checkpoints.c.seq.desc())
        .limit(1)
    ).first()
    return _from_row(row) if row else None


def chain(conn: Connection, origin: str, after_seq: int = 0) -> list[Checkpoint]:
    q = sa.select(audit_checkpoints).where(
        audit_checkpoints.c.origin == origin, audit_checkpoints.c.seq > after_seq
    )
    return [_from_row(r) for r in conn.execute(q.order_by(audit_checkpoints.c.seq))]


def checkpoint(engine: Engine, key_path: Path) -> int | None:
    """Sign the newest entry as the next checkpoint of the chain; returns the entry id, or None when
    the log is empty or the newest entry is already checkpointed. Cheap: the server calls it every minute.

    It holds the append lock, so two processes never sign two different successors of one checkpoint."""
    key = load_or_create_key(key_path)
    pub = public_hex(key.public_key())
    origin = origin_for(pub)
    with transaction(engine) as conn:
        last_id, last_hash = last_entry(conn)
        prev = latest(conn, origin)
        legacy = conn.execute(
            sa.select(sa.func.max(audit_checkpoints.c.entry_id)).where(
                audit_checkpoints.c.public_key == pub, audit_checkpoints.c.seq.is_(None)
            )
        ).scalar()
        done = max(prev.entry_id if prev else 0, legacy or 0)
        if last_id == 0 or done >= last_id:
            return None
        unsigned = Checkpoint(
            origin, (prev.seq if prev else 0) + 1, prev.hash if prev else GENESIS, last_id, last_id,
            last_hash, time.time(), pub, "",
        )  # fmt: skip
        cp = Checkpoint(**{**asdict(unsigned), "signature": key.sign(unsigned.note()).hex()})
        conn.execute(
            audit_checkpoints.insert().values(
                ts=cp.ts, entry_id=cp.entry_id, entry_hash=cp.entry_hash, public_key=pub,
                signature=cp.signature, origin=origin, seq=cp.seq, prev_hash=cp.prev,
            )
        )  # fmt: skip
    return last_id


@dataclass
class StoredCheckpoints:
    """Every checkpoint in the database, checked: signed hashes by entry id and the chain per origin."""

    by_entry: dict[int, list[str]]
    chains: dict[str, list[Checkpoint]]
    newest_entry: int


def load_checked(conn: Connection, trusted: str | None) -> tuple[StoredCheckpoints, str | None]:
    """Read and check every stored checkpoint: signature (by `trusted` when given), and for chained ones
    that sequence numbers run 1, 2, 3… without a gap, each names its predecessor's hash and no entry
    count goes back. Returns the checkpoints and the first problem, naming the checkpoint."""
    store = StoredCheckpoints({}, {}, 0)
    rows = conn.execute(sa.select(audit_checkpoints).order_by(audit_checkpoints.c.id)).all()
    for row in rows:
        if trusted is not None and row.public_key != trusted:
            return store, f"checkpoint {row.id} is signed by an unknown key"
        if row.seq is None:
            if not _legacy_ok(row):
                return store, f"checkpoint {row.id} has an invalid signature"
        else:
            cp = _from_row(row)
            if not cp.signature_ok():
                return store, f"checkpoint #{cp.seq} of {cp.origin} has an invalid signature (rewritten)"
            store.chains.setdefault(cp.origin, []).append(cp)
        store.by_entry.setdefault(row.entry_id, []).append(row.entry_hash)
    for cps in store.chains.values():
        cps.sort(key=lambda c: c.seq)
        problem = chain_problem(cps)
        if problem:
            return store, problem
    store.newest_entry = max(store.by_entry, default=0)
    return store, None


def _legacy_ok(row: sa.Row) -> bool:
    try:
        pub = Ed25519PublicKey.from_public_bytes(bytes.fromhex(row.public_key))
        pub.verify(bytes.fromhex(row.signature), legacy_message(row.entry_id, row.entry_hash))
    except (InvalidSignature, ValueError):
        return False
    return True


def follows(prev: Checkpoint | None, cp: Checkpoint) -> str | None:
    """Why `cp` is not the next checkpoint after `prev` (None: it is)."""
    if prev is None:
        if cp.seq != 1:
            first = "#1" + (f"-#{cp.seq - 1}" if cp.seq > 2 else "")
            return f"checkpoint {first} of {cp.origin} missing (the chain starts at #{cp.seq})"
        if cp.prev != GENESIS:
            return f"checkpoint #1 of {cp.origin} names a predecessor"
        return None
    if cp.origin != prev.origin or cp.public_key != prev.public_key:
        return f"checkpoint #{cp.seq} is not from the log {prev.origin} or its key"
    if cp.seq != prev.seq + 1:
        missing = f"#{prev.seq + 1}" + (f"-#{cp.seq - 1}" if cp.seq - 1 > prev.seq + 1 else "")
        return f"checkpoint {missing} of {cp.origin} missing (the chain goes from #{prev.seq} to #{cp.seq})"
    if cp.prev != prev.hash:
        return f"checkpoint #{cp.seq} of {cp.origin} does not chain onto #{prev.seq} (a fork or a rewrite)"
    if cp.entry_id < prev.entry_id:
        return f"checkpoint #{cp.seq} of {cp.origin} goes back from entry {prev.entry_id} to {cp.entry_id}"
    return None


def chain_problem(cps: list[Checkpoint]) -> str | None:
    prev: Checkpoint | None = None
    for cp in cps:
        problem = follows(prev, cp)
        if problem:
            return problem
        prev = cp
    return None
