"""Audit log: hash chain, signed checkpoints, tamper detection through the real CLI, export, scale."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from siyada.governance import audit
from siyada.governance.keys import create_key, hash_key, revoke_key
from siyada.governance.tenants import TenantError, create_tenant, set_allowed_models
from siyada.store.db import open_store
from siyada.store.tables import audit_log
from tests.pg import Postgres, pg_bin
from tests.server import cli

ROLE_UP = '{"key_id": 1, "role": "user", "tenant": "commune-fes"}'
COLS = "ts, actor, tenant_id, action, target, details, prev_hash, hash"


def _store(tmp_path: Path):  # type: ignore[no-untyped-def]
    return open_store(f"sqlite:///{tmp_path / 'siyada.db'}")


def _broken_id(proc) -> int:  # type: ignore[no-untyped-def]
    assert proc.returncode == 1, proc.stdout + proc.stderr
    m = re.search(r"broken at entry (\d+)", " ".join(proc.stderr.split()))
    assert m, proc.stderr
    return int(m.group(1))


def _tampered(src: Path, dst: Path, sql: Callable[[sqlite3.Connection], None]) -> Path:
    shutil.copytree(src, dst)
    db = sqlite3.connect(dst / "siyada.db")
    sql(db)
    db.commit()
    db.close()
    return dst


def _swap(db: sqlite3.Connection, a: int, b: int) -> None:
    row_a = db.execute(f"select {COLS} from audit_log where id = ?", (a,)).fetchone()
    row_b = db.execute(f"select {COLS} from audit_log where id = ?", (b,)).fetchone()
    sets = ", ".join(f"{c} = ?" for c in COLS.split(", "))
    db.execute(f"update audit_log set {sets} where id = ?", (*row_b, a))
    db.execute(f"update audit_log set {sets} where id = ?", (*row_a, b))


def test_cli_events_verify_tamper_and_export(data_dir: Path, tmp_path: Path) -> None:
    cli(data_dir, "tenants", "create", "commune-fes", "--description", "Mme Alaoui, 0612345678")
    cli(data_dir, "tenants", "create", "region-rabat", "--models", "siyada-chat")
    secrets = [
        cli(data_dir, "keys", "create", "--tenant", t, "--role", "admin", "--name", "laptop of Said").stdout
        for t in ("commune-fes", "region-rabat")
    ]
    cli(data_dir, "tenants", "set-models", "commune-fes", "siyada-chat,siyada-embed")
    cli(data_dir, "keys", "revoke", "1")
    ok = cli(data_dir, "audit", "verify", check=False)
    assert ok.returncode == 0 and "6 entries" in ok.stdout, ok.stdout + ok.stderr
    assert "checkpoint" in ok.stderr  # the note: no checkpoint yet
    assert "Signed checkpoint at entry 6" in cli(data_dir, "audit", "checkpoint").stdout
    assert "1 signed checkpoints" in cli(data_dir, "audit", "verify").stdout
    assert (data_dir / audit.KEY_FILE).stat().st_mode & 0o777 == 0o600

    db = sqlite3.connect(data_dir / "siyada.db")
    rows = db.execute("select id, actor, action, target, details from audit_log order by id").fetchall()
    dump = repr(db.execute("select * from audit_log").fetchall())
    db.close()
    assert [r[2] for r in rows] == [
        "tenant.created",
        "tenant.created",
        "key.created",
        "key.created",
        "tenant.models_changed",
        "key.revoked",
    ]
    assert rows[5][3] == "key:1" and {r[1] for r in rows} == {"cli"}
    for secret in secrets:
        assert secret.strip()[:10] not in dump and hash_key(secret.strip()) not in dump
    assert "Alaoui" not in dump and "Said" not in dump  # free text never reaches the log

    # Tampering, each on its own copy of the data directory.
    cases: dict[str, tuple[Callable[[sqlite3.Connection], None], int]] = {
        "edit": (lambda d: d.execute("update audit_log set action = 'key.noop' where id = 3"), 3),
        "edit-details": (lambda d: d.execute("update audit_log set details = ? where id = 3", (ROLE_UP,)), 3),
        "delete-middle": (lambda d: d.execute("delete from audit_log where id = 4"), 4),
        "delete-tail": (lambda d: d.execute("delete from audit_log where id >= 5"), 5),
        "swap": (lambda d: _swap(d, 2, 3), 2),
    }
    for name, (sql, bad_id) in cases.items():
        copy = _tampered(data_dir, tmp_path / name, sql)
        assert _broken_id(cli(copy, "audit", "verify", check=False)) == bad_id, name

    # Export: a date alone as --to includes that whole day (UTC); the file is JSON Lines.
    today = datetime.now(UTC).date()
    out = tmp_path / "export" / "audit.jsonl"
    r = cli(data_dir, "audit", "export", "--from", str(today), "--to", str(today), "--output", str(out))
    assert "Exported 6" in r.stdout
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [x["id"] for x in lines] == [1, 2, 3, 4, 5, 6]
    assert all(x["time"].endswith("Z") and x["time"].startswith(str(today)) for x in lines)
    assert lines[0]["prev_hash"] == audit.GENESIS and lines[1]["prev_hash"] == lines[0]["hash"]
    assert {"actor", "tenant_id", "action", "target", "details", "prev_hash", "hash"} <= set(lines[0])
    tomorrow = str(today + timedelta(days=1))
    cli(data_dir, "audit", "export", "--from", tomorrow, "--to", tomorrow, "--output", str(out))
    assert out.read_text() == "" and [p.name for p in out.parent.iterdir()] == ["audit.jsonl"]
    bad = cli(data_dir, "audit", "export", "--from", "yesterday", "--output", str(out), check=False)
    assert bad.returncode == 2


def test_100k_entries_verify_and_tamper(tmp_path: Path) -> None:
    engine = _store(tmp_path)
    key = tmp_path / audit.KEY_FILE
    events = [
        audit.Event("usage.read", f"key:{i % 7}", i % 5, f"tenant:{i % 5}", {"rows": i})
        for i in range(100_000)
    ]
    t0 = time.perf_counter()
    for start in range(0, len(events), 25_000):  # four batches, a checkpoint after each
        audit.record_many(engine, events[start : start + 25_000], key_path=key, checkpoint_every=1000)
    t1 = time.perf_counter()
    res = audit.verify(engine, key)
    t2 = time.perf_counter()
    print(f"\naudit: appended 100k entries in {t1 - t0:.2f}s, verified them in {t2 - t1:.2f}s")
    assert res == audit.VerifyResult(True, 100_000, None, "intact", 4)
    with engine.begin() as conn:
        conn.execute(audit_log.update().where(audit_log.c.id == 77_777).values(details={"rows": 1}))
    bad = audit.verify(engine, key)
    assert not bad.ok and bad.first_bad_id == 77_777 and bad.entries == 77_776 and bad.checkpoints_ok == 3


def test_details_are_checked_and_nothing_is_written_on_refusal(tmp_path: Path) -> None:
    engine = _store(tmp_path)
    for details in (
        {"prompt": "x" * 201},
        {"nested": {"a": 1}},
        {"n": float("nan")},
        {1: "x"},
        {"o": object()},
    ):
        with pytest.raises(ValueError):
            audit.record(engine, "doc.read", actor="key:1", details=details)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        audit.record(engine, "x" * 65, actor="key:1")
    assert audit.verify(engine).entries == 0
    audit.record(engine, "doc.read", actor="key:1", details={"doc_ids": (1, 2), "ok": True, "f": 0.5})
    assert audit.verify(engine) == audit.VerifyResult(True, 1, None, "intact", 0)


def test_governance_hooks_roll_back_with_the_change(tmp_path: Path) -> None:
    engine = _store(tmp_path)
    create_tenant(engine, "t1", "desc", ["m"])  # existing positional callers keep working
    with pytest.raises(TenantError):
        create_tenant(engine, "t1", actor="key:9")
    info, secret = create_key(engine, "t1", "user", actor="key:9")
    revoke_key(engine, info.id, actor="key:9")
    revoke_key(engine, info.id, actor="key:9")  # already revoked: nothing changes, nothing recorded
    set_allowed_models(engine, "t1", None, actor="key:9")
    with engine.connect() as conn:
        rows = conn.execute(sa.select(audit_log).order_by(audit_log.c.id)).all()
    assert [(r.action, r.actor) for r in rows] == [
        ("tenant.created", "cli"),
        ("key.created", "key:9"),
        ("key.revoked", "key:9"),
        ("tenant.models_changed", "key:9"),
    ]
    assert rows[1].details == {"key_id": info.id, "role": "user", "tenant": "t1"}
    assert rows[3].details == {"before": ["m"], "after": None}
    assert secret not in repr(rows) and audit.verify(engine).ok


def test_concurrent_appends_keep_one_chain(tmp_path: Path) -> None:
    engine = _store(tmp_path)

    def worker(n: int) -> None:
        for i in range(40):
            audit.record(engine, "usage.read", actor=f"key:{n}", details={"i": i})

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert audit.verify(engine) == audit.VerifyResult(True, 160, None, "intact", 0)


def test_checkpoints_are_signed_and_checked(tmp_path: Path) -> None:
    engine = _store(tmp_path)
    key, other = tmp_path / "k1", tmp_path / "k2"
    for i in range(5):
        audit.record(engine, "doc.read", actor="key:1", details={"i": i}, key_path=key, checkpoint_every=2)
    assert audit.checkpoint(engine, key) == 5 and audit.checkpoint(engine, key) is None
    assert audit.verify(engine, key) == audit.VerifyResult(True, 5, None, "intact", 3)
    audit.checkpoint(engine, other)  # a checkpoint signed by a key that is not this installation's
    assert audit.verify(engine).ok and not audit.verify(engine, key).ok
    assert "unknown key" in audit.verify(engine, key).reason
    with engine.begin() as conn:
        conn.execute(
            sa.text("delete from audit_checkpoints where public_key = :k"), {"k": audit.public_key_hex(other)}
        )
        conn.execute(sa.text("update audit_checkpoints set entry_hash = :h where id = 1"), {"h": "0" * 64})
    res = audit.verify(engine, key)
    assert not res.ok and "invalid signature" in res.reason


def test_export_range_is_half_open_and_atomic(tmp_path: Path) -> None:
    engine = _store(tmp_path)
    for i in range(3):
        audit.record(engine, "doc.read", actor="key:1", details={"i": i})
        time.sleep(0.01)
    with engine.connect() as conn:
        ts = [r.ts for r in conn.execute(sa.select(audit_log.c.ts).order_by(audit_log.c.id))]
    out = tmp_path / "x.jsonl"
    assert audit.export(engine, out, ts[1], None) == 2
    assert [json.loads(x)["details"]["i"] for x in out.read_text().splitlines()] == [1, 2]
    assert audit.export(engine, out, None, ts[1]) == 1
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.mark.skipif(pg_bin("initdb") is None, reason="PostgreSQL is not installed")
def test_postgres_chain_and_concurrency() -> None:
    pg = Postgres().start()
    try:
        engine = open_store(pg.create_database("audit"))
        threads = [
            threading.Thread(
                target=lambda n=n: [
                    audit.record(engine, "a.b", actor=f"key:{n}", details={"i": i}) for i in range(25)
                ]
            )
            for n in range(4)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert audit.verify(engine) == audit.VerifyResult(True, 100, None, "intact", 0)
        create_tenant(engine, "pg-tenant")
        with engine.begin() as conn:
            conn.execute(sa.text("update audit_log set target = 'x' where id = 42"))
        assert audit.verify(engine).first_bad_id == 42
        engine.dispose()
    finally:
        pg.stop()


def test_personal_data_in_event_text_is_replaced_by_its_type(tmp_path: Path) -> None:
    engine = _store(tmp_path)
    ev = audit.Event(
        action="note.add",
        actor="admin",
        target="dossier de Karim Bennani",
        details={
            "note": "CIN BE873214, tél 0612345678",
            "tags": ["ok", "yassine.elamrani@gmail.com"],
            "n": 3,
        },
    )
    audit.record_many(engine, [ev])
    with engine.connect() as conn:
        row = conn.execute(sa.select(audit_log.c.target, audit_log.c.details)).one()
    stored = json.dumps([row.target, row.details], ensure_ascii=False)
    for value in ("Karim Bennani", "BE873214", "0612345678", "yassine.elamrani@gmail.com"):
        assert value not in stored
    assert row.target == "dossier de <PERSON>"
    details = row.details if isinstance(row.details, dict) else json.loads(row.details)
    assert details == {"note": "CIN <MA_CIN>, tél <PHONE_NUMBER>", "tags": ["ok", "<EMAIL_ADDRESS>"], "n": 3}
    assert audit.verify(engine).ok
