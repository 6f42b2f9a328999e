"""A second Siyada witnesses the audit checkpoints of the first: two real servers, the real CLI."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from siyada.governance import audit
from siyada.governance.audit_checkpoints import Checkpoint, origin_for
from siyada.governance.audit_keys import load_key
from siyada.governance.audit_witness_store import cosigned_message
from siyada.store.db import open_store
from siyada.store.tables import audit_checkpoints, audit_log
from tests.server import Server, cli, free_port


def _witnessed(url: str, key: str, origin: str, seq: int, timeout: float = 60) -> dict:  # type: ignore[type-arg]
    deadline = time.monotonic() + timeout
    while True:
        r = httpx.get(f"{url}/v1/audit/witness", params={"origin": origin}, headers=_auth(key), timeout=10)
        if r.status_code == 200 and r.json()["seq"] >= seq:
            return r.json()
        assert time.monotonic() < deadline, r.text
        time.sleep(0.2)


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _signed(cp: Checkpoint, key_file: Path, **changes: object) -> Checkpoint:
    """`cp` changed and validly re-signed with the log's own key (an attacker who stole it, or a fork)."""
    new = dataclasses.replace(cp, **changes)  # type: ignore[arg-type]
    return dataclasses.replace(new, signature=load_key(key_file).sign(new.note()).hex())


def test_witness_countersigns_refuses_forks_and_catches_truncation(tmp_path: Path) -> None:
    data_w, data_a = tmp_path / "witness", tmp_path / "log"
    cli(data_w, "tenants", "create", "default")
    witness = Server(data_w).start()
    try:
        wkey = witness.key("default", "operator")
        user_key = witness.key("default", "user")
        config = tmp_path / "siyada.toml"
        config.write_text(f'audit_witness = "{witness.url}"\naudit_witness_key = "{wkey}"\n')
        server = Server(data_a, config=config).start()  # records config.loaded, checkpoints it, sends it
        try:
            key_file = data_a / audit.KEY_FILE
            origin = origin_for(audit.public_key_hex(key_file))
            first = _witnessed(witness.url, wkey, origin, 1)
        finally:
            server.stop()
        n = first["checkpoint"]["entry_id"]  # what the server recorded at start (config.loaded…)
        cli(data_a, "tenants", "create", "t1", config=config)
        cli(data_a, "tenants", "create", "t2", config=config)
        out = cli(data_a, "audit", "checkpoint", config=config).stdout
        assert f"Signed checkpoint at entry {n + 2}" in out and "Witness: 1 checkpoint(s) sent" in out, out
        second = _witnessed(witness.url, wkey, origin, 2)
        cp2 = Checkpoint.from_json(second["checkpoint"])
        assert (cp2.seq, cp2.entry_id, cp2.prev) == (2, n + 2, first["checkpoint_hash"])
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(second["witness_public_key"])).verify(
            bytes.fromhex(second["cosignature"]), cosigned_message(cp2)
        )
        ok = cli(data_a, "audit", "verify", config=config)
        assert f"Consistent with 1 trusted head(s), up to #2 (entry {n + 2})" in ok.stdout, ok.stdout

        post = f"{witness.url}/v1/audit/witness"
        again = httpx.post(post, json=cp2.to_json(), headers=_auth(wkey), timeout=10)
        assert again.status_code == 200 and again.json()["cosignature"] == second["cosignature"]
        refusals = {
            "checkpoint_fork": _signed(cp2, key_file, entry_hash="ab" * 32),
            "checkpoint_rollback": _signed(cp2, key_file, seq=3, prev=cp2.hash, size=1, entry_id=1),
            "checkpoint_gap": _signed(cp2, key_file, seq=5, prev=cp2.hash),
        }
        for code, forged in refusals.items():
            r = httpx.post(post, json=forged.to_json(), headers=_auth(wkey), timeout=10)
            assert r.status_code == 409 and r.json()["error"]["code"] == code, (code, r.text)
        bad_sig = dataclasses.replace(cp2, seq=3, prev=cp2.hash).to_json()
        assert httpx.post(post, json=bad_sig, headers=_auth(wkey), timeout=10).status_code == 400
        assert httpx.post(post, json=cp2.to_json(), headers=_auth(user_key), timeout=10).status_code == 403
        assert httpx.post(post, json=cp2.to_json(), timeout=10).status_code == 401

        # The attacker cuts the tail and the checkpoint that signed it; the witness still has #2.
        engine = open_store(f"sqlite:///{data_a / 'siyada.db'}")
        with engine.begin() as conn:
            conn.execute(audit_log.delete().where(audit_log.c.id > n))
            conn.execute(audit_checkpoints.delete().where(audit_checkpoints.c.entry_id > n))
        engine.dispose()
        assert cli(data_a, "audit", "verify", "--no-witness", config=config).returncode == 0
        bad = cli(data_a, "audit", "verify", config=config, check=False)
        assert bad.returncode == 1, bad.stdout + bad.stderr
        assert (
            f"entries {n + 1}-{n + 2} missing: the log ends at {n} but the head signed {n + 2}"
            in " ".join(bad.stderr.split())
        )

        # Then re-grows the log and signs a new #2 over it: the witness keeps the first history.
        cli(data_a, "tenants", "create", "t3", config=config)
        forked = cli(data_a, "audit", "checkpoint", config=config)
        assert "differs from the one witnessed (a fork)" in " ".join(forked.stderr.split()), forked.stderr
        engine = open_store(f"sqlite:///{data_a / 'siyada.db'}")
        with engine.connect() as conn:
            row = conn.execute(audit_checkpoints.select().where(audit_checkpoints.c.seq == 2)).one()
        engine.dispose()
        new2 = Checkpoint(
            origin, 2, row.prev_hash, n + 1, n + 1, row.entry_hash, row.ts, row.public_key, row.signature
        )
        r = httpx.post(post, json=new2.to_json(), headers=_auth(wkey), timeout=10)
        assert r.status_code == 409 and r.json()["error"]["code"] == "checkpoint_fork", r.text
        assert _witnessed(witness.url, wkey, origin, 2)["checkpoint_hash"] == cp2.hash
        assert cli(data_a, "audit", "verify", config=config, check=False).returncode == 1
    finally:
        witness.stop()


