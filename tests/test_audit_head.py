"""Truncation-proof audit: the checkpoint chain, a signed head kept elsewhere, a witness file.

The attacker of these tests can write the database (and the data directory) but holds neither the
auditor's head file nor the witness; each test plays one attack and checks that verify names it.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyada.errors import ApiError
from siyada.governance import audit
from siyada.governance.audit_checkpoints import Checkpoint
from siyada.governance.audit_verify import head, read_head
from siyada.governance.audit_witness_store import accept
from siyada.store.db import open_store
from siyada.store.tables import audit_checkpoints, audit_log
from tests.pg import Postgres, pg_bin
from tests.server import cli


def _events(n: int, start: int = 0) -> list[audit.Event]:
    return [audit.Event("doc.read", f"key:{i % 3}", 1, f"doc:{i}", {"i": i}) for i in range(start, start + n)]


def _engine(data: Path) -> Engine:
    return open_store(f"sqlite:///{data / 'siyada.db'}")


def _truncate(engine: Engine, keep: int) -> None:
    """Delete the newest entries and every checkpoint that names them (no key needed)."""
    with engine.begin() as conn:
        conn.execute(audit_log.delete().where(audit_log.c.id > keep))
        conn.execute(audit_checkpoints.delete().where(audit_checkpoints.c.entry_id > keep))


def _rewrite(engine: Engine, entry_id: int, target: str) -> None:
    """Change one entry and recompute every hash after it, as someone without the signing key would;
    then delete the checkpoints the rewrite no longer matches."""
    c = audit_log.c
    with engine.begin() as conn:
        prev = conn.execute(sa.select(c.hash).where(c.id == entry_id - 1)).scalar() or audit.GENESIS
        for r in conn.execute(sa.select(audit_log).where(c.id >= entry_id).order_by(c.id)).all():
            fields = {"id": r.id, "ts": r.ts, "actor": r.actor, "tenant_id": r.tenant_id, "action": r.action}
            fields.update(target=target if r.id == entry_id else r.target, details=r.details)
            new = audit.entry_hash(prev, fields)
            conn.execute(
                audit_log.update()
                .where(c.id == r.id)
                .values(target=fields["target"], prev_hash=prev, hash=new)
            )
            prev = new
        conn.execute(audit_checkpoints.delete().where(audit_checkpoints.c.entry_id >= entry_id))


def _broken(proc) -> str:  # type: ignore[no-untyped-def]
    assert proc.returncode == 1, proc.stdout + proc.stderr
    return " ".join(proc.stderr.split())


def _log_with_head(data: Path, tmp_path: Path, config: Path | None = None) -> Path:
    """1,000 entries, a checkpoint at 400, the head (at 1000) written to the auditor's file."""
    # The CLI sets a fresh data directory up on first use (its default tenant is an audit entry): do it
    # first, so the log holds exactly 400 entries at the checkpoint and 1,000 at the head.
    cli(data, "tenants", "list", config=config)
    engine = _engine(data)
    with engine.connect() as conn:
        present = conn.execute(sa.select(sa.func.count()).select_from(audit_log)).scalar_one()
    audit.record_many(engine, _events(400 - present))
    cli(data, "audit", "checkpoint", config=config)
    audit.record_many(engine, _events(600, 400))
    engine.dispose()
    head_file = tmp_path / "auditor" / "head.json"
    out = cli(data, "audit", "head", "--output", str(head_file), config=config).stdout
    assert "head #2" in out and "entries 1-1000" in out, out
    return head_file


def test_truncated_tail_is_named_against_the_head_and_a_grown_log_passes(
    data_dir: Path, tmp_path: Path
) -> None:
    data_dir.mkdir()
    head_file = _log_with_head(data_dir, tmp_path)
    doc = json.loads(head_file.read_text())
    assert doc["checkpoint"]["entry_id"] == 1000 and doc["public_key"] == doc["checkpoint"]["public_key"]
    assert (
        "Consistent with 1 trusted head"
        in cli(data_dir, "audit", "verify", "--against", str(head_file)).stdout
    )

    grown = tmp_path / "grown"
    shutil.copytree(data_dir, grown)
    engine = _engine(grown)
    audit.record_many(engine, _events(5, 1000))
    engine.dispose()
    ok = cli(grown, "audit", "verify", "--against", str(head_file))
    assert "1005 entries" in ok.stdout

    cut = tmp_path / "cut"
    shutil.copytree(data_dir, cut)
    engine = _engine(cut)
    _truncate(engine, 980)
    engine.dispose()
    # Alone, the database cannot tell: the remaining entries and checkpoints are all consistent.
    assert cli(cut, "audit", "verify").returncode == 0
    msg = _broken(cli(cut, "audit", "verify", "--against", str(head_file), check=False))
    assert "entries 981-1000 missing: the log ends at 980 but the head signed 1000" in msg, msg


