"""The embedded default through the official openai SDK: chat (both modes), completions, embeddings."""

from __future__ import annotations

import base64

import numpy as np
import openai
import pytest

from tests.server import Server


@pytest.fixture(scope="module")
def client(server: Server, admin_key: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.url + "/v1", api_key=admin_key, max_retries=0, timeout=120)


def test_models_lists_packaged_models(client: openai.OpenAI) -> None:
    ids = {m.id for m in client.models.list().data}
    assert {"siyada-chat", "siyada-embed"} <= ids


@pytest.mark.parametrize(
    "prompt",
    ["Quelle est la capitale du Maroc ? Réponds en une phrase.", "ما هي عاصمة المغرب؟"],
    ids=["french", "arabic"],
)
def test_chat_non_streaming(client: openai.OpenAI, prompt: str) -> None:
    resp = client.chat.completions.create(
        model="siyada-chat",
        messages=[
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": prompt},
        ],
        max_tokens=24,
        temperature=0,
        seed=7,
    )
    choice = resp.choices[0]
    assert choice.message.role == "assistant"
    assert choice.message.content and choice.message.content.strip()
    assert choice.finish_reason in {"stop", "length"}
    assert resp.model == "siyada-chat"
    assert resp.usage is not None
    assert resp.usage.prompt_tokens > 5
    assert 0 < resp.usage.completion_tokens <= 24
    assert resp.usage.total_tokens == resp.usage.prompt_tokens + resp.usage.completion_tokens


@pytest.mark.parametrize(
    "prompt", ["Écris une phrase sur Rabat.", "اكتب جملة عن الرباط."], ids=["french", "arabic"]
)
def test_chat_streaming_with_usage(client: openai.OpenAI, prompt: str) -> None:
    stream = client.chat.completions.create(
        model="siyada-chat",
        messages=[{"role": "user", "content": prompt}],
        max_tokens=20,
        temperature=0,
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text.strip()
    assert chunks[0].choices[0].delta.role == "assistant"
    finals = [c for c in chunks if c.choices and c.choices[0].finish_reason]
    assert len(finals) == 1
    last = chunks[-1]
    assert last.choices == [] and last.usage is not None
    assert 0 < last.usage.completion_tokens <= 20
    assert last.usage.prompt_tokens > 3


def test_streaming_without_usage_hides_usage_chunk(client: openai.OpenAI) -> None:
    chunks = list(
        client.chat.completions.create(
            model="siyada-chat", messages=[{"role": "user", "content": "Hi"}], max_tokens=5, stream=True
        )
    )
    assert chunks and all(c.choices for c in chunks)
    assert all(c.usage is None for c in chunks)


def test_same_seed_same_answer(client: openai.OpenAI) -> None:
    def ask() -> str | None:
        return (
            client.chat.completions.create(
                model="siyada-chat",
                messages=[{"role": "user", "content": "Tell me a word."}],
                max_tokens=12,
                temperature=0.9,
                seed=1234,
            )
            .choices[0]
            .message.content
        )

    assert ask() == ask()


def test_stop_sequence_is_respected(client: openai.OpenAI) -> None:
    resp = client.chat.completions.create(
        model="siyada-chat",
        messages=[{"role": "user", "content": "Count from 1 to 20 separated by commas."}],
        max_tokens=60,
        temperature=0,
        stop=["5"],
    )
    assert "5" not in (resp.choices[0].message.content or "")


def test_completions(client: openai.OpenAI) -> None:
    resp = client.completions.create(
        model="siyada-chat", prompt="The capital of France is", max_tokens=8, temperature=0
    )
    assert resp.choices[0].text
    assert resp.usage is not None and resp.usage.completion_tokens > 0
    streamed = list(
        client.completions.create(model="siyada-chat", prompt="Once upon a time", max_tokens=8, stream=True)
    )
    assert "".join(c.choices[0].text for c in streamed if c.choices)


def _cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_embeddings_dimension_and_cross_lingual_sanity(client: openai.OpenAI) -> None:
    texts = [
        "Le conseil communal se réunit chaque mois pour voter le budget de la ville.",
        "يجتمع المجلس الجماعي كل شهر للتصويت على ميزانية المدينة.",
        "The football match ended with a late goal in the rain.",
    ]
    resp = client.embeddings.create(model="siyada-embed", input=texts)
    vecs = [np.array(d.embedding) for d in sorted(resp.data, key=lambda d: d.index)]
    assert all(v.shape == (384,) for v in vecs)
    assert _cos(vecs[0], vecs[1]) > _cos(vecs[0], vecs[2])
    assert resp.usage.prompt_tokens > 0


def test_embeddings_single_string_and_base64(client: openai.OpenAI, server: Server, admin_key: str) -> None:
    single = client.embeddings.create(model="siyada-embed", input="Bonjour")
    assert len(single.data) == 1 and len(single.data[0].embedding) == 384
    import httpx

    raw = httpx.post(
        server.url + "/v1/embeddings",
        json={"model": "siyada-embed", "input": ["Bonjour"], "encoding_format": "base64"},
        headers={"Authorization": f"Bearer {admin_key}"},
        timeout=60,
    ).json()
    decoded = np.frombuffer(base64.b64decode(raw["data"][0]["embedding"]), dtype="<f4")
    assert decoded.shape == (384,)
    assert np.allclose(decoded, single.data[0].embedding, atol=1e-5)


def test_the_static_embedding_model_is_served_too(client: openai.OpenAI) -> None:
    texts = [
        "The council meets every month to vote on the city budget.",
        "المجلس كيتجمع كل شهر باش يصوت على الميزانية ديال المدينة.",  # Darija
        "ⴰⵎⵏⵣⴰⵡ ⵏ ⵜⵎⴷⵉⵏⵜ",  # Tifinagh: read through its Latin transcription
    ]
    resp = client.embeddings.create(model="siyada-embed-static", input=texts)
    vecs = [np.array(d.embedding) for d in sorted(resp.data, key=lambda d: d.index)]
    assert all(v.shape == (256,) for v in vecs)
    assert all(abs(np.linalg.norm(v) - 1) < 1e-4 for v in vecs)
    assert resp.usage.prompt_tokens > 0
