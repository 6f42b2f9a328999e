"""Hand every audit checkpoint to a witness, and read the witness back as a trusted head.

A witness is either an append-only file on other storage (one checkpoint per JSON line, appended with
O_APPEND and fsync) or another Siyada (`POST /v1/audit/witness`, with an admin key of that server),
which refuses a checkpoint that does not extend the chain it saw (fork, rollback) and countersigns the
rest. Sending is best effort: the server pushes whatever the witness lacks every minute, so a witness
that is down delays the copy but never an audit append.
"""

from __future__ import annotations

import logging
import os
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy.engine import Engine

from siyada.governance.audit_checkpoints import Checkpoint, chain, origin_for
from siyada.governance.audit_keys import public_key_hex

log = logging.getLogger("siyada.audit")
TIMEOUT_S = 10.0
_TAIL_BYTES = 64 * 1024  # a checkpoint line is ~600 bytes


class WitnessError(Exception):
    """The witness cannot be reached, or answered something unusable."""


def is_url(target: str) -> bool:
    return target.startswith(("http://", "https://"))


# ---- an append-only file --------------------------------------------------------------------------
def append_line(path: Path, cp: Checkpoint) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, orjson.dumps(cp.to_json()) + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)


def read_file(path: Path, origin: str | None = None) -> list[Checkpoint]:
    """Every checkpoint in a witness file (of `origin` when given), signatures checked."""
    found: list[Checkpoint] = []
    with open(path, "rb") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                cp = Checkpoint.from_json(orjson.loads(line))
            except (orjson.JSONDecodeError, ValueError) as exc:
                raise WitnessError(f"{path} line {n} is not a checkpoint: {exc}") from None
            if not cp.signature_ok():
                raise WitnessError(f"{path} line {n}: the checkpoint's signature is invalid")
            if origin is None or cp.origin == origin:
                found.append(cp)
    return found


def _file_last(path: Path, origin: str) -> tuple[int, str | None]:
    """The newest sequence number and hash of `origin` near the end of the file ((0, None): none)."""
    if not path.exists():
        return 0, None
    with open(path, "rb") as fh:
        fh.seek(max(0, fh.seek(0, os.SEEK_END) - _TAIL_BYTES))
        tail = fh.read().splitlines()
    for line in reversed(tail):
        try:
            cp = Checkpoint.from_json(orjson.loads(line))
        except (orjson.JSONDecodeError, ValueError):
            continue  # the first line of the tail may be cut
        if cp.origin == origin:
            return cp.seq, cp.hash
    return 0, None


# ---- another Siyada -------------------------------------------------------------------------------
def _endpoint(base: str) -> str:
    return base.rstrip("/").removesuffix("/v1") + "/v1/audit/witness"


def _call(url: str, key: str | None, body: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    data = None
    if body is not None:
        data = orjson.dumps(body)
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=data, headers=headers, method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT_S) as resp:
            return resp.status, orjson.loads(resp.read())
    except urllib.error.HTTPError as exc:
        try:
            doc = orjson.loads(exc.read())
        except orjson.JSONDecodeError:
            doc = {}
        return exc.code, doc if isinstance(doc, dict) else {}
    except (OSError, orjson.JSONDecodeError) as exc:
        raise WitnessError(f"witness {url} unreachable: {exc}") from None


def _message(doc: dict[str, Any]) -> str:
    err = doc.get("error")
    return str(err.get("message")) if isinstance(err, dict) else "no error message"


def fetch_latest(base: str, key: str | None, origin: str) -> Checkpoint | None:
    """The newest checkpoint of `origin` the witness holds, signature checked (None: none yet)."""
    url = _endpoint(base) + "?" + urllib.parse.urlencode({"origin": origin})
    status, doc = _call(url, key)
    if status == 404:
        return None
    if status != 200 or not isinstance(doc.get("checkpoint"), dict):
        raise WitnessError(f"witness {base} answered {status}: {_message(doc)}")
    try:
        cp = Checkpoint.from_json(doc["checkpoint"])
    except ValueError as exc:
        raise WitnessError(f"witness {base} returned {exc}") from None
    if cp.origin != origin or not cp.signature_ok():
        raise WitnessError(f"witness {base} returned a checkpoint that is not this log's")
    return cp


def submit(base: str, key: str | None, cp: Checkpoint) -> dict[str, Any]:
    status, doc = _call(_endpoint(base), key, cp.to_json())
    if status != 200:
        raise WitnessError(f"witness {base} refused checkpoint #{cp.seq} ({status}): {_message(doc)}")
    return doc


# ---- both -----------------------------------------------------------------------------------------
def push(engine: Engine, key_path: Path, witness: str, key: str | None = None) -> int:
    """Send the witness every checkpoint of this log it does not hold yet, in order; returns how many.

    WitnessError when it cannot be reached or refuses one (the caller logs it and tries again later)."""
    origin = origin_for(public_key_hex(key_path))
    if is_url(witness):
        held = fetch_latest(witness, key, origin)
        seen, held_hash = (held.seq, held.hash) if held else (0, None)
    else:
        seen, held_hash = _file_last(Path(witness), origin)
    with engine.connect() as conn:
        ours = chain(conn, origin, max(seen - 1, 0))
    if seen and (not ours or ours[0].seq != seen):
        raise WitnessError(f"the witness holds checkpoint #{seen} of {origin}, which this log lacks")
    if seen and ours[0].hash != held_hash:
        raise WitnessError(f"checkpoint #{seen} of {origin} differs from the one witnessed (a fork)")
    pending = ours[1:] if seen else ours
    for cp in pending:
        if is_url(witness):
            submit(witness, key, cp)
        else:
            append_line(Path(witness), cp)
    return len(pending)


def trusted_heads(witness: str, key: str | None, origin: str) -> list[Checkpoint]:
    """What the witness holds of `origin`: every line of a file, the newest checkpoint of a server."""
    if is_url(witness):
        cp = fetch_latest(witness, key, origin)
        return [cp] if cp else []
    path = Path(witness)
    return read_file(path, origin) if path.exists() else []
