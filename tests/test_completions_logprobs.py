"""Legacy completions as evaluation harnesses use them, against the real server and the official openai
SDK: batched prompts (text or token ids), echo with log-probabilities, and vLLM's tokenizer endpoints."""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from tests.recording_upstream import RecordingUpstream
from tests.server import Server, cli

MODEL = "siyada-chat"
SENTENCE = "The capital of France is Paris, and the capital of Morocco is Rabat."


@pytest.fixture(scope="module")
def client(server: Server, admin_key: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.url + "/v1", api_key=admin_key, max_retries=0, timeout=120)


@pytest.fixture(scope="module")
def http(server: Server, admin_key: str) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=server.url, headers={"Authorization": f"Bearer {admin_key}"}, timeout=120
    ) as c:
        yield c


def _ids(http: httpx.Client, text: str) -> list[int]:
    resp = http.post("/tokenize", json={"prompt": text, "add_special_tokens": False})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["count"] == len(body["tokens"])
    return body["tokens"]


def _score(client: openai.OpenAI, prompt: Any, **kw: Any) -> Any:
    """lm-evaluation-harness's loglikelihood request."""
    args: dict[str, Any] = {"max_tokens": 1, "temperature": 0, "logprobs": 1, "echo": True, "seed": 1234}
    return client.completions.create(model=MODEL, prompt=prompt, **{**args, **kw})


def _error(exc: openai.APIStatusError) -> dict[str, Any]:
    body = exc.response.json()
    assert set(body["error"]) == {"message", "type", "param", "code"}
    return body["error"]


# ---- batches -----------------------------------------------------------------------------------------
def test_a_batch_of_strings_gets_one_indexed_choice_per_prompt(client: openai.OpenAI) -> None:
    prompts = ["The capital of France is", "One, two, three,", "Le Maroc est un pays"]
    batch = client.completions.create(model=MODEL, prompt=prompts, max_tokens=4, temperature=0)
    assert sorted(c.index for c in batch.choices) == [0, 1, 2]
    assert batch.usage is not None
    alone = [client.completions.create(model=MODEL, prompt=p, max_tokens=4, temperature=0) for p in prompts]
    by_index = {c.index: c for c in batch.choices}
    for i, single in enumerate(alone):
        assert by_index[i].text == single.choices[0].text  # greedy: each prompt answered as if alone
    assert batch.usage.prompt_tokens == sum(s.usage.prompt_tokens for s in alone if s.usage)
    assert batch.usage.completion_tokens == sum(s.usage.completion_tokens for s in alone if s.usage)
    assert batch.usage.total_tokens == batch.usage.prompt_tokens + batch.usage.completion_tokens


def test_token_id_prompts_one_list_or_a_batch(client: openai.OpenAI, http: httpx.Client) -> None:
    a, b = _ids(http, "The capital of France is"), _ids(http, "Two plus two is")
    one = client.completions.create(model=MODEL, prompt=a, max_tokens=3, temperature=0)
    assert len(one.choices) == 1 and one.usage is not None and one.usage.prompt_tokens == len(a)
    as_text = client.completions.create(
        model=MODEL, prompt="The capital of France is", max_tokens=3, temperature=0
    )
    assert one.choices[0].text == as_text.choices[0].text  # no BOS is added to either (per the GGUF)
    two = client.completions.create(model=MODEL, prompt=[a, b], max_tokens=3, temperature=0)
    assert [c.index for c in two.choices] == [0, 1]
    assert two.usage is not None and two.usage.prompt_tokens == len(a) + len(b)
    assert two.choices[0].text == one.choices[0].text


# ---- echo and log-probabilities ----------------------------------------------------------------------
def test_echo_logprobs_cover_the_prompt_tokens_exactly(client: openai.OpenAI, http: httpx.Client) -> None:
    ids = _ids(http, SENTENCE)
    resp = _score(client, [ids], logprobs=5)
    choice = resp.choices[0]
    lp = choice.logprobs
    assert lp is not None and lp.tokens and lp.token_logprobs and lp.top_logprobs and lp.text_offset
    # What lm-evaluation-harness relies on: the tokens sent, in order, then the one generated.
    assert len(lp.tokens) == len(ids) + 1 == len(lp.token_logprobs) == len(lp.top_logprobs)
    assert lp.token_logprobs[0] is None and lp.top_logprobs[0] is None
    assert all(x is not None and x <= 0 for x in lp.token_logprobs[1:])
    assert resp.usage is not None
    assert resp.usage.prompt_tokens == len(ids) and resp.usage.completion_tokens == 1
    prompt_text = http.post("/detokenize", json={"tokens": ids}).json()["prompt"]
    assert prompt_text == SENTENCE
    assert "".join(lp.tokens[: len(ids)]) == prompt_text  # token strings round-trip
    assert choice.text.startswith(prompt_text) and choice.text == "".join(lp.tokens)
    assert lp.text_offset[0] == 0
    assert all(lp.text_offset[i + 1] - lp.text_offset[i] == len(lp.tokens[i]) for i in range(len(ids)))
    for i, (tok, top) in enumerate(zip(lp.tokens[1:], lp.top_logprobs[1:], strict=True), start=1):
        assert top is not None and 5 <= len(top) <= 6  # the top 5, and the actual token
        assert top[tok] == lp.token_logprobs[i]
        assert max(top.values()) >= lp.token_logprobs[i]  # type: ignore[operator]
    # the generated token is the greedy one: its log-probability is the best of its position
    assert lp.token_logprobs[-1] == max(lp.top_logprobs[-1].values())


