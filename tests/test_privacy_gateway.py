"""Personal data never reaches an upstream that is not in-house: prompts go out with placeholders and the
caller's answer comes back with the real values restored, streamed or not. The upstream is a real HTTP
model server on loopback that records every body it receives and echoes the user's message."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from openai import OpenAI

from tests.recording_upstream import RecordingUpstream
from tests.server import Server, cli

PERSONAL = [
    "Fatima-Zahra Benkirane",
    "BE873214",
    "+212 661-234567",
    "MA64011519000001205000534921",
    "yassine.elamrani@gmail.com",
    "محمد العلوي",
    "12345-أ-6",
    "4111 1111 1111 1111",
]
PROMPT = (
    f"Bonjour, je suis Mme {PERSONAL[0]}, CIN {PERSONAL[1]}, tél {PERSONAL[2]}, IBAN {PERSONAL[3]}, "
    f"mail {PERSONAL[4]}. السيد {PERSONAL[5]} عندو الطوموبيل {PERSONAL[6]}. Carte bancaire {PERSONAL[7]}. "
    f"Merci Mme {PERSONAL[0]} (loi 09-08, dossier 2024/1234)."
)


def _leaked(upstream: RecordingUpstream) -> list[str]:
    """Values found in what the upstream received, raw or as JSON with escapes undone."""
    seen = upstream.received().decode()
    decoded = "\n".join(json.dumps(json.loads(b), ensure_ascii=False) for b in upstream.bodies)
    digits = [v for v in PERSONAL if sum(c.isdigit() for c in v) >= 6]
    leaked = [v for v in PERSONAL if v in seen or v in decoded]
    leaked += [
        v
        for v in digits
        if "".join(c for c in v if c.isdigit()) in "".join(c for c in decoded if c.isdigit())
    ]
    return leaked


@pytest.fixture(scope="module")
def upstreams() -> Iterator[tuple[RecordingUpstream, RecordingUpstream]]:
    outside, house = RecordingUpstream(), RecordingUpstream()
    yield outside, house
    outside.close()
    house.close()


@pytest.fixture(scope="module")
def gw(
    tmp_path_factory: pytest.TempPathFactory, upstreams: tuple[RecordingUpstream, RecordingUpstream]
) -> Iterator[Server]:
    outside, house = upstreams
    data = tmp_path_factory.mktemp("privacy-gw")
    config = data / "siyada.toml"
    config.write_text(
        f"""
