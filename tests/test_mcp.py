"""MCP for agents (/mcp), through the official `mcp` SDK's client against the real server: the tools, an
Arabic and a French search, reading, the cited answer, and the attacks: another tenant's documents and
collections, missing, wrong and revoked keys, oversized arguments and bodies."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import httpx
import pytest
from mcp import ClientSession, types
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import McpError

from siyada.mcpserver.tools import MAX_READ_CHARS
from tests.assistants_world import CORPUS, corpus_documents
from tests.recording_upstream import RecordingUpstream, echo_toml
from tests.server import Server, cli, serving

T = TypeVar("T")
LONG = "\n\n".join(
    f"Article {n}. La séance numéro {n} du conseil communal a examiné le dossier {n * 7} relatif à "
    + "l'aménagement des voies, l'éclairage public et l'entretien des espaces verts du quartier. " * 8
    for n in range(1, 41)
)


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory, echo: RecordingUpstream) -> Iterator[Server]:
    """The embedded models, and `echo`: a model outside the house (prompts leave it pseudonymised)."""
    toml = echo_toml(echo.url, "outside")
    with serving(tmp_path_factory.mktemp("mcp"), toml, "commune", "other") as server:
        yield server


@pytest.fixture(scope="module")
def keys(srv: Server) -> dict[str, str]:
    return {"commune": srv.key("commune", "user"), "other": srv.key("other", "user")}


def _api(srv: Server, key: str, method: str, path: str, **kw: Any) -> httpx.Response:
    return httpx.request(
        method, srv.url + path, headers={"Authorization": f"Bearer {key}"}, timeout=300, **kw
    )


@pytest.fixture(scope="module")
def docs(srv: Server, keys: dict[str, str]) -> dict[str, str]:
    """The commune's `procedures` (the corpus) and the other tenant's `secret-other` (one note)."""
    ids = corpus_documents(srv, {"Authorization": f"Bearer {keys['commune']}"}, "procedures")
    # a long register: many chunks, more text than one read returns
    assert _api(srv, keys["commune"], "POST", "/v1/collections", json={"name": "registre"}).status_code == 201
    r = _api(
        srv,
        keys["commune"],
        "POST",
        "/v1/documents",
        json={"collection": "registre", "text": LONG, "name": "registre"},
    )
    assert r.status_code == 201, r.text
    ids["registre"] = r.json()["id"]
    r = _api(srv, keys["other"], "POST", "/v1/collections", json={"name": "secret-other"})
    assert r.status_code == 201
    r = _api(
        srv, keys["other"], "POST", "/v1/documents",
        json={"collection": "secret-other", "text": "Note interne: le budget 2027 de la commune voisine.",
              "name": "note"},
    )  # fmt: skip
    assert r.status_code == 201, r.text
    ids["other"] = r.json()["id"]
    return ids


def _run(srv: Server, key: str | None, work: Callable[[ClientSession], Awaitable[T]]) -> T:
    """`work` in an initialised MCP session, over the SDK's streamable HTTP client."""

    async def main() -> T:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        async with (
            httpx.AsyncClient(headers=headers, timeout=300) as http,
            streamable_http_client(srv.url + "/mcp", http_client=http) as (read, write, _),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            return await work(session)

    return asyncio.run(main())


def _call(srv: Server, key: str, tool: str, args: dict[str, Any]) -> types.CallToolResult:
    return _run(srv, key, lambda s: s.call_tool(tool, args))


def _ok(result: types.CallToolResult) -> dict[str, Any]:
    assert not result.isError, result.content
    data = result.structuredContent
    assert data is not None
    # the text block carries the same JSON, for clients that read text only
    assert isinstance(result.content[0], types.TextContent)
    assert json.loads(result.content[0].text) == data
    return data


def _error(result: types.CallToolResult) -> dict[str, Any]:
    assert result.isError
    assert result.structuredContent is not None
    return result.structuredContent["error"]


def test_tools_are_listed_with_schemas(srv: Server, keys: dict[str, str]) -> None:
    listed = _run(srv, keys["commune"], lambda s: s.list_tools())
    tools = {t.name: t for t in listed.tools}
    assert set(tools) == {"search", "list_collections", "list_documents", "read_document", "answer"}
    for tool in tools.values():
        assert tool.description and tool.inputSchema["type"] == "object"
    search = tools["search"].inputSchema
    assert set(search["required"]) == {"query", "collections"}
    assert search["properties"]["query"]["maxLength"] == 4000
    assert tools["read_document"].inputSchema["properties"]["max_chunks"]["maximum"] == 50
    templates = _run(srv, keys["commune"], lambda s: s.list_resource_templates())
    assert [t.uriTemplate for t in templates.resourceTemplates] == ["siyada://documents/{document_id}"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("شهادة السكنى أجل", "shahada_sokna.txt"),
        ("pièces à fournir pour le certificat de résidence", "certificat_residence.md"),
    ],
)
def test_search_finds_arabic_and_french_documents(
    srv: Server, keys: dict[str, str], docs: dict[str, str], query: str, expected: str
) -> None:
    data = _ok(_call(srv, keys["commune"], "search", {"query": query, "collections": ["procedures"], "k": 3}))
    top = data["passages"][0]
    assert top["name"] == expected and top["document_id"] == docs[expected]
    assert top["collection"] == "procedures" and top["title"] and top["score"] > 0
    text = (CORPUS / expected).read_text(encoding="utf-8")
    assert top["text"].strip() and top["text"] in text  # a verbatim passage of the stored document
    assert 1 <= len(data["passages"]) <= 3
    # the same hits, in the same order, as POST /v1/search
    r = _api(
        srv,
        keys["commune"],
        "POST",
        "/v1/search",
        json={"query": query, "collections": ["procedures"], "k": 3},
    )
    assert [h["chunk"]["id"] for h in r.json()["data"]] == [
        f"{p['document_id']}:{p['chunk']}" for p in data["passages"]
    ]


