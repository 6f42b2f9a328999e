"""Secrets as files (Docker and Kubernetes `secrets:`): `${VAR}` in a config and SIYADA_DATABASE_URL /
SIYADA_REDIS_URL are read from the file `VAR_FILE` names when VAR itself is not set."""

from __future__ import annotations

from pathlib import Path

from tests.server import cli


def test_a_config_reference_reads_the_file_its_FILE_variable_names(tmp_path: Path) -> None:
    config = tmp_path / "siyada.toml"
    config.write_text('[privacy]\nsecret = "${SIYADA_PRIVACY_SECRET}"\n')
    secret = tmp_path / "privacy_secret"
    secret.write_text("s" * 40 + "\n")  # as `echo ... > file` writes it
    data = tmp_path / "data"
    missing = cli(data, "config", "check", config=config, check=False)
    assert missing.returncode == 2 and "SIYADA_PRIVACY_SECRET is not set" in missing.stderr
    env = {"SIYADA_PRIVACY_SECRET_FILE": str(secret)}
    assert cli(data, "config", "check", config=config, env=env, check=False).returncode == 0
    secret.write_text("short\n")  # the file's content is what is validated (32 characters at least)
    assert cli(data, "config", "check", config=config, env=env, check=False).returncode == 2


def test_the_database_url_can_come_from_a_file(tmp_path: Path) -> None:
    store = tmp_path / "elsewhere.db"
    url_file = tmp_path / "database_url"
    url_file.write_text(f"sqlite:///{store}\n")
    cli(tmp_path / "data", "tenants", "create", "acme", env={"SIYADA_DATABASE_URL_FILE": str(url_file)})
    assert store.exists()
    assert not (tmp_path / "data" / "siyada.db").exists()