[embedded]
enabled = false
[privacy.tenants.trusting]
prompts = "external"
[[providers]]
name = "outside"
url = "{outside.url}"
[[providers]]
name = "house"
url = "{house.url}"
in_house = true
[[models]]
name = "echo"
routes = [{{provider = "outside"}}]
[[models]]
name = "house-echo"
routes = [{{provider = "house"}}]
[[models]]
name = "echo-embed"
kind = "embeddings"
routes = [{{provider = "outside"}}]
"""
    )
    for tenant in ("default", "trusting"):
        cli(data, "tenants", "create", tenant)
    srv = Server(data, config=config).start()
    yield srv
    srv.stop()


def _client(gw: Server, tenant: str = "default") -> OpenAI:
    return OpenAI(base_url=gw.url + "/v1", api_key=gw.key(tenant, "user"), max_retries=0)


def test_chat_prompt_is_pseudonymised_and_answer_restored(gw: Server, upstreams: tuple) -> None:
    outside, _ = upstreams
    outside.bodies.clear()
    reply = _client(gw).chat.completions.create(
        model="echo",
        messages=[{"role": "system", "content": "Be brief."}, {"role": "user", "content": PROMPT}],
    )
    assert reply.choices[0].message.content == "Echo: " + PROMPT
    assert outside.bodies, "the upstream was not called"
    assert _leaked(outside) == []
    sent = json.loads(outside.bodies[-1])["messages"][1]["content"]
    assert sent.count("<PERSON_1>") == 2  # one person, one placeholder, twice
    assert "loi 09-08" in sent and "2024/1234" in sent  # hard negatives are left alone


def test_streamed_answer_is_restored_across_split_placeholders(gw: Server, upstreams: tuple) -> None:
    outside, _ = upstreams
    outside.bodies.clear()
    stream = _client(gw).chat.completions.create(
        model="echo", messages=[{"role": "user", "content": PROMPT}], stream=True
    )
    text = "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
    assert text == "Echo: " + PROMPT
    assert _leaked(outside) == []


def test_completions_and_embeddings_are_pseudonymised(gw: Server, upstreams: tuple) -> None:
    outside, _ = upstreams
    outside.bodies.clear()
    client = _client(gw)
    done = client.completions.create(model="echo", prompt=PROMPT)
    assert done.choices[0].text == "Echo: " + PROMPT
    streamed = "".join(
        c.choices[0].text
        for c in client.completions.create(model="echo", prompt=PROMPT, stream=True)
        if c.choices
    )
    assert streamed == "Echo: " + PROMPT
    emb = client.embeddings.create(model="echo-embed", input=[PROMPT, PERSONAL[0]])
    assert len(emb.data) == 2
    assert _leaked(outside) == []


def test_a_tenant_may_trust_in_house_providers_only(gw: Server, upstreams: tuple) -> None:
    outside, house = upstreams
    outside.bodies.clear()
    house.bodies.clear()
    client = _client(gw, "trusting")
    message = [{"role": "user", "content": PROMPT}]
    assert (
        client.chat.completions.create(model="house-echo", messages=message).choices[0].message.content
        == "Echo: " + PROMPT
    )
    assert PERSONAL[1] in house.received().decode()  # in-house: real values, as the tenant chose
    client.chat.completions.create(model="echo", messages=message)
    assert _leaked(outside) == []  # not in-house: placeholders whatever the tenant says
    _client(gw, "default").chat.completions.create(model="house-echo", messages=message)
    assert PERSONAL[1] not in house.bodies[-1].decode()  # the default policy shields in-house too


def test_anonymize_operators_and_reversible_token(gw: Server) -> None:
    headers = {"Authorization": f"Bearer {gw.key('default', 'user')}"}
    url = gw.url + "/v1/privacy/"

    def anonymize(**body: object) -> dict:
        r = httpx.post(url + "anonymize", json={"text": PROMPT, **body}, headers=headers)
        assert r.status_code == 200, r.text
        return r.json()

    replaced = anonymize()
    assert replaced["text"].count("<PERSON_1>") == 2 and "<MA_CIN_1>" in replaced["text"]
    for item in replaced["items"]:
        assert replaced["text"][item["start"] : item["end"]].startswith("<" + item["type"])
    masked = anonymize(operator="mask", keep_last=2)["text"]
    assert "******14" in masked and PERSONAL[1] not in masked
    hashed = anonymize(operator="hash", entities=["MA_CIN"])["text"]
    assert hashed == anonymize(operator="hash", entities=["MA_CIN"])["text"]  # keyed hash: stable
    assert PERSONAL[1] not in hashed and PERSONAL[0] in hashed  # only the asked type
    assert PERSONAL[1] not in anonymize(operator="redact")["text"]
    pseudo = anonymize(operator="pseudonymize")
    assert all(v not in pseudo["text"] for v in PERSONAL)
    back = httpx.post(
        url + "deanonymize",
        json={"text": pseudo["text"], "mapping_token": pseudo["mapping_token"]},
        headers=headers,
    )
    assert back.status_code == 200 and back.json()["text"] == PROMPT
    # The token is sealed for this tenant: another tenant cannot open it, nor can a tampered one be.
    other = {"Authorization": f"Bearer {gw.key('trusting', 'user')}"}
    theirs = httpx.post(
        url + "deanonymize", json={"text": "x", "mapping_token": pseudo["mapping_token"]}, headers=other
    )
    assert theirs.status_code == 400 and theirs.json()["error"]["code"] == "invalid_mapping_token"
    other_hash = httpx.post(
        url + "anonymize", json={"text": PROMPT, "operator": "hash", "entities": ["MA_CIN"]}, headers=other
    )
    assert other_hash.json()["text"] != hashed  # per-tenant keys
    tampered = pseudo["mapping_token"][:-4] + (
        "AAAA" if not pseudo["mapping_token"].endswith("AAAA") else "BBBB"
    )
    bad = httpx.post(url + "deanonymize", json={"text": "x", "mapping_token": tampered}, headers=headers)
    assert bad.status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        {"text": "x", "operator": "shred"},
        {"text": "x", "entities": ["SSN"]},
        {"text": 5},
        {"text": "x", "mask_char": "**"},
    ],
)
def test_anonymize_rejects_bad_input(gw: Server, body: dict) -> None:
    r = httpx.post(
        gw.url + "/v1/privacy/anonymize",
        json=body,
        headers={"Authorization": f"Bearer {gw.key('default', 'user')}"},
    )
    assert r.status_code == 400 and r.json()["error"]["type"] == "invalid_request_error"


def test_config_rejects_unknown_entity_types(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[privacy]\nentities = ["PERSON", "SSN"]\n')
    proc = cli(tmp_path / "d", "config", "check", config=config, check=False)
    assert proc.returncode != 0 and "SSN" in proc.stderr + proc.stdout