def test_browse_and_read_a_document(srv: Server, keys: dict[str, str], docs: dict[str, str]) -> None:
    key = keys["commune"]
    collections = _ok(_call(srv, key, "list_collections", {}))["collections"]
    assert sorted(c["name"] for c in collections) == ["procedures", "registre"]
    procedures = next(c for c in collections if c["name"] == "procedures")
    assert procedures["documents"] == len(list(CORPUS.iterdir()))
    first = _ok(_call(srv, key, "list_documents", {"collection": "procedures", "limit": 2}))
    assert len(first["documents"]) == 2 and first["has_more"] is True
    rest = _ok(_call(srv, key, "list_documents", {"collection": "procedures", "after": first["next"]}))
    seen = [d["id"] for d in first["documents"] + rest["documents"]]
    assert sorted(seen) == sorted(docs[p.name] for p in CORPUS.iterdir()) and rest["has_more"] is False

    small = docs["etat_civil.md"]
    chunks = _api(srv, key, "GET", f"/v1/documents/{small}/chunks").json()["data"]
    whole = _ok(_call(srv, key, "read_document", {"document_id": small}))
    assert [c["text"] for c in whole["chunks"]] == [c["text"] for c in chunks]
    assert whole["next_chunk"] is None and whole["document"]["name"] == "etat_civil.md"

    # the long register: read in bounded slices that, put end to end, are the whole document
    doc_id = docs["registre"]
    chunks = _api(srv, key, "GET", f"/v1/documents/{doc_id}/chunks").json()["data"]
    assert sum(len(c["text"]) for c in chunks) > MAX_READ_CHARS and len(chunks) < 50
    read: list[str] = []
    calls = 0
    start: int | None = 0
    while start is not None:
        part = _ok(
            _call(srv, key, "read_document", {"document_id": doc_id, "first_chunk": start, "max_chunks": 50})
        )
        assert 0 < sum(len(c["text"]) for c in part["chunks"]) <= MAX_READ_CHARS
        assert part["chunks"][0]["index"] == start
        read += [c["text"] for c in part["chunks"]]
        start = part["next_chunk"]
        calls += 1
    assert read == [c["text"] for c in chunks] and calls >= 2  # bounded by size, not by max_chunks
    one = _ok(_call(srv, key, "read_document", {"document_id": doc_id, "first_chunk": 3, "max_chunks": 2}))
    assert [c["index"] for c in one["chunks"]] == [3, 4] and one["next_chunk"] == 5

    resource = _run(srv, key, lambda s: s.read_resource(f"siyada://documents/{small}"))  # type: ignore[arg-type]
    content = resource.contents[0]
    assert isinstance(content, types.TextResourceContents)
    assert content.text == "\n\n".join(c["text"] for c in whole["chunks"])