def test_logprobs_are_a_real_log_softmax(client: openai.OpenAI) -> None:
    resp = client.completions.create(
        model=MODEL, prompt="The capital of France is", max_tokens=4, temperature=0, logprobs=20, echo=True
    )
    lp = resp.choices[0].logprobs
    assert lp is not None and lp.top_logprobs and lp.token_logprobs
    for top in lp.top_logprobs[1:]:
        assert top is not None and len(top) >= 20
        assert sum(math.exp(v) for v in top.values()) <= 1 + 1e-5
        assert all(v <= 0 for v in top.values())
    generated = range(len(lp.tokens) - (resp.usage.completion_tokens if resp.usage else 0), len(lp.tokens))
    for i in generated:
        assert lp.token_logprobs[i] == max(lp.top_logprobs[i].values())  # greedy picks the best
    # the top-20 of a confident position hold most of the probability mass
    assert max(sum(math.exp(v) for v in top.values()) for top in lp.top_logprobs[1:]) > 0.5


def test_a_text_prompt_and_its_token_ids_score_alike(client: openai.OpenAI, http: httpx.Client) -> None:
    ids = _ids(http, SENTENCE)
    by_text = _score(client, SENTENCE, max_tokens=0).choices[0].logprobs
    by_ids = _score(client, ids, max_tokens=0).choices[0].logprobs
    assert by_text is not None and by_ids is not None
    assert by_text.tokens == by_ids.tokens
    assert by_text.token_logprobs[0] is None and by_ids.token_logprobs[0] is None
    assert by_text.token_logprobs[1:] == pytest.approx(by_ids.token_logprobs[1:], abs=1e-4)


def test_max_tokens_zero_scores_the_prompt_only(client: openai.OpenAI, http: httpx.Client) -> None:
    ids = _ids(http, "Rabat is the capital of Morocco.")
    resp = _score(client, [ids], max_tokens=0, logprobs=0)
    choice = resp.choices[0]
    assert choice.text == "Rabat is the capital of Morocco." and choice.finish_reason == "length"
    assert resp.usage is not None and resp.usage.completion_tokens == 0
    assert choice.logprobs is not None and len(choice.logprobs.tokens) == len(ids)
    # logprobs=0: no alternatives, only the actual token's log-probability
    assert all(top is not None and len(top) == 1 for top in (choice.logprobs.top_logprobs or [])[1:])
    echo_only = client.completions.create(model=MODEL, prompt="Bonjour", max_tokens=0, echo=True)
    assert echo_only.choices[0].text == "Bonjour" and echo_only.choices[0].logprobs is None


def test_generated_logprobs_without_echo_match_plain_generation(client: openai.OpenAI) -> None:
    prompt = "Once upon a time, in a small village,"
    plain = client.completions.create(model=MODEL, prompt=prompt, max_tokens=8, temperature=0)
    scored = client.completions.create(model=MODEL, prompt=prompt, max_tokens=8, temperature=0, logprobs=2)
    lp = scored.choices[0].logprobs
    assert lp is not None and lp.tokens and lp.token_logprobs
    assert scored.choices[0].text == plain.choices[0].text == "".join(lp.tokens)
    assert all(x is not None for x in lp.token_logprobs)  # no echoed prompt, so no leading None
    assert scored.usage is not None and plain.usage is not None
    assert scored.usage.completion_tokens == plain.usage.completion_tokens
    echoed = client.completions.create(model=MODEL, prompt=prompt, max_tokens=8, temperature=0, echo=True)
    assert echoed.choices[0].text == prompt + plain.choices[0].text


def test_stop_sequences_cut_the_scored_text(client: openai.OpenAI) -> None:
    resp = client.completions.create(
        model=MODEL, prompt="Count: 1, 2, 3,", max_tokens=12, temperature=0, logprobs=1, stop=["6"]
    )
    choice = resp.choices[0]
    assert "6" not in choice.text and choice.finish_reason == "stop"
    assert choice.logprobs is not None and "".join(choice.logprobs.tokens or []).startswith(choice.text)


