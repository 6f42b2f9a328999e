"""Assistants over HTTP (siyada.assistants): created by a tenant admin, called through the official
`openai` SDK as `assistant/NAME` (streamed and not, with citations), pinned to a version, edited into new
versions, retired; invisible to another tenant; usage rows and audit entries name the assistant and its
version, and the audit chain still verifies."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
from openai import OpenAI

from tests.assistants_world import start_server, upload_corpus
from tests.recording_upstream import RecordingUpstream
from tests.server import Server, cli

CIN = "BE873214"


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory, echo: RecordingUpstream) -> Iterator[Server]:
    server = start_server(tmp_path_factory.mktemp("assistants"), echo.url)
    yield server
    server.stop()


_KEYS: dict[tuple[str, str], str] = {}


def _key(srv: Server, tenant: str = "commune", role: str = "admin") -> str:
    if (tenant, role) not in _KEYS:
        _KEYS[tenant, role] = srv.key(tenant, role)
    return _KEYS[tenant, role]


def _h(srv: Server, tenant: str = "commune", role: str = "admin") -> dict[str, str]:
    return {"Authorization": f"Bearer {_key(srv, tenant, role)}"}


def _client(srv: Server, tenant: str = "commune", role: str = "user") -> OpenAI:
    return OpenAI(base_url=srv.url + "/v1", api_key=_key(srv, tenant, role), max_retries=0)


@pytest.fixture(scope="module")
def procedures(srv: Server) -> str:
    return upload_corpus(srv, _h(srv))


GUICHET: dict[str, Any] = {
    "name": "guichet",
    "description": "Le guichet de la commune",
    "instructions": {"fr": "Tu es le guichet de la commune. Version une.", "ar": "أنت شباك الجماعة."},
    "model": "echo",
    "collections": ["procedures"],
    "answer_mode": "generative",
    "retrieval_k": 3,
    "temperature": 0.2,
    "greeting": "Bonjour !",
    "suggested_questions": ["Quelles pièces pour le certificat de résidence ?"],
}
QUESTION = "Quelles pièces pour le certificat de résidence ? [1]"  # the echo model repeats the [1]


def _create(srv: Server, body: dict[str, Any], tenant: str = "commune") -> httpx.Response:
    return httpx.post(srv.url + "/v1/assistants", json=body, headers=_h(srv, tenant))


@pytest.fixture(scope="module")
def guichet(srv: Server, procedures: str) -> dict[str, Any]:
    r = _create(srv, GUICHET)
    assert r.status_code == 201, r.text
    return r.json()


def _sent(echo: RecordingUpstream) -> dict[str, Any]:
    return json.loads(echo.bodies[-1])


def _system(sent: dict[str, Any]) -> str:
    return "\n".join(m["content"] for m in sent["messages"] if m["role"] == "system")


def test_created_assistant_answers_through_the_sdk_streamed_with_citations(
    srv: Server, guichet: dict[str, Any], echo: RecordingUpstream
) -> None:
    assert guichet["id"] == "assistant/guichet" and guichet["version"] == 1
    client = _client(srv)
    reply = client.chat.completions.create(
        model="assistant/guichet", messages=[{"role": "user", "content": QUESTION}], temperature=1.5
    )
    sent = _sent(echo)
    assert "Version une." in _system(sent) and "[1]" in _system(sent)  # instructions and passages
    assert sent["model"] == "echo" and sent["temperature"] == 0.2  # the assistant's, not the caller's
    assert "collections" not in sent and "retrieval" not in sent
    assert reply.model == "assistant/guichet"
    citations = (reply.model_extra or {})["citations"]
    assert [c["index"] for c in citations] == [1] and citations[0]["collection"] == "procedures"
    # streamed: the same answer, citations in the last chunk
    chunks = list(
        client.chat.completions.create(
            model="assistant/guichet", messages=[{"role": "user", "content": QUESTION}], stream=True
        )
    )
    assert "Version une." in _system(_sent(echo))
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices).startswith("Echo: ")
    assert {c.model for c in chunks} == {"assistant/guichet"}
    assert (chunks[-1].model_extra or {})["citations"][0]["index"] == 1
    # the question's language picks the instructions
    client.chat.completions.create(
        model="assistant/guichet", messages=[{"role": "user", "content": "ما هي وثائق شهادة السكنى؟"}]
    )
    assert "أنت شباك الجماعة." in _system(_sent(echo))


def test_listed_as_a_model_for_its_tenant_only(srv: Server, guichet: dict[str, Any]) -> None:
    models = {m.id: m for m in _client(srv).models.list()}
    card = models["assistant/guichet"]
    assert card.owned_by == "commune"
    assert (card.model_extra or {})["assistant"]["languages"] == ["fr", "ar"]
    assert (card.model_extra or {})["assistant"]["answer_mode"] == "generative"
    assert _client(srv).models.retrieve("assistant/guichet").owned_by == "commune"
    other = _client(srv, "other")
    assert not [m.id for m in other.models.list() if m.id.startswith("assistant/")]
    with pytest.raises(openai.NotFoundError):
        other.models.retrieve("assistant/guichet")


def test_extractive_assistant_quotes_with_citations(srv: Server, procedures: str) -> None:
    body = {"name": "sokna", "model": "siyada-chat", "collections": [procedures], "answer_mode": "extractive"}
    assert _create(srv, body).status_code == 201
    reply = _client(srv).chat.completions.create(
        model="assistant/sokna", messages=[{"role": "user", "content": "ما هو أجل تسليم شهادة السكنى؟"}]
    )
    citations = (reply.model_extra or {})["citations"]
    assert citations[0]["document_name"] == "shahada_sokna.txt"
    assert (reply.choices[0].message.content or "").startswith("حسب [1]")
    rows = httpx.get(srv.url + "/v1/usage", params={"model": "assistant/sokna@1"}, headers=_h(srv)).json()[
        "data"
    ]
    assert [(r["model"], r["provider"], r["status"]) for r in rows] == [
        ("assistant/sokna@1", "siyada-knowledge", 200)
    ]


def test_edit_makes_a_new_version_and_a_pinned_call_keeps_the_old(
    srv: Server, guichet: dict[str, Any], echo: RecordingUpstream
) -> None:
    r = httpx.patch(
        srv.url + "/v1/assistants/guichet",
        json={"instructions": {"fr": "Tu es le guichet. Version deux."}},
        headers=_h(srv),
    )
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2 and r.json()["instructions"]["ar"] == "أنت شباك الجماعة."
    client = _client(srv)
    latest = client.chat.completions.with_raw_response.create(
        model="assistant/guichet", messages=[{"role": "user", "content": QUESTION}]
    )
    assert latest.headers["X-Siyada-Assistant"] == "guichet@2"
    assert "Version deux." in _system(_sent(echo)) and "Version une." not in _system(_sent(echo))
    pinned = client.chat.completions.create(
        model="assistant/guichet@1", messages=[{"role": "user", "content": QUESTION}]
    )
    assert pinned.model == "assistant/guichet@1"
    assert "Version une." in _system(_sent(echo)) and "Version deux." not in _system(_sent(echo))
    versions = httpx.get(srv.url + "/v1/assistants/guichet/versions", headers=_h(srv, role="user")).json()
    assert [v["version"] for v in versions["data"]] == [1, 2]
    assert versions["data"][0]["instructions"]["fr"].endswith("Version une.")
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(
            model="assistant/guichet@3", messages=[{"role": "user", "content": "x"}]
        )


def test_another_tenant_can_neither_see_list_call_nor_change_it(srv: Server, guichet: dict[str, Any]) -> None:
    url = srv.url + "/v1/assistants"
    other = _h(srv, "other")
    assert httpx.get(url, headers=other).json()["data"] == []
    for method in ("GET", "DELETE"):
        r = httpx.request(method, url + "/guichet", headers=other)
        assert r.status_code == 404 and r.json()["error"]["code"] == "assistant_not_found"
    assert httpx.get(url + "/guichet/versions", headers=other).status_code == 404
    assert httpx.patch(url + "/guichet", json={"greeting": "x"}, headers=other).status_code == 404
    with pytest.raises(openai.NotFoundError):
        _client(srv, "other").chat.completions.create(
            model="assistant/guichet", messages=[{"role": "user", "content": QUESTION}]
        )
    # nor point its own assistant at the first tenant's collection
    r = _create(srv, {"name": "pirate", "model": "echo", "collections": ["procedures"]}, "other")
    assert r.status_code == 404 and r.json()["error"]["code"] == "collection_not_found"
    # the same name is free in another tenant, and stays separate
    mine = _create(srv, {"name": "guichet", "model": "echo", "greeting": "Salam"}, "other")
    assert mine.status_code == 201 and mine.json()["version"] == 1
    assert httpx.get(url + "/guichet", headers=_h(srv)).json()["greeting"] == "Bonjour !"


def test_a_user_reads_but_cannot_write(srv: Server, guichet: dict[str, Any]) -> None:
    url = srv.url + "/v1/assistants"
    user = _h(srv, role="user")
    assert httpx.get(url + "/guichet", headers=user).status_code == 200
    assert "guichet" in [a["name"] for a in httpx.get(url, headers=user).json()["data"]]
    for method, path, body in [
        ("POST", "", {**GUICHET, "name": "mine"}),
        ("PATCH", "/guichet", {"greeting": "x"}),
        ("DELETE", "/guichet", None),
    ]:
        r = httpx.request(method, url + path, json=body, headers=user)
        assert r.status_code == 403 and r.json()["error"]["code"] == "admin_required", (method, r.text)


@pytest.mark.parametrize(
    "body",
    [
        {"name": "Guichet"},
        {"name": "gui chet"},
        {"name": "a" * 49},
        {"name": ""},
        {"name": "ok", "retrieval_k": 21},
        {"name": "ok", "answer_mode": "creative"},
        {"name": "ok", "privacy": "none"},
        {"name": "ok", "instructions": {"de": "x"}},
        {"name": "ok", "tools": ["bad tool!"]},
        {"name": "ok", "temperature": 3},
        {"name": "ok", "unknown": 1},
        {"name": "ok", "model": "no-such-model", "collections": []},
    ],
)
def test_bad_bodies_are_refused(srv: Server, body: dict[str, Any]) -> None:
    r = _create(srv, {"model": "echo", **body})
    assert r.status_code in (400, 404) and "error" in r.json(), r.text
    if "model" not in body:
        assert r.status_code == 400


@pytest.mark.parametrize(
    "model", ["assistant/", "assistant/Guichet", "assistant/guichet@0", "assistant/guichet@x"]
)
def test_bad_assistant_model_strings_are_400(srv: Server, guichet: dict[str, Any], model: str) -> None:
    with pytest.raises(openai.BadRequestError):
        _client(srv).chat.completions.create(model=model, messages=[{"role": "user", "content": "x"}])
    assert httpx.get(srv.url + "/v1/assistants/Guichet", headers=_h(srv)).status_code == 400


def test_the_caller_cannot_widen_the_assistant(srv: Server, guichet: dict[str, Any]) -> None:
    client = _client(srv)
    for extra, code in [
        ({"collections": ["procedures", "secret"]}, "assistant_fixed_field"),
        ({"answer_mode": "extractive"}, "assistant_fixed_field"),
        ({"retrieval": {"k": 20}}, "assistant_fixed_field"),
    ]:
        with pytest.raises(openai.BadRequestError) as err:
            client.chat.completions.create(
                model="assistant/guichet", messages=[{"role": "user", "content": "x"}], extra_body=extra
            )
        assert err.value.code == code
    tool = {"type": "function", "function": {"name": "send_mail", "parameters": {"type": "object"}}}
    assert _create(srv, {"name": "plain", "model": "echo", "tools": ["lookup"]}).status_code == 201
    with pytest.raises(openai.BadRequestError) as err:
        client.chat.completions.create(
            model="assistant/plain",
            messages=[{"role": "user", "content": "x"}],
            tools=[tool],  # type: ignore[list-item]
        )
    assert err.value.code == "tool_not_allowed"
    allowed = {**tool, "function": {**tool["function"], "name": "lookup"}}
    reply = client.chat.completions.create(
        model="assistant/plain",
        messages=[{"role": "user", "content": "x"}],
        tools=[allowed],  # type: ignore[list-item]
    )
    assert (
        reply.choices[0].message.tool_calls
        and reply.choices[0].message.tool_calls[0].function.name == "lookup"
    )


def test_assistant_privacy_all_shields_even_for_in_house_models(srv: Server, echo: RecordingUpstream) -> None:
    """The tenant lets in-house models read real values; an assistant set to "all" does not."""
    question = f"Mon numéro de CIN est {CIN}, que faire ?"
    client = _client(srv)
    client.chat.completions.create(model="echo", messages=[{"role": "user", "content": question}])
    assert CIN in echo.bodies[-1].decode()  # the tenant's own policy: in-house reads real values
    for name, privacy in (("open", "external"), ("strict", "all")):
        assert _create(srv, {"name": name, "model": "echo", "privacy": privacy}).status_code == 201
    client.chat.completions.create(model="assistant/open", messages=[{"role": "user", "content": question}])
    assert CIN in echo.bodies[-1].decode()
    reply = client.chat.completions.create(
        model="assistant/strict", messages=[{"role": "user", "content": question}]
    )
    assert CIN not in echo.bodies[-1].decode() and "<MA_CIN_1>" in echo.bodies[-1].decode()
    assert CIN in (reply.choices[0].message.content or "")  # restored for the caller


def test_retired_assistant_answers_404_and_its_name_stays_taken(srv: Server, procedures: str) -> None:
    assert _create(srv, {"name": "old", "model": "echo"}).status_code == 201
    url = srv.url + "/v1/assistants/old"
    r = httpx.delete(url, headers=_h(srv))
    assert r.status_code == 200 and r.json()["deleted"] is True
    for pinned in ("assistant/old", "assistant/old@1"):
        with pytest.raises(openai.NotFoundError):
            _client(srv).chat.completions.create(model=pinned, messages=[{"role": "user", "content": "x"}])
    assert httpx.get(url, headers=_h(srv)).status_code == 404
    assert httpx.delete(url, headers=_h(srv)).status_code == 404
    assert httpx.patch(url, json={"greeting": "x"}, headers=_h(srv)).status_code == 404
    assert "assistant/old" not in {m.id for m in _client(srv).models.list()}
    again = _create(srv, {"name": "old", "model": "echo"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "assistant_exists"


def test_usage_and_audit_name_the_assistant_and_version(srv: Server, guichet: dict[str, Any]) -> None:
    client = _client(srv)
    client.chat.completions.create(
        model="assistant/guichet@1", messages=[{"role": "user", "content": QUESTION}]
    )
    list(
        client.chat.completions.create(
            model="assistant/guichet@1", messages=[{"role": "user", "content": QUESTION}], stream=True
        )
    )
    rows = httpx.get(srv.url + "/v1/usage", params={"model": "assistant/guichet@1"}, headers=_h(srv)).json()
    assert len(rows["data"]) >= 2 and {r["provider"] for r in rows["data"]} == {"house"}
    assert all(r["tenant"] == "commune" and r["status"] == 200 for r in rows["data"])
    other = httpx.get(
        srv.url + "/v1/usage", params={"model": "assistant/guichet@1"}, headers=_h(srv, "other")
    )
    assert [r for r in other.json()["data"] if r["tenant"] == "commune"] == []
    entries = httpx.get(srv.url + "/v1/admin/audit", params={"limit": 1000}, headers=_h(srv)).json()["data"]
    made = [(e["action"], e["details"]["version"]) for e in entries if e["target"] == "assistant/guichet"]
    assert ("assistant.created", 1) in made
    assert all("instructions" not in json.dumps(e["details"]) for e in entries)
    verify = cli(srv.data_dir, "audit", "verify", check=False)
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_cli_creates_edits_lists_and_retires(srv: Server, procedures: str, tmp_path: Path) -> None:
    body = tmp_path / "a.json"
    body.write_text(json.dumps({"name": "cli-made", "model": "echo", "collections": ["procedures"]}))
    made = json.loads(
        cli(srv.data_dir, "assistants", "create", "--tenant", "commune", "--file", str(body)).stdout
    )
    assert made["version"] == 1 and made["created_by"] == "cli"
    patch = tmp_path / "p.json"
    patch.write_text(json.dumps({"instructions": {"en": "Be brief."}}))
    edited = cli(srv.data_dir, "assistants", "edit", "cli-made", "--tenant", "commune", "--file", str(patch))
    assert json.loads(edited.stdout)["version"] == 2
    listed = json.loads(cli(srv.data_dir, "assistants", "list", "--tenant", "commune", "--json").stdout)
    assert "assistant/cli-made" in {a["id"] for a in listed}
    # the API sees what the CLI made, and another tenant does not
    assert httpx.get(srv.url + "/v1/assistants/cli-made", headers=_h(srv)).json()["version"] == 2
    assert httpx.get(srv.url + "/v1/assistants/cli-made", headers=_h(srv, "other")).status_code == 404
    body.write_text(json.dumps({"name": "pirate", "model": "echo", "collections": ["procedures"]}))
    refused = cli(srv.data_dir, "assistants", "create", "--tenant", "other", "--file", str(body), check=False)
    assert refused.returncode != 0 and "does not exist" in refused.stderr + refused.stdout
    cli(srv.data_dir, "assistants", "retire", "cli-made", "--tenant", "commune")
    gone = cli(srv.data_dir, "assistants", "show", "cli-made", "--tenant", "commune", check=False)
    assert gone.returncode != 0


@pytest.mark.parametrize(
    "patch",
    [
        {},
        {"instructions": None},
        {"model": None},
        {"suggested_questions": None},
        {"name": "renamed"},
        {"retrieval_k": 0},
    ],
)
def test_bad_edits_are_400_and_make_no_version(
    srv: Server, guichet: dict[str, Any], patch: dict[str, Any]
) -> None:
    url = srv.url + "/v1/assistants/guichet"
    before = len(httpx.get(url + "/versions", headers=_h(srv)).json()["data"])
    r = httpx.patch(url, json=patch, headers=_h(srv))
    assert r.status_code == 400 and r.json()["error"]["type"], r.text
    assert len(httpx.get(url + "/versions", headers=_h(srv)).json()["data"]) == before


def test_the_model_must_be_one_the_tenant_may_call(srv: Server) -> None:
    cli(srv.data_dir, "tenants", "create", "narrow", "--models", "siyada-chat")
    r = _create(srv, {"name": "wide", "model": "echo"}, "narrow")
    assert r.status_code == 403 and r.json()["error"]["code"] == "model_not_allowed"
    r = _create(srv, {"name": "embedder", "model": "siyada-embed"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "wrong_model_kind"
    assert _create(srv, {"name": "narrow-ok", "model": "siyada-chat"}, "narrow").status_code == 201
