"""`siyada backup` / `siyada restore` with the real CLI and real servers: a data directory filled through
the API (tenant, keys, a document, chat calls: usage and audit rows) is backed up while its server
answers calls, restored onto an empty directory, and a server started there finds the document, the
usage rows and an intact audit chain. Damaged, crafted and too-new archives change nothing."""

from __future__ import annotations

import gzip
import io
import json
import signal
import sqlite3
import subprocess
import sys
import tarfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from openai import OpenAI

from siyada.store.db import head_revision, revisions
from tests.recording_upstream import RecordingUpstream
from tests.server import Server, _env, cli

DOC = Path(__file__).parent / "fixtures" / "corpus" / "shahada_sokna.txt"
QUERY = "شهادة السكنى أجل"


def _config(upstream: RecordingUpstream) -> str:
    return f"""
[knowledge]
warm_at_start = false
[[providers]]
name = "echo"
url = "{upstream.url}"
[[models]]
name = "echo"
routes = [{{provider = "echo"}}]
"""


def _h(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _chat(url: str, key: str, n: int) -> None:
    client = OpenAI(base_url=url + "/v1", api_key=key, max_retries=0)
    for i in range(n):
        client.chat.completions.create(model="echo", messages=[{"role": "user", "content": f"call {i}"}])


def _usage(url: str, key: str) -> list[dict[str, object]]:
    r = httpx.get(url + "/v1/usage", headers=_h(key), params={"limit": 1000}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["data"]


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory, echo: RecordingUpstream) -> Iterator[dict[str, object]]:
    """A data directory filled through the API, its server running, and a backup taken under load."""
    root = tmp_path_factory.mktemp("backup")
    data = root / "data"
    data.mkdir()
    (data / "siyada.toml").write_text(_config(echo))  # the configuration kept in the data directory
    cli(data, "tenants", "create", "commune")
    srv = Server(data).start()
    try:
        operator = srv.key("commune", "operator")
        r = httpx.post(srv.url + "/v1/collections", json={"name": "procedures"}, headers=_h(operator))
        assert r.status_code == 201, r.text
        files = {"file": (DOC.name, DOC.read_bytes())}
        r = httpx.post(
            srv.url + "/v1/documents",
            files=files,
            data={"collection": "procedures"},
            headers=_h(operator),
            timeout=300,
        )
        assert r.status_code == 201, r.text
        _chat(srv.url, operator, 5)
        cli(data, "audit", "checkpoint")  # signed: the restored chain is checked against a signature
        before = len(_usage(srv.url, operator))
        # Calls keep landing while the backup copies the live database.
        busy = threading.Thread(target=_chat, args=(srv.url, operator, 20))
        busy.start()
        archive = root / "siyada-backup.tar.gz"
        done = cli(data, "backup", str(archive))
        busy.join()
        yield {"root": root, "archive": archive, "operator": operator, "before": before, "out": done.stdout}
    finally:
        srv.stop()


def test_restore_on_an_empty_directory_serves_everything(filled: dict[str, object]) -> None:
    root, archive = Path(str(filled["root"])), Path(str(filled["archive"]))
    assert "sha256 " in str(filled["out"]) and archive.stat().st_mode & 0o077 == 0  # it holds secrets
    fresh = root / "fresh"
    restored = cli(fresh, "restore", str(archive))
    assert f"schema revision {head_revision()}" in restored.stdout
    assert cli(fresh, "audit", "verify").returncode == 0
    operator = str(filled["operator"])  # keys come back with the database
    srv = Server(fresh).start()
    try:
        r = httpx.post(
            srv.url + "/v1/search",
            json={"query": QUERY, "collections": ["procedures"], "k": 3},
            headers=_h(operator),
            timeout=60,
        )
        assert r.status_code == 200, r.text
        assert r.json()["data"][0]["document"]["name"] == DOC.name
        rows = _usage(srv.url, operator)
        assert len(rows) >= int(str(filled["before"])) >= 5
        verdict = httpx.post(srv.url + "/v1/admin/audit/verify", headers=_h(operator), timeout=60).json()
        assert verdict["ok"] is True and verdict["checkpoints_ok"] >= 1, verdict
        _chat(srv.url, operator, 1)  # and it goes on serving and counting
        assert _settle(srv.url, operator, len(rows) + 1)
    finally:
        srv.stop()


def _settle(url: str, key: str, n: int) -> bool:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if len(_usage(url, key)) >= n:
            return True
        time.sleep(0.3)
    return False


def _members(archive: Path) -> list[tuple[tarfile.TarInfo, bytes]]:
    with tarfile.open(archive, "r:gz") as tar:
        return [(m, tar.extractfile(m).read()) for m in tar]  # type: ignore[union-attr]


def _write(path: Path, members: list[tuple[tarfile.TarInfo, bytes]]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for info, body in members:
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body) if info.isfile() else None)
    return path


def _sized(info: tarfile.TarInfo, body: bytes) -> tarfile.TarInfo:
    info.size = len(body)
    return info


def _refused(target: Path, archive: Path, *args: str) -> str:
    proc = cli(target, "restore", str(archive), *args, check=False)
    assert proc.returncode == 1, proc.stdout
    assert not (target / "siyada.db").exists()
    assert [p.name for p in target.iterdir()] == [] if target.exists() else True
    return " ".join(proc.stderr.split())