def test_streams_echo_the_prompt_and_carry_logprobs(client: openai.OpenAI) -> None:
    chunks = list(
        client.completions.create(
            model=MODEL, prompt="Hello there", max_tokens=3, temperature=0, echo=True, stream=True
        )
    )
    assert chunks[0].choices[0].text == "Hello there"
    scored = [
        c
        for c in client.completions.create(
            model=MODEL, prompt="Hello there", max_tokens=2, temperature=0, echo=True, logprobs=1, stream=True
        )
        if c.choices
    ]
    assert len(scored) == 1 and scored[0].choices[0].logprobs is not None
    assert scored[0].choices[0].text.startswith("Hello there")


# ---- refusals ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "param", "words"),
    [
        ({"prompt": ["x"] * 65}, "prompt", "at most 64 prompts"),
        ({"prompt": "x", "logprobs": 21}, "logprobs", "20"),
        ({"prompt": [[]]}, "prompt", "at least one token"),
        ({"prompt": [49152, 5]}, "prompt", "token ids must lie in [0, 49152)"),
        ({"prompt": [[-1]]}, "prompt", "token ids must lie in"),
        ({"prompt": [[5, 6], [7, 49152]]}, "prompt", "token ids must lie in"),
        ({"prompt": ["a", "b"], "stream": True}, None, "one prompt per request"),
        ({"prompt": "x", "max_tokens": 0}, None, "echo"),
    ],
    ids=[
        "batch-too-big",
        "logprobs-too-many",
        "empty-ids",
        "out-of-vocab",
        "negative-id",
        "bad-in-batch",
        "stream",
        "max0",
    ],
)
def test_bad_completion_requests_answer_400(
    client: openai.OpenAI, kwargs: dict[str, Any], param: str | None, words: str
) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        client.completions.create(model=MODEL, max_tokens=kwargs.pop("max_tokens", 1), **kwargs)
    err = _error(info.value)
    assert err["type"] == "invalid_request_error" and words in err["message"]
    if param is not None:
        assert err["param"] == param


def test_token_ids_holding_personal_data_are_refused_not_pseudonymised(
    client: openai.OpenAI, http: httpx.Client
) -> None:
    # The default policy pseudonymises every prompt; token ids cannot be rewritten without changing them.
    text = "Appelez Mme Fatima-Zahra Benkirane au +212 661-234567, CIN BE873214."
    with pytest.raises(openai.BadRequestError) as info:
        client.completions.create(model=MODEL, prompt=_ids(http, text), max_tokens=1)
    assert _error(info.value)["code"] == "personal_data_in_token_prompt"
    assert client.completions.create(model=MODEL, prompt=text, max_tokens=1).choices  # text is shielded


# ---- accounting --------------------------------------------------------------------------------------
def _tenant_key(server: Server, admin_key: str) -> tuple[str, str]:
    name = f"lp-{uuid.uuid4().hex[:8]}"
    h = {"Authorization": f"Bearer {admin_key}"}
    assert httpx.post(server.url + "/v1/admin/tenants", headers=h, json={"name": name}).status_code == 201
    resp = httpx.post(server.url + "/v1/admin/keys", headers=h, json={"tenant": name, "role": "user"})
    return name, resp.json()["secret"]


def test_a_batch_is_metered_as_the_sum_of_its_prompts(
    server: Server, admin_key: str, http: httpx.Client
) -> None:
    tenant, key = _tenant_key(server, admin_key)
    ids = _ids(http, "The capital of France is")
    cli(server.data_dir, "limits", "set", "--tenant", tenant, "--tpd", str(2 * len(ids) - 1))
    time.sleep(1.2)  # the server re-reads limits at most once a second
    c = openai.OpenAI(base_url=server.url + "/v1", api_key=key, max_retries=0, timeout=120)
    with pytest.raises(openai.RateLimitError):  # the two prompts together are over the daily tokens
        c.completions.create(model=MODEL, prompt=[ids, ids], max_tokens=1, temperature=0)
    done = c.completions.create(model=MODEL, prompt=[ids], max_tokens=1, temperature=0)
    assert done.usage is not None and done.usage.prompt_tokens == len(ids)
    deadline = time.monotonic() + 15  # usage rows are written in batches
    rows: list[dict[str, Any]] = []
    while time.monotonic() < deadline and not any(r["status"] == 200 for r in rows):
        rows = httpx.get(
            server.url + "/v1/usage", headers={"Authorization": f"Bearer {key}"}, params={"limit": 100}
        ).json()["data"]
        time.sleep(0.2)
    ok = [r for r in rows if r["status"] == 200]
    assert ok and ok[0]["prompt_tokens"] == len(ids) and ok[0]["endpoint"] == "completions"


