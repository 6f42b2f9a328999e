"""The CLI against a data directory: tenants, keys, models, migrations on a fresh store."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.server import cli


def test_tenants_and_keys_roundtrip(data_dir: Path) -> None:
    cli(data_dir, "tenants", "create", "commune-fes", "--description", "Commune de Fès")
    dup = cli(data_dir, "tenants", "create", "commune-fes", check=False)
    assert dup.returncode == 1 and "already exists" in dup.stderr
    bad = cli(data_dir, "tenants", "create", "no spaces allowed", check=False)
    assert bad.returncode == 1 and "tenant name" in bad.stderr
    key = cli(data_dir, "keys", "create", "--tenant", "commune-fes", "--role", "admin").stdout.strip()
    assert key.startswith("sk-") and len(key) > 40
    listed = json.loads(cli(data_dir, "keys", "list", "--json").stdout)
    assert listed[0]["role"] == "admin" and listed[0]["tenant"] == "commune-fes"
    assert key not in json.dumps(listed)  # the secret is never listed
    db = sqlite3.connect(data_dir / "siyada.db")
    stored = db.execute("select key_hash, prefix from api_keys").fetchone()
    assert key not in stored[0] and len(stored[0]) == 64
    assert db.execute("pragma journal_mode").fetchone()[0] == "wal"
    bad_role = cli(data_dir, "keys", "create", "--tenant", "commune-fes", "--role", "root", check=False)
    assert bad_role.returncode == 1 and "role" in bad_role.stderr
    no_tenant = cli(data_dir, "keys", "create", "--tenant", "ghost", check=False)
    assert no_tenant.returncode == 1 and "ghost" in no_tenant.stderr
    cli(data_dir, "keys", "revoke", str(listed[0]["id"]))
    assert json.loads(cli(data_dir, "keys", "list", "--json").stdout)[0]["revoked_at"] is not None
    missing = cli(data_dir, "keys", "revoke", "999", check=False)
    assert missing.returncode == 1


def test_models_add_validates_and_lists(data_dir: Path, tmp_path: Path) -> None:
    listed = json.loads(cli(data_dir, "models", "--json").stdout)
    assert {"siyada-chat", "siyada-embed"} <= {m["name"] for m in listed}
    not_gguf = tmp_path / "x.gguf"
    not_gguf.write_bytes(b"nope")
    r = cli(data_dir, "models", "add", str(not_gguf), "--name", "x", check=False)
    assert r.returncode == 1 and "not a GGUF" in r.stderr
    packaged = next(m["path"] for m in listed if m["name"] == "siyada-chat")
    cli(data_dir, "models", "add", packaged, "--name", "my-local-model")
    names = {m["name"] for m in json.loads(cli(data_dir, "models", "--json").stdout)}
    assert "my-local-model" in names
    again = cli(data_dir, "models", "add", packaged, "--name", "my-local-model", check=False)
    assert again.returncode == 1 and "already registered" in again.stderr


def test_data_dir_from_env_is_honoured(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "SIYADA_DATA_DIR": str(tmp_path / "env-data")}
    subprocess.run(
        [sys.executable, "-m", "siyada", "tenants", "create", "t1"], env=env, check=True, capture_output=True
    )
    assert (tmp_path / "env-data" / "siyada.db").exists()
