"""Model cards in /v1/models and the demo notice of free chat, through the official openai SDK."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest

from siyada.gateway.cards import PACKAGED_CARDS, tier_from_scores
from tests.recording_upstream import RecordingUpstream
from tests.server import Server, cli


@pytest.fixture(scope="module")
def client(server: Server, admin_key: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.url + "/v1", api_key=admin_key, max_retries=0, timeout=120)


@pytest.fixture(scope="module")
def upstream_gw(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str]]:
    upstream = RecordingUpstream()
    data: Path = tmp_path_factory.mktemp("cards-upstream")
    config = data / "siyada.toml"
    config.write_text(
        f"""
[embedded]
enabled = false
[[providers]]
name = "outside"
url = "{upstream.url}"
[[models]]
name = "big-general"
routes = [{{provider = "outside"}}]
tier = "general"
languages = ["fr", "ar"]
good_for = "administrative French and Arabic"
[[models]]
name = "unmeasured"
routes = [{{provider = "outside"}}]
"""
    )
    cli(data, "tenants", "create", "default")
    srv = Server(data, config=config).start()
    yield srv, srv.key("default", "user")
    srv.stop()
    upstream.close()


def test_the_tier_rule_follows_the_eval_lab_scores() -> None:
    # The packaged chat model scored F1 0.02-0.04: a demo. The same rule with good scores says general.
    assert PACKAGED_CARDS["siyada-chat"].tier == "demo"
    assert tier_from_scores("chat", {"arcd_qa": 0.5, "xquad_ar_qa": 0.4, "cnil_faq_qa": 35.0}) == "general"
    assert tier_from_scores("chat", {"arcd_qa": 0.5, "xquad_ar_qa": 0.4}) == "demo"  # French unmeasured
    assert tier_from_scores("embeddings", {}) == "demo"
    assert PACKAGED_CARDS["siyada-embed"].tier == "general"


def test_packaged_models_carry_their_cards(client: openai.OpenAI) -> None:
    cards = {m.id: m.model_extra or {} for m in client.models.list().data}
    chat = cards["siyada-chat"]
    assert chat["tier"] == "demo"
    assert chat["languages"] == ["en"]
    assert "grounded" in chat["not_for"] and chat["good_for"]
    assert chat["evaluation"]["source"] == "eval-lab"
    assert chat["evaluation"]["scores"]["arcd_qa"] < 0.3
    assert cards["siyada-embed"]["tier"] == "general"
    assert {"ar", "fr"} <= set(cards["siyada-embed"]["languages"])
    one = client.models.retrieve("siyada-chat")
    assert (one.model_extra or {})["tier"] == "demo"


def test_free_chat_with_the_demo_model_says_so(client: openai.OpenAI) -> None:
    raw = client.chat.completions.with_raw_response.create(
        model="siyada-chat", messages=[{"role": "user", "content": "Bonjour"}], max_tokens=4, temperature=0
    )
    assert raw.headers["X-Siyada-Model-Tier"] == "demo"
    resp = raw.parse()
    assert (resp.model_extra or {})["siyada"]["notice"] == "demo_model"

    stream = client.chat.completions.create(
        model="siyada-chat",
        messages=[{"role": "user", "content": "Bonjour"}],
        max_tokens=4,
        temperature=0,
        stream=True,
    )
    notices = [(c.model_extra or {}).get("siyada") for c in stream]
    assert notices[0] == {**notices[0], "notice": "demo_model"}
    assert all(n is None for n in notices[1:])  # said once, at the start


def test_declared_and_unmeasured_upstream_models(upstream_gw: tuple[Server, str]) -> None:
    srv, key = upstream_gw
    client = openai.OpenAI(base_url=srv.url + "/v1", api_key=key, max_retries=0, timeout=60)
    cards = {m.id: m.model_extra or {} for m in client.models.list().data}
    assert cards["big-general"]["tier"] == "general"
    assert cards["big-general"]["languages"] == ["fr", "ar"]
    assert cards["big-general"]["evaluation"]["source"] == "config"
    # Nobody measured or declared it: it is not trusted for facts.
    assert cards["unmeasured"]["tier"] == "demo"
    assert cards["unmeasured"]["evaluation"]["source"] == "unevaluated"

    raw = client.chat.completions.with_raw_response.create(
        model="big-general", messages=[{"role": "user", "content": "Bonjour"}]
    )
    assert raw.headers["X-Siyada-Model-Tier"] == "general"
    assert "siyada" not in (raw.parse().model_extra or {})
    raw = client.completions.with_raw_response.create(model="unmeasured", prompt="Bonjour")
    assert raw.headers["X-Siyada-Model-Tier"] == "demo"
    assert (raw.parse().model_extra or {})["siyada"]["notice"] == "demo_model"


def test_a_card_in_the_config_is_checked(tmp_path: Path) -> None:
    config = tmp_path / "siyada.toml"
    config.write_text('[[models]]\nname = "x"\nroutes = [{provider = "embedded"}]\ntier = "excellent"\n')
    proc = cli(tmp_path, "models", config=config, check=False)
    assert proc.returncode != 0 and "tier" in proc.stderr


def test_unknown_model_has_no_tier_header(upstream_gw: tuple[Server, str]) -> None:
    srv, key = upstream_gw
    r = httpx.post(
        srv.url + "/v1/chat/completions",
        headers={"Authorization": f"Bearer {key}"},
        json={"model": "nope", "messages": [{"role": "user", "content": "x"}]},
    )
    assert r.status_code == 404 and "X-Siyada-Model-Tier" not in r.headers