def test_rewrite_before_the_head_is_named_even_with_recomputed_hashes(data_dir: Path, tmp_path: Path) -> None:
    data_dir.mkdir()
    head_file = _log_with_head(data_dir, tmp_path)
    engine = _engine(data_dir)
    _rewrite(engine, 412, "doc:forged")
    engine.dispose()
    assert cli(data_dir, "audit", "verify").returncode == 0  # the chain and what checkpoints are left agree
    msg = _broken(cli(data_dir, "audit", "verify", "--against", str(head_file), check=False))
    assert "entries 401-1000 changed" in msg and "broken at entry 401" in msg, msg

    # The attacker also replaces the signing key and re-signs a fresh checkpoint chain with it.
    (data_dir / audit.KEY_FILE).unlink()
    engine = _engine(data_dir)
    with engine.begin() as conn:
        conn.execute(audit_checkpoints.delete())
    audit.checkpoint(engine, data_dir / audit.KEY_FILE)
    engine.dispose()
    assert cli(data_dir, "audit", "verify").returncode == 0
    msg = _broken(cli(data_dir, "audit", "verify", "--against", str(head_file), check=False))
    assert "entries 1-1000 changed" in msg and "signed by an unknown key" in msg, msg  # no checkpoint left
    assert "not the key that signed the trusted head" in msg, msg


def test_witness_file_gets_every_checkpoint_and_catches_truncation_and_rewrite(
    data_dir: Path, tmp_path: Path
) -> None:
    data_dir.mkdir()
    witness = tmp_path / "other-disk" / "witness.jsonl"
    witness.parent.mkdir()
    config = tmp_path / "siyada.toml"
    config.write_text(f'audit_witness = "{witness}"\n')
    _log_with_head(data_dir, tmp_path, config)
    lines = [json.loads(x) for x in witness.read_text().splitlines()]
    assert [(x["seq"], x["entry_id"]) for x in lines] == [(1, 400), (2, 1000)]
    assert lines[1]["prev"] == lines[0]["hash"]
    assert "Nothing new" in cli(data_dir, "audit", "checkpoint", config=config).stdout
    assert len(witness.read_text().splitlines()) == 2  # nothing sent twice
    assert "Consistent with 2 trusted head" in cli(data_dir, "audit", "verify", config=config).stdout

    cut = tmp_path / "cut"
    shutil.copytree(data_dir, cut)
    engine = _engine(cut)
    _truncate(engine, 980)
    engine.dispose()
    msg = _broken(cli(cut, "audit", "verify", config=config, check=False))
    assert "entries 981-1000 missing" in msg, msg
    assert cli(cut, "audit", "verify", "--no-witness", config=config).returncode == 0

    engine = _engine(data_dir)
    _rewrite(engine, 412, "doc:forged")
    engine.dispose()
    msg = _broken(cli(data_dir, "audit", "verify", config=config, check=False))
    assert "entries 401-1000 changed" in msg, msg


def test_checkpoint_chain_names_a_deleted_or_rewritten_checkpoint(tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 'a.db'}")
    key = tmp_path / audit.KEY_FILE
    for i in range(4):
        audit.record_many(engine, _events(10, 10 * i))
        assert audit.checkpoint(engine, key) == 10 * (i + 1)
    assert audit.verify(engine, key) == audit.VerifyResult(True, 40, None, "intact", 4)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(audit_checkpoints).order_by(audit_checkpoints.c.seq)).all()
    assert [r.seq for r in rows] == [1, 2, 3, 4] and rows[0].prev_hash == audit.GENESIS

    with engine.begin() as conn:  # a middle checkpoint removed: the chain skips a number
        conn.execute(audit_checkpoints.delete().where(audit_checkpoints.c.seq == 2))
    res = audit.verify(engine, key)
    assert not res.ok and re.search(
        r"checkpoint #2 of \S+ missing \(the chain goes from #1 to #3\)", res.reason
    )
    with engine.begin() as conn:  # put it back with a changed entry hash: its signature no longer holds
        values = {k: v for k, v in rows[1]._mapping.items() if k != "id"}
        conn.execute(audit_checkpoints.insert().values({**values, "entry_hash": "1" * 64}))
    res = audit.verify(engine, key)
    assert not res.ok and "checkpoint #2 of" in res.reason and "invalid signature" in res.reason
    with engine.begin() as conn:  # a validly signed checkpoint spliced in from another chain of the same key
        conn.execute(audit_checkpoints.delete().where(audit_checkpoints.c.seq == 2))
        conn.execute(audit_checkpoints.insert().values({**values, "seq": 2, "prev_hash": "2" * 64}))
    res = audit.verify(engine, key)
    assert not res.ok and "invalid signature" in res.reason  # prev_hash is signed too


