"""Config files: TOML and YAML, env-var substitution, validation messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from siyada.config import ConfigError, load_settings, parse_config_file


def test_toml_with_env_substitution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VLLM_HOST", "10.0.0.5")
    p = tmp_path / "c.toml"
    p.write_text("""
egress_allow = ["10.0.0.0/8"]
[[providers]]
name = "vllm"
url = "http://${VLLM_HOST}:8000/v1/"
api_key = "${VLLM_KEY:-secret-default}"
[[models]]
name = "atlas"
aliases = ["default"]
routes = [{ provider = "vllm", model = "MBZUAI-Paris/Atlas-Chat-9B" }]
""")
    cfg = parse_config_file(p)
    assert cfg.providers[0].url == "http://10.0.0.5:8000/v1"
    assert cfg.providers[0].api_key == "secret-default"
    assert cfg.models[0].routes[0].model == "MBZUAI-Paris/Atlas-Chat-9B"


def test_yaml_is_accepted(tmp_path: Path) -> None:
    p = tmp_path / "c.yaml"
    p.write_text("""
egress_allow: [127.0.0.1]
providers:
  - name: ollama
    url: http://127.0.0.1:11434/v1
models:
  - name: darija-chat
    routes: [{provider: ollama, model: "atlas:9b"}]
""")
    assert parse_config_file(p).models[0].name == "darija-chat"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("[[providers]]\nname = 'x'\nurl = 'ftp://h'\n", "http://"),
        ("[[providers]]\nname = 'x'\nurl = 'http://h'\ntimeout = -1\n", "timeout"),
        ("[[models]]\nname = 'm'\nroutes = [{ provider = 'ghost' }]\n", "unknown provider 'ghost'"),
        ("bogus_option = 1\n", "bogus_option"),
        ("[[providers]]\nname = 'x'\nurl = 'http://${MISSING_VAR_FOR_TEST}'\n", "MISSING_VAR_FOR_TEST"),
        ("this is = not toml [", "not valid TOML"),
    ],
)
def test_invalid_configs_explain_themselves(tmp_path: Path, text: str, needle: str) -> None:
    p = tmp_path / "c.toml"
    p.write_text(text)
    with pytest.raises(ConfigError, match=None) as exc:
        parse_config_file(p)
    assert needle in str(exc.value)


def test_data_dir_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIYADA_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.delenv("SIYADA_CONFIG", raising=False)
    monkeypatch.delenv("SIYADA_DATABASE_URL", raising=False)
    s = load_settings()
    assert s.data_dir == (tmp_path / "d").resolve()
    assert s.database_url.endswith("/d/siyada.db")