def test_damaged_or_crafted_archives_change_nothing(filled: dict[str, object]) -> None:
    root, archive = Path(str(filled["root"])), Path(str(filled["archive"]))
    members = _members(archive)
    names = [m.name for m, _ in members]
    assert names[0] == "manifest.json" and "database/siyada.db" in names and "data/siyada.toml" in names

    db = names.index("database/siyada.db")
    flipped = bytearray(members[db][1])
    flipped[len(flipped) // 2] ^= 0x01  # one bit of one page
    tampered = [*members[:db], (members[db][0], bytes(flipped)), *members[db + 1 :]]
    assert "does not match its sha256" in _refused(root / "t1", _write(root / "t1.tar.gz", tampered))

    escape = tarfile.TarInfo("data/../../escaped")
    assert "not a plain relative path" in _refused(
        root / "t2", _write(root / "t2.tar.gz", [*members, (escape, b"x")])
    )
    assert not (root / "escaped").exists()
    link = tarfile.TarInfo("data/key-link")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/shadow"
    assert "not a regular file" in _refused(root / "t3", _write(root / "t3.tar.gz", [*members, (link, b"")]))
    extra = tarfile.TarInfo("data/smuggled")
    smuggled = _write(root / "t4.tar.gz", [*members, (extra, b"x")])
    assert "not in the manifest" in _refused(root / "t4", smuggled)
    assert "missing" in _refused(root / "t5", _write(root / "t5.tar.gz", members[:-1]))
    truncated = root / "t6.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    assert "unreadable or damaged" in _refused(root / "t6", truncated)
    assert "sha256 is not the one given" in _refused(root / "t7", archive, "--sha256", "0" * 64)

    manifest = json.loads(members[0][1])
    huge = tarfile.TarInfo("data/huge")
    huge.size = 1 << 50  # a header that claims a petabyte, and no such content behind it
    claims = {
        **manifest,
        "members": {**manifest["members"], huge.name: {"size": huge.size, "sha256": "0" * 64}},
    }
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        tar.addfile(
            _sized(members[0][0], json.dumps(claims).encode()), io.BytesIO(json.dumps(claims).encode())
        )
        for info, body in members[1:]:
            tar.addfile(info, io.BytesIO(body))
        raw.write(huge.tobuf())
    (root / "t9.tar.gz").write_bytes(gzip.compress(raw.getvalue()))
    assert "not enough free space" in _refused(root / "t9", root / "t9.tar.gz")

    manifest["revision"] = "0099_next"  # written by a newer release than this code
    newer = [(members[0][0], json.dumps(manifest).encode()), *members[1:]]
    assert "newer than this version" in _refused(root / "t8", _write(root / "t8.tar.gz", newer))


def test_a_non_empty_target_is_refused_unless_forced(filled: dict[str, object]) -> None:
    root, archive = Path(str(filled["root"])), Path(str(filled["archive"]))
    target = root / "busy"
    cli(target, "tenants", "create", "someone-else")
    refused = cli(target, "restore", str(archive), check=False)
    assert refused.returncode == 1 and "not empty" in refused.stderr
    assert "someone-else" in cli(target, "tenants", "list").stdout
    cli(target, "restore", str(archive), "--force")
    listed = cli(target, "tenants", "list").stdout
    assert "commune" in listed and "someone-else" not in listed


def test_an_older_schema_is_migrated_up_after_the_restore(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config

    from siyada.store.db import MIGRATIONS_DIR, make_engine, sqlite_url

    old = tmp_path / "old"
    old.mkdir()
    engine = make_engine(sqlite_url(old))
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    previous = revisions()[head_revision()]
    with engine.begin() as conn:  # the store as the previous release left it
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, previous or "base")
    engine.dispose()
    cli(old, "backup", str(tmp_path / "old.tar.gz"))
    done = cli(tmp_path / "new", "restore", str(tmp_path / "old.tar.gz"))
    assert f"schema revision {previous}, migrated to {head_revision()}" in done.stdout
    db = sqlite3.connect(tmp_path / "new" / "siyada.db")
    assert db.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head_revision()
    db.close()


def test_a_backup_killed_half_way_leaves_no_archive(tmp_path: Path) -> None:
    data = tmp_path / "data"
    cli(data, "tenants", "create", "default")
    (data / "models").mkdir()
    (data / "models" / "big.bin").write_bytes(__import__("os").urandom(48 << 20))  # slow to compress
    out = tmp_path / "out" / "b.tar.gz"
    cmd = [sys.executable, "-m", "siyada", "--data-dir", str(data), "backup", str(out)]
    proc = subprocess.Popen(cmd, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    partial: list[Path] = []
    deadline = time.monotonic() + 60
    while not partial and proc.poll() is None and time.monotonic() < deadline:
        partial = list(out.parent.glob(".siyada-backup-*/archive.tar.gz")) if out.parent.exists() else []
        time.sleep(0.01)
    assert partial, "the backup finished before it could be interrupted"
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    assert not out.exists()  # nothing under the name a restore would use
    cli(data, "backup", str(out))  # a later run is not in the way of the leftover staging directory
    assert out.exists() and (tmp_path / "r").exists() is False
    assert "restored" in cli(tmp_path / "r", "restore", str(out)).stdout
    assert (tmp_path / "r" / "models" / "big.bin").read_bytes() == (data / "models" / "big.bin").read_bytes()