def test_answer_cites_the_documents(srv: Server, keys: dict[str, str], docs: dict[str, str]) -> None:
    data = _ok(
        _call(
            srv, keys["commune"], "answer",
            {"question": "ما هو أجل تسليم شهادة السكنى؟", "collections": ["procedures"]},
        )
    )  # fmt: skip
    assert data["citations"][0]["document_name"] == "shahada_sokna.txt"
    assert data["answer"].startswith("حسب [1]:") and data["provider"] == "siyada-knowledge"
    quote = " ".join(data["citations"][0]["quote"].split())
    assert quote in " ".join((CORPUS / "shahada_sokna.txt").read_text(encoding="utf-8").split())


def _new_key(srv: Server, tenant: str) -> tuple[str, int]:
    key = srv.key(tenant, "user")
    return key, max(k["id"] for k in json.loads(cli(srv.data_dir, "keys", "list", "--json").stdout))


def test_answer_by_a_model_is_shielded_accounted_and_limited(
    srv: Server, docs: dict[str, str], echo: RecordingUpstream
) -> None:
    """The generative answer goes through the gateway as a grounded chat does: personal data leaves as
    placeholders and comes back restored, a usage row is written, the key's rate limit holds."""
    key, key_id = _new_key(srv, "commune")
    cli(srv.data_dir, "limits", "set", "--key", str(key_id), "--rpm", "1")
    time.sleep(1.2)  # the server re-reads limits at most once a second
    if (left := 60 - time.time() % 60) < 20:  # minute windows are aligned: keep both calls in one
        time.sleep(left + 0.2)
    name, cin = "Fatima-Zahra Benkirane", "BE873214"
    question = f"Je suis Mme {name}, CIN {cin}. Quelles pièces pour le certificat de résidence ? [1]"
    echo.bodies.clear()
    args = {"question": question, "collections": ["procedures"], "model": "echo"}
    data = _ok(_call(srv, key, "answer", args))
    assert echo.bodies, "the upstream was not called"
    sent = "\n".join(json.dumps(json.loads(b), ensure_ascii=False) for b in echo.bodies)
    assert name not in sent and cin not in sent  # the person did not leave the house
    system = json.loads(echo.bodies[-1])["messages"][0]
    assert system["role"] == "system" and "[1]" in system["content"]  # the numbered passages did
    assert name in data["answer"] and cin in data["answer"]  # restored for the caller
    assert data["provider"] == "outside" and [c["index"] for c in data["citations"]] == [1]
    deadline = time.monotonic() + 10  # usage rows are written in the background
    rows: list[dict[str, Any]] = []
    while not rows and time.monotonic() < deadline:
        rows = _api(srv, key, "GET", "/v1/usage", params={"model": "echo"}).json()["data"]
        time.sleep(0.2)
    assert rows and rows[0]["endpoint"] == "chat/completions" and rows[0]["status"] == 200
    refused = _error(_call(srv, key, "answer", args))
    assert refused["code"] == "quota_exceeded" and refused["type"] == "rate_limit_error"


def test_another_tenants_knowledge_is_not_found(
    srv: Server, keys: dict[str, str], docs: dict[str, str]
) -> None:
    key = keys["commune"]
    names = [c["name"] for c in _ok(_call(srv, keys["other"], "list_collections", {}))["collections"]]
    assert names == ["secret-other"]  # the commune's `procedures` is invisible to the other tenant
    missing = _error(_call(srv, key, "read_document", {"document_id": "doc-that-does-not-exist"}))
    stolen = _error(_call(srv, key, "read_document", {"document_id": docs["other"]}))
    assert stolen["code"] == missing["code"] == "document_not_found"
    assert stolen["message"] == missing["message"].replace("doc-that-does-not-exist", docs["other"])
    assert _error(_call(srv, key, "list_documents", {"collection": "secret-other"}))["code"] == (
        "collection_not_found"
    )
    assert _error(_call(srv, key, "search", {"query": "budget", "collections": ["secret-other"]}))[
        "code"
    ] == ("collection_not_found")
    # nor through the other tenant's collection id, nor as a resource
    other_id = _api(srv, keys["other"], "GET", "/v1/collections/secret-other").json()["id"]
    assert _error(_call(srv, key, "search", {"query": "budget", "collections": [other_id]}))["code"] == (
        "collection_not_found"
    )

    async def steal(session: ClientSession) -> McpError | None:
        try:
            await session.read_resource(f"siyada://documents/{docs['other']}")  # type: ignore[arg-type]
        except McpError as exc:
            return exc
        return None

    err = _run(srv, key, steal)
    assert err is not None and err.error.code == -32002 and "does not exist" in err.error.message
    # the other tenant's own key reads it
    assert _ok(_call(srv, keys["other"], "read_document", {"document_id": docs["other"]}))["chunks"]