def test_witness_url_must_be_on_the_egress_allow_list(tmp_path: Path) -> None:
    config = tmp_path / "siyada.toml"
    config.write_text('audit_witness = "http://10.99.0.1:8000"\naudit_witness_key = "sk-x"\n')
    check = cli(tmp_path / "d", "config", "check", config=config, check=False)
    assert check.returncode == 2 and "audit_witness" in check.stderr and "egress allow-list" in check.stderr
    config.write_text('audit_witness = "http://127.0.0.1:9"\n')
    check = cli(tmp_path / "d", "config", "check", config=config, check=False)
    assert check.returncode == 2 and "audit_witness_key" in check.stderr
    config.write_text(
        'egress_allow = ["10.99.0.0/16"]\n'
        'audit_witness = "http://10.99.0.1:8000"\naudit_witness_key = "sk-x"\n'
    )
    assert cli(tmp_path / "d", "config", "check", config=config).returncode == 0


def test_a_witness_that_is_down_never_blocks_and_gets_the_backlog_later(tmp_path: Path) -> None:
    data_w, data_a = tmp_path / "witness", tmp_path / "log"
    cli(data_w, "tenants", "create", "default")
    wkey = cli(data_w, "keys", "create", "--tenant", "default", "--role", "operator").stdout.strip()
    port = free_port()
    config = tmp_path / "siyada.toml"
    config.write_text(f'audit_witness = "http://127.0.0.1:{port}"\naudit_witness_key = "{wkey}"\n')
    for name in ("t1", "t2"):
        cli(data_a, "tenants", "create", name, config=config)
        down = cli(data_a, "audit", "checkpoint", config=config)  # exit 0: signed, the copy waits
        assert "Signed checkpoint" in down.stdout and "witness did not take the checkpoint" in down.stderr, (
            down.stderr
        )
    witness = Server(data_w, port=port).start()
    try:
        later = cli(data_a, "audit", "checkpoint", config=config).stdout
        assert "Nothing new to checkpoint" in later and "Witness: 2 checkpoint(s) sent" in later, later
        origin = origin_for(audit.public_key_hex(data_a / audit.KEY_FILE))
        assert _witnessed(witness.url, wkey, origin, 2)["checkpoint"]["entry_id"] == 2
    finally:
        witness.stop()
