"""The `hash` operator is one-way under its own secret: whoever holds the secret that opens mapping
tokens (the reversible pseudonyms) cannot recompute keyed hashes to test a list of guessed CIN numbers,
and hashes stay the same across a restart (the secret is kept in the data directory)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from siyada.privacy.operators import detect, keyed_hash
from siyada.privacy.secrets import HASH_SECRET_FILE, SECRET_FILE, TenantKeys
from tests.server import Server, cli

TEXT = "CIN BE873214, tél 0661234567"


def _hash(srv: Server, key: str) -> str:
    r = httpx.post(
        srv.url + "/v1/privacy/anonymize",
        json={"text": TEXT, "operator": "hash"},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert r.status_code == 200, r.text
    return str(r.json()["text"])


def _recompute(master: bytes, tenant_id: int) -> str:
    """What someone holding `master` computes, deriving the tenant's hash key the way the server does."""
    other = bytes(b ^ 0xFF for b in master)  # TenantKeys wants a second, different secret
    return keyed_hash(TEXT, detect(TEXT), TenantKeys(other, master).hash_key(tenant_id))[0]


def test_hash_outputs_need_the_hash_secret_and_survive_a_restart(tmp_path: Path) -> None:
    data = tmp_path / "d"
    created = cli(data, "tenants", "create", "default").stdout
    tenant_id = int(re.search(r"id (\d+)", created).group(1))  # type: ignore[union-attr]
    srv = Server(data).start()
    try:
        key = srv.key("default", "user")
        first = _hash(srv, key)
    finally:
        srv.stop()
    assert "BE873214" not in first and "<MA_CIN:" in first
    mapping_secret = (data / SECRET_FILE).read_bytes()
    hash_secret = (data / HASH_SECRET_FILE).read_bytes()
    assert mapping_secret != hash_secret
    # Knowing the mapping-token secret does not give the hashes; the hash secret does (and only it).
    assert _recompute(mapping_secret, tenant_id) != first
    assert _recompute(hash_secret, tenant_id) == first
    srv = Server(data).start()
    try:
        assert _hash(srv, key) == first  # stable across restarts
    finally:
        srv.stop()


def test_config_refuses_one_secret_for_both(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    same = "s" * 40
    config.write_text(f'[privacy]\nsecret = "{same}"\nhash_secret = "{same}"\n')
    proc = cli(tmp_path / "d", "config", "check", config=config, check=False)
    assert proc.returncode != 0 and "hash_secret" in proc.stderr + proc.stdout