def _initialize(srv: Server, headers: dict[str, str], **kw: Any) -> httpx.Response:
    message = {
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                   "clientInfo": {"name": "raw", "version": "0"}},
    }  # fmt: skip
    accept = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
    return httpx.post(srv.url + "/mcp", json=message, headers={**accept, **headers}, timeout=60, **kw)


def test_missing_wrong_and_revoked_keys_are_refused(srv: Server) -> None:
    assert _initialize(srv, {"Authorization": f"Bearer {srv.key('other', 'user')}"}).status_code == 200
    for headers in ({}, {"Authorization": "Bearer sk-wrong"}, {"Authorization": "Basic abc"}):
        r = _initialize(srv, headers)
        assert r.status_code == 401 and r.json()["error"]["type"] == "authentication_error"
        assert r.headers["www-authenticate"].startswith("Bearer")
    with pytest.raises(Exception) as refused:  # the SDK's client gives up on the 401
        _run(srv, "sk-wrong", lambda s: s.list_tools())
    assert "401" in repr(refused.value) or "Unauthorized" in repr(refused.value)

    key = srv.key("other", "user")
    assert _ok(_call(srv, key, "list_collections", {})) is not None
    key_id = max(k["id"] for k in json.loads(cli(srv.data_dir, "keys", "list", "--json").stdout))
    cli(srv.data_dir, "keys", "revoke", str(key_id))
    deadline = time.monotonic() + 10  # resolved keys are cached for 1 s
    status = 200
    while status != 401 and time.monotonic() < deadline:
        status = _initialize(srv, {"Authorization": f"Bearer {key}"}).status_code
        time.sleep(0.2)
    assert status == 401


def test_oversized_and_malformed_arguments_are_refused(
    srv: Server, keys: dict[str, str], docs: dict[str, str]
) -> None:
    key = keys["commune"]
    huge = _error(_call(srv, key, "search", {"query": "x" * 100_000, "collections": ["procedures"]}))
    assert huge["code"] == "invalid_request" and huge["param"] == "query"
    assert "4000" in huge["message"] and len(huge["message"]) < 500  # the value is not echoed back
    too_many = _error(_call(srv, key, "search", {"query": "a", "collections": ["procedures"], "k": 10_000}))
    assert too_many["param"] == "k"
    many = _error(_call(srv, key, "search", {"query": "a", "collections": [str(i) for i in range(1000)]}))
    assert many["param"] == "collections"
    chunks = _error(
        _call(srv, key, "read_document", {"document_id": docs["etat_civil.md"], "max_chunks": 10**6})
    )
    assert chunks["param"] == "max_chunks"
    assert _error(_call(srv, key, "read_document", {"document_id": "d" * 10_000}))["param"] == "document_id"
    assert _error(_call(srv, key, "search", {"query": 5, "collections": ["procedures"]}))["param"] == "query"
    assert _error(_call(srv, key, "list_collections", {"extra": 1}))["param"] == "extra"
    assert _error(_call(srv, key, "no_such_tool", {}))["code"] == "unknown_tool"
    # a body beyond max_body_bytes is refused by the HTTP layer before it is parsed
    r = httpx.post(
        srv.url + "/mcp", content=b"{" + b" " * (9 * 1024 * 1024) + b"}",
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json",
                 "Accept": "application/json, text/event-stream"},
        timeout=60,
    )  # fmt: skip
    assert r.status_code == 413 and r.json()["error"]["code"] == "request_too_large"


def test_a_call_needs_no_session(srv: Server, keys: dict[str, str], docs: dict[str, str]) -> None:
    """Stateless: a tools/call with no initialize and no Mcp-Session-Id is served, so a balancer may send
    any call of an agent to any replica."""
    call = {
        "jsonrpc": "2.0", "id": 7, "method": "tools/call",
        "params": {"name": "read_document", "arguments": {"document_id": docs["etat_civil.md"]}},
    }  # fmt: skip
    auth = {"Authorization": f"Bearer {keys['commune']}"}
    accept = {"Accept": "application/json, text/event-stream"}
    r = httpx.post(srv.url + "/mcp", json=call, timeout=60, headers={**auth, **accept})
    assert r.status_code == 200 and "mcp-session-id" not in r.headers
    result = r.json()["result"]
    assert (
        result["isError"] is False and result["structuredContent"]["document"]["id"] == docs["etat_civil.md"]
    )
    assert (
        httpx.get(srv.url + "/mcp", headers={"Authorization": f"Bearer {keys['commune']}"}).status_code == 405
    )
