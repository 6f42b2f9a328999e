"""The builder's live preview over HTTP (POST /v1/assistant-previews): an unsaved draft answers through the
path of `assistant/NAME` (same checks, same answers, citations, streamed or not), for the tenant's admins
only, over the tenant's own collections only, with nothing stored and the usage on the caller's key; and
`/v1/completions` refuses an assistant with a clear 400."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest
from openai import OpenAI

from tests.assistants_world import start_server, upload_corpus
from tests.recording_upstream import RecordingUpstream
from tests.server import Server

QUESTION = "Quelles pièces pour le certificat de résidence ? [1]"  # the echo model repeats the [1]
ARABIC = "ما هو أجل تسليم شهادة السكنى؟"
DRAFT: dict[str, Any] = {
    "name": "brouillon",
    "instructions": {"fr": "Tu es le guichet. Brouillon non enregistré.", "ar": "أنت شباك الجماعة."},
    "model": "echo",
    "collections": ["procedures"],
    "answer_mode": "generative",
    "retrieval_k": 3,
    "temperature": 0.3,
    "greeting": "Bonjour !",
    "suggested_questions": ["Quelles pièces pour le certificat de résidence ?"],
}


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory, echo: RecordingUpstream) -> Iterator[Server]:
    server = start_server(tmp_path_factory.mktemp("preview"), echo.url)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def keys(srv: Server) -> dict[str, str]:
    made = {
        "admin": srv.key("commune", "admin"),
        "user": srv.key("commune", "user"),
        "other": srv.key("other", "admin"),
    }
    upload_corpus(srv, {"Authorization": f"Bearer {made['admin']}"})
    return made


def _preview(srv: Server, key: str, draft: dict[str, Any], question: str, **extra: Any) -> httpx.Response:
    body = {**draft, "messages": [{"role": "user", "content": question}], **extra}
    return httpx.post(
        srv.url + "/v1/assistant-previews", json=body, headers={"Authorization": f"Bearer {key}"}, timeout=120
    )


def _system(echo: RecordingUpstream) -> str:
    sent = json.loads(echo.bodies[-1])
    return "\n".join(m["content"] for m in sent["messages"] if m["role"] == "system")


def _events(text: str) -> list[dict[str, Any]]:
    lines = [line[6:] for line in text.split("\n") if line.startswith("data: ")]
    assert lines[-1] == "[DONE]"
    return [json.loads(line) for line in lines[:-1]]


def test_the_draft_answers_with_its_instructions_and_citations(
    srv: Server, keys: dict[str, str], echo: RecordingUpstream
) -> None:
    r = _preview(srv, keys["admin"], DRAFT, QUESTION)
    assert r.status_code == 200, r.text
    assert r.headers["X-Siyada-Assistant"] == "brouillon@draft"
    sent = json.loads(echo.bodies[-1])
    assert "Brouillon non enregistré." in _system(echo) and sent["temperature"] == 0.3
    assert sent["model"] == "echo" and "collections" not in sent
    answer = r.json()
    assert answer["model"] == "assistant/brouillon"
    assert [c["index"] for c in answer["citations"]] == [1]
    assert answer["citations"][0]["collection"] == "procedures"
    # streamed: the text in pieces, the citations in the last chunk
    streamed = _preview(srv, keys["admin"], DRAFT, QUESTION, stream=True)
    assert streamed.status_code == 200 and streamed.headers["content-type"].startswith("text/event-stream")
    chunks = _events(streamed.text)
    text = "".join((c["choices"][0]["delta"].get("content") or "") for c in chunks if c.get("choices"))
    assert text.startswith("Echo: ") and chunks[-1]["citations"][0]["index"] == 1
    # the question's language picks the draft's instructions, as for a saved assistant
    assert _preview(srv, keys["admin"], DRAFT, ARABIC).status_code == 200
    assert "أنت شباك الجماعة." in _system(echo)


def test_nothing_is_stored_and_the_usage_is_the_callers(srv: Server, keys: dict[str, str]) -> None:
    admin = {"Authorization": f"Bearer {keys['admin']}"}
    assert _preview(srv, keys["admin"], {**DRAFT, "name": "jamais"}, QUESTION).status_code == 200
    assert httpx.get(srv.url + "/v1/assistants/jamais", headers=admin).status_code == 404
    assert "jamais" not in [
        a["name"] for a in httpx.get(srv.url + "/v1/assistants", headers=admin).json()["data"]
    ]
    audit = httpx.get(srv.url + "/v1/admin/audit", params={"limit": 1000}, headers=admin).json()["data"]
    assert not [e for e in audit if e["action"].startswith("assistant.")]
    rows = httpx.get(
        srv.url + "/v1/usage", params={"model": "assistant-preview/jamais"}, headers=admin
    ).json()["data"]
    assert [(r["tenant"], r["provider"], r["status"]) for r in rows] == [("commune", "house", 200)]


def test_the_preview_answers_exactly_as_the_saved_assistant(srv: Server, keys: dict[str, str]) -> None:
    draft = {"model": "siyada-chat", "collections": ["procedures"], "answer_mode": "extractive"}
    previewed = _preview(srv, keys["admin"], draft, ARABIC)
    assert previewed.status_code == 200, previewed.text
    assert previewed.headers["X-Siyada-Provider"] == "siyada-knowledge"
    made = httpx.post(
        srv.url + "/v1/assistants",
        json={"name": "sokna", **draft},
        headers={"Authorization": f"Bearer {keys['admin']}"},
    )
    assert made.status_code == 201, made.text
    client = OpenAI(base_url=srv.url + "/v1", api_key=keys["user"], max_retries=0)
    saved = client.chat.completions.create(
        model="assistant/sokna", messages=[{"role": "user", "content": ARABIC}]
    )
    assert previewed.json()["choices"][0]["message"]["content"] == saved.choices[0].message.content
    assert previewed.json()["citations"] == (saved.model_extra or {})["citations"]
    assert previewed.json()["citations"][0]["document_name"] == "shahada_sokna.txt"


def test_a_user_may_not_preview(srv: Server, keys: dict[str, str]) -> None:
    r = _preview(srv, keys["user"], DRAFT, QUESTION)
    assert r.status_code == 403 and r.json()["error"]["code"] == "admin_required"


def test_another_tenants_collection_is_not_found(
    srv: Server, keys: dict[str, str], echo: RecordingUpstream
) -> None:
    sent_before = len(echo.bodies)
    r = _preview(srv, keys["other"], DRAFT, QUESTION)
    assert r.status_code == 404 and r.json()["error"]["code"] == "collection_not_found"
    assert r.json()["error"]["param"] == "collections"
    assert len(echo.bodies) == sent_before  # refused before any model ran


@pytest.mark.parametrize(
    ("change", "param"),
    [
        ({"retrieval_k": 21}, "retrieval_k"),
        ({"temperature": 3}, "temperature"),
        ({"instructions": {"de": "x"}}, "instructions.de"),
        ({"suggested_questions": [" "]}, "suggested_questions.0"),
        ({"name": "Pas Bon"}, "name"),
        ({"retrieval": {"k": 20}}, "retrieval"),  # a saved assistant refuses it too
        ({"messages": []}, "messages"),
        ({"model": "no-such-model"}, "model"),
        ({"tools": ["lookup"]}, "tools"),  # tools beside collections
    ],
)
def test_a_bad_draft_is_refused_with_its_field(
    srv: Server, keys: dict[str, str], change: dict[str, Any], param: str
) -> None:
    body = {**DRAFT, "messages": [{"role": "user", "content": QUESTION}], **change}
    r = httpx.post(
        srv.url + "/v1/assistant-previews", json=body, headers={"Authorization": f"Bearer {keys['admin']}"}
    )
    assert r.status_code in (400, 404), r.text
    assert r.json()["error"]["param"] == param, r.text


def test_legacy_completions_refuse_an_assistant(srv: Server, keys: dict[str, str]) -> None:
    client = OpenAI(base_url=srv.url + "/v1", api_key=keys["user"], max_retries=0)
    for model in ("assistant/sokna", "assistant/sokna@1", "assistant/nobody"):
        with pytest.raises(openai.BadRequestError) as err:
            client.completions.create(model=model, prompt="Bonjour")
        assert err.value.code == "assistant_chat_only"
        assert "/v1/chat/completions" in str(err.value)