def test_head_checks_against_the_checkpoint_chain(tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 'a.db'}")
    key = tmp_path / audit.KEY_FILE
    audit.record_many(engine, _events(10))
    top = head(engine, key)
    assert top is not None and top.seq == 1 and top.entry_id == 10
    assert Checkpoint.from_json(top.to_json()) == top
    with engine.begin() as conn:  # the entries are intact, the head's checkpoint is gone
        conn.execute(audit_checkpoints.delete())
    res = audit.verify(engine, key, [top])
    assert not res.ok and "missing: the chain ends at #0 but the head is #1" in res.reason
    bad = tmp_path / "head.json"
    bad.write_text(
        json.dumps(
            {
                "object": "audit.head",
                "public_key": top.public_key,
                "checkpoint": {**top.to_json(), "entry_id": 9, "size": 9},
            }
        )
    )
    with pytest.raises(ValueError, match="signature is invalid"):
        read_head(bad)


@pytest.mark.skipif(pg_bin("initdb") is None, reason="PostgreSQL is not installed")
def test_truncation_and_rewrite_on_postgres(tmp_path: Path) -> None:
    pg = Postgres().start()
    try:
        engine = open_store(pg.create_database("audit_head"))
        key = tmp_path / audit.KEY_FILE
        audit.record_many(engine, _events(40))
        audit.checkpoint(engine, key)
        audit.record_many(engine, _events(20, 40))
        top = head(engine, key)
        assert top is not None and (top.seq, top.entry_id) == (2, 60)
        assert audit.verify(engine, key, [top]).ok
        audit.record_many(engine, _events(3, 60))
        assert audit.verify(engine, key, [top]).entries == 63  # grown since the head: fine

        _truncate(engine, 55)
        assert audit.verify(engine, key).ok
        res = audit.verify(engine, key, [top])
        assert not res.ok and res.first_bad_id == 56
        assert "entries 56-60 missing: the log ends at 55 but the head signed 60" in res.reason
        audit.record_many(engine, _events(5, 55))  # refilled with other entries up to 60
        _rewrite(engine, 45, "doc:forged")
        res = audit.verify(engine, key, [top])
        assert not res.ok and res.first_bad_id == 41 and "entries 41-60 changed" in res.reason

        # The witness side on PostgreSQL: the first history is kept, a re-signed one refused.
        witness = open_store(pg.create_database("audit_witness"))
        wkey = tmp_path / "witness.key"
        assert accept(witness, wkey, top)["seq"] == 2 and accept(witness, wkey, top)["seq"] == 2
        forged = head(engine, key)  # the rewritten log's new checkpoint #2
        assert forged is not None and forged.seq == 2 and forged.hash != top.hash
        with pytest.raises(ApiError) as refused:
            accept(witness, wkey, forged)
        assert refused.value.status == 409 and refused.value.code == "checkpoint_fork"
        witness.dispose()
        engine.dispose()
    finally:
        pg.stop()


def test_recomputed_rewrite_is_caught_by_a_checkpoint_left_in_place(tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 'a.db'}")
    key = tmp_path / audit.KEY_FILE
    for i in range(3):
        audit.record_many(engine, _events(10, 10 * i))
        audit.checkpoint(engine, key)
    with engine.begin() as conn:  # keep the checkpoints this time: the one at entry 20 no longer matches
        backup = conn.execute(sa.select(audit_checkpoints)).all()
    _rewrite(engine, 14, "doc:forged")
    with engine.begin() as conn:
        conn.execute(audit_checkpoints.delete())
        conn.execute(audit_checkpoints.insert(), [dict(r._mapping) for r in backup])
    res = audit.verify(engine, key)
    assert not res.ok and res.first_bad_id == 11 and "entries 11-20 changed" in res.reason, res