# ---- tokenizer endpoints -----------------------------------------------------------------------------
def test_tokenizer_info_describes_the_default_chat_model(http: httpx.Client) -> None:
    info = http.get("/tokenizer_info").json()
    assert info["eos_token"] == "<|im_end|>" and info["bos_token"] == "<|im_start|>"
    assert info["model_max_length"] == 2048 and info["vocab_size"] == 49152
    assert "im_start" in info["chat_template"] and info["add_bos_token"] is False
    assert http.get("/tokenizer_info", params={"model": MODEL}).json()["eos_token"] == "<|im_end|>"
    # lm-evaluation-harness finds special tokens' ids by tokenising their text
    assert _ids(http, info["eos_token"]) == [2]


def test_tokenize_and_detokenize_round_trip(http: httpx.Client) -> None:
    text = "Marhaba! ⵣ مرحبا بكم في الرباط"
    ids = _ids(http, text)
    assert http.post("/detokenize", json={"tokens": ids, "model": MODEL}).json() == {"prompt": text}
    full = http.post("/tokenize", json={"prompt": text, "model": MODEL}).json()
    assert full["tokens"] == ids and full["max_model_len"] == 2048  # this GGUF adds no BOS
    chat = http.post("/tokenize", json={"messages": [{"role": "user", "content": "Salam"}]}).json()
    templated = http.post("/detokenize", json={"tokens": chat["tokens"]}).json()["prompt"]
    assert "<|im_start|>user\nSalam<|im_end|>" in templated and templated.endswith("assistant\n")


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "param"),
    [
        ("POST", "/tokenize", {"add_special_tokens": False}, 400, None),
        ("POST", "/tokenize", {"prompt": 5}, 400, "prompt"),
        ("POST", "/detokenize", {"tokens": ["a", 1]}, 400, "tokens.0"),
        ("POST", "/detokenize", {"tokens": [10**9]}, 400, "tokens"),
        ("POST", "/detokenize", {"tokens": [1], "model": "no-such-model"}, 404, "model"),
        ("GET", "/tokenizer_info?model=no-such-model", None, 404, "model"),
        ("GET", "/tokenizer_info?model=siyada-embed", None, 400, "model"),
    ],
    ids=["no-prompt", "prompt-not-text", "non-int", "out-of-vocab", "unknown-model", "info-404", "embed"],
)
def test_tokenizer_endpoints_refuse_bad_input(
    http: httpx.Client, method: str, path: str, body: Any, status: int, param: str | None
) -> None:
    resp = http.request(method, path, json=body)
    assert resp.status_code == status, resp.text
    err = resp.json()["error"]
    assert err["message"] and err["param"] == param


@pytest.mark.parametrize(
    ("method", "path"), [("GET", "/tokenizer_info"), ("POST", "/tokenize"), ("POST", "/detokenize")]
)
def test_tokenizer_endpoints_need_a_key(server: Server, method: str, path: str) -> None:
    resp = httpx.request(method, server.url + path, json={"prompt": "x", "tokens": [1]})
    assert resp.status_code == 401
    assert resp.json()["error"]["type"] == "authentication_error"
    bad = httpx.request(method, server.url + path, headers={"Authorization": "Bearer sk-nope"}, json={})
    assert bad.status_code == 401


# ---- models served by an upstream --------------------------------------------------------------------
@pytest.fixture(scope="module")
def upstream_gw(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, RecordingUpstream]]:
    upstream = RecordingUpstream()
    data: Path = tmp_path_factory.mktemp("lp-upstream")
    config = data / "siyada.toml"
    config.write_text(
        f"""
[embedded]
enabled = false
[[providers]]
name = "outside"
url = "{upstream.url}"
[[models]]
name = "echo"
routes = [{{provider = "outside"}}]
"""
    )
    cli(data, "tenants", "create", "default")
    srv = Server(data, config=config).start()
    yield srv, upstream
    srv.stop()
    upstream.close()


def test_upstream_models_have_no_tokenizer_here_and_take_no_token_ids(
    upstream_gw: tuple[Server, RecordingUpstream],
) -> None:
    srv, upstream = upstream_gw
    key = srv.key("default", "user")
    h = {"Authorization": f"Bearer {key}"}
    resp = httpx.get(srv.url + "/tokenizer_info", headers=h, params={"model": "echo"})
    assert resp.status_code == 400 and resp.json()["error"]["code"] == "tokenizer_unavailable"
    c = openai.OpenAI(base_url=srv.url + "/v1", api_key=key, max_retries=0)
    seen = len(upstream.bodies)
    with pytest.raises(openai.BadRequestError) as info:
        c.completions.create(model="echo", prompt=[[1, 2, 3]], max_tokens=1)
    assert _error(info.value)["code"] == "token_prompt_refused"
    assert len(upstream.bodies) == seen  # nothing went out
    assert c.completions.create(model="echo", prompt=["a", "b"], max_tokens=1).choices  # text batches pass
