"""Verify the audit log: the hash chain, the checkpoint chain, and trusted heads kept elsewhere.

A trusted head is a checkpoint the log's key signed that an attacker with write access to the
database cannot take back: a `head.json` an auditor keeps (`siyada audit head`), or what a witness
holds. Everything up to a trusted head must still be there and unchanged; the log may have grown since.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyada.governance.audit_chain import GENESIS, entry_hash, last_entry
from siyada.governance.audit_checkpoints import (
    Checkpoint,
    StoredCheckpoints,
    checkpoint,
    latest,
    load_checked,
    origin_for,
)
from siyada.governance.audit_keys import load_key, public_hex, public_key_hex
from siyada.store.tables import audit_log

_CHUNK = 5000
HEAD_OBJECT = "audit.head"


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    entries: int
    first_bad_id: int | None
    reason: str
    checkpoints_ok: int


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


def _trusted_key(key_path: Path | None, heads: Sequence[Checkpoint]) -> tuple[str | None, str | None]:
    """The key checkpoints must be signed by, and a problem with the heads or the local key."""
    for h in heads:
        if not h.signature_ok():
            return None, f"the trusted head #{h.seq} of {h.origin} has an invalid signature"
    keys = {h.public_key for h in heads}
    if len(keys) > 1:
        return None, "the trusted heads are signed by different keys"
    local = public_hex(load_key(key_path).public_key()) if key_path else None
    return (next(iter(keys)) if keys else local), None


def _key_replaced(key_path: Path | None, trusted: str | None) -> str | None:
    if key_path is None or trusted is None or public_hex(load_key(key_path).public_key()) == trusted:
        return None
    return "this installation's audit signing key is not the key that signed the trusted head"


def verify(engine: Engine, key_path: Path | None = None, heads: Sequence[Checkpoint] = ()) -> VerifyResult:
    """Walk the whole chain in id order (streamed), recompute every hash, check every checkpoint and the
    checkpoint chain, and every trusted head.

    Checkpoints must be signed by the heads' key, else by key_path's (an existing key file, else
    FileNotFoundError), else each by the public key stored beside it."""
    trusted, problem = _trusted_key(key_path, heads)
    if problem:
        return _bad(0, None, problem, 0)
    c = audit_log.c
    q = sa.select(c.id, c.ts, c.actor, c.tenant_id, c.action, c.target, sa.cast(c.details, sa.Text))
    q = q.add_columns(c.prev_hash, c.hash).order_by(c.id)
    with engine.connect() as conn:
        stored, cp_problem = load_checked(conn, trusted)
        cp_problem = "; ".join(
            p for p in (cp_problem, _key_replaced(key_path, trusted) if heads else None) if p
        )
        if cp_problem and not heads:
            return _bad(0, None, cp_problem, 0)
        if cp_problem:  # still name the entries the trusted heads show changed or missing
            stored = StoredCheckpoints({}, {}, 0)
        result = conn.execution_options(yield_per=_CHUNK).execute(q)
        walked = _walk(result, stored, heads)
    res = walked if not walked.ok or not cp_problem else _bad(walked.entries, None, cp_problem, 0)
    if not res.ok:
        if cp_problem and cp_problem not in res.reason:
            res = _bad(res.entries, res.first_bad_id, f"{res.reason}; {cp_problem}", res.checkpoints_ok)
        return res
    by_seq = {(cp.origin, cp.seq): cp for cps in stored.chains.values() for cp in cps}
    for h in heads:
        problem = _head_in_chain(stored, by_seq, h)
        if problem:
            return _bad(res.entries, None, problem, res.checkpoints_ok)
    return res


def _span(first: int, last: int) -> str:
    return f"entries {first}-{last}" if last > first else f"entry {first}"


def _walk(result: Any, stored: StoredCheckpoints, heads: Sequence[Checkpoint]) -> VerifyResult:
    head_at: dict[int, list[Checkpoint]] = {}
    for h in heads:
        head_at.setdefault(h.entry_id, []).append(h)
    count, prev, checked, good = 0, GENESIS, 0, 0  # good: the newest entry a signature vouches for
    for row in result:
        problem = _entry_problem(row, count + 1, prev)
        rid, stored_hash = row[0], row[-1]
        if problem:
            result.close()
            return _bad(count, min(rid, count + 1), problem, checked)
        for h in head_at.get(rid, ()):
            if h.entry_hash != stored_hash:
                result.close()
                reason = (
                    f"{_span(good + 1, rid)} changed: entry {rid}'s hash is not the one the trusted head "
                    f"#{h.seq} signed (entries up to {good} match a signed checkpoint)"
                )
                return _bad(count, good + 1, reason, checked)
        signed = stored.by_entry.get(rid, ())
        if any(h != stored_hash for h in signed):
            result.close()
            reason = (
                f"entry {rid} differs from the signed checkpoint (entries {good + 1}-{rid} changed; "
                f"entries up to {good} match a signed checkpoint)"
            )
            return _bad(count, good + 1, reason, checked)
        if signed or rid in head_at:
            good = rid
        checked += len(signed)
        count, prev = rid, stored_hash
    newest = max([stored.newest_entry, *(h.entry_id for h in heads)])
    if newest > count:
        who = "the head" if any(h.entry_id == newest for h in heads) else "a checkpoint"
        reason = f"{_span(count + 1, newest)} missing: the log ends at {count} but {who} signed {newest}"
        return _bad(count, count + 1, reason, checked)
    return VerifyResult(True, count, None, "intact", checked)


def _head_in_chain(
    stored: StoredCheckpoints, by_seq: dict[tuple[str, int], Checkpoint], head: Checkpoint
) -> str | None:
    """The stored checkpoint chain must still hold the trusted head, unchanged."""
    cps = stored.chains.get(head.origin, [])
    mine = by_seq.get((head.origin, head.seq))
    if mine is None:
        last = cps[-1].seq if cps else 0
        gone = f"#{last + 1}" + (f"-#{head.seq}" if head.seq > last + 1 else "")
        return (
            f"checkpoints {gone} of {head.origin} missing: "
            f"the chain ends at #{last} but the head is #{head.seq}"
        )
    if mine.hash != head.hash:
        return f"checkpoint #{head.seq} of {head.origin} differs from the trusted head's (a fork)"
    return None


# ---- the signed head an auditor keeps -------------------------------------------------------------
def head(engine: Engine, key_path: Path) -> Checkpoint | None:
    """Checkpoint the newest entry if it is not yet, and return the newest checkpoint (None: empty log)."""
    checkpoint(engine, key_path)
    with engine.connect() as conn:
        if last_entry(conn)[0] == 0:
            return None
        return latest(conn, origin_for(public_key_hex(key_path)))


def write_head(cp: Checkpoint, out_path: Path) -> None:
    doc = {"object": HEAD_OBJECT, "public_key": cp.public_key, "checkpoint": cp.to_json()}
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out_path.parent, prefix=f".{out_path.name}.")
    with os.fdopen(fd, "wb") as fh:
        fh.write(orjson.dumps(doc, option=orjson.OPT_INDENT_2) + b"\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, out_path)


def read_head(path: Path) -> Checkpoint:
    """A head file's checkpoint, its signature checked (ValueError: unusable)."""
    try:
        doc = orjson.loads(Path(path).read_bytes())
    except orjson.JSONDecodeError as exc:
        raise ValueError(f"{path} is not JSON: {exc}") from None
    if not isinstance(doc, dict) or doc.get("object") != HEAD_OBJECT:
        raise ValueError(f"{path} is not a Siyada audit head")
    if not isinstance(doc.get("checkpoint"), dict):
        raise ValueError(f"{path} is not a Siyada audit head")
    cp = Checkpoint.from_json(doc["checkpoint"])
    if doc.get("public_key") != cp.public_key or not cp.signature_ok():
        raise ValueError(f"{path}: the head's signature is invalid")
    return cp
