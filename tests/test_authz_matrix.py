"""Every route of the app against an authorisation matrix, over HTTP against one real server.

Five principals: anonymous, a user of tenant A, the admin of A, the admin of B, the platform's operator
(a key of a third tenant). A targeted route is called once with a resource of tenant A and once with
one of tenant B (a collection, a document, a key, a user, a limit, a conversation, a sealed mapping),
so "another tenant" is always a real id. A cell reads `own-A/other-B` from left to right:

    ok     2xx                              login  303 to /ui/login (a page without a session)
    pass   authorised (not 401/403/404): the request is deliberately incomplete, so the work is skipped
    303    any redirect                    pub    a public route: anything but a 5xx
    401, 403, 404, 400 ...  that status

A route of the app with no row here fails `test_every_route_has_a_row`: add a row (and the reason for
its cells) when adding a route.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from starlette.routing import Mount

from tests import authz_dataspace
from tests.server import Server, cli

PRINCIPALS = ("anon", "user_a", "admin_a", "admin_b", "operator")
PASSWORD = "guichet-unique-2026"
SITE = "https://www.ministere.example"  # an origin allowed to embed an assistant's widget


@dataclass
class World:
    """The running server, every principal's credentials and tenant A's and B's resources."""

    server: Server
    http: httpx.Client
    keys: dict[str, str] = field(default_factory=dict)  # principal -> API key
    sessions: dict[str, str] = field(default_factory=dict)  # principal -> web session cookie
    res: dict[str, dict[str, Any]] = field(default_factory=lambda: {"a": {}, "b": {}})

    def call(self, who: str, method: str, path: str, **kw: Any) -> httpx.Response:
        headers = dict(kw.pop("headers", {}))
        if who != "anon":
            if _is_page(path):
                headers["Cookie"] = f"siyada_session={self.sessions[who]}"
            else:
                headers["Authorization"] = f"Bearer {self.keys[who]}"
        return self.http.request(method, path, headers=headers, **kw)

    def ok(self, who: str, method: str, path: str, **kw: Any) -> dict[str, Any]:
        r = self.call(who, method, path, **kw)
        assert r.status_code < 300, (method, path, r.status_code, r.text)
        return r.json()

    # Fresh resources for the calls that delete or spend one; made by the tenant's admin or the operator.
    def tenant(self, t: str) -> str:
        return {"a": "ta", "b": "tb"}[t]

    def admin(self, t: str) -> str:
        return {"a": "admin_a", "b": "admin_b"}[t]

    def fresh_key(self, t: str) -> int:
        return self.ok("operator", "POST", "/v1/admin/keys", json={"tenant": self.tenant(t), "role": "user"})[
            "id"
        ]

    def fresh_collection(self, t: str) -> str:
        name = f"col-{t}-{uuid.uuid4().hex[:6]}"
        self.ok(self.admin(t), "POST", "/v1/collections", json={"name": name, "embedding_model": None})
        return name

    def fresh_assistant(self, t: str) -> str:
        name = f"as-{t}-{uuid.uuid4().hex[:6]}"
        self.ok(self.admin(t), "POST", "/v1/assistants", json={"name": name, "model": "siyada-chat"})
        return name

    def fresh_widget(self, t: str) -> str:
        name = self.fresh_assistant(t)
        self.ok(self.admin(t), "PUT", f"/v1/assistants/{name}/widget", json={"origins": [SITE]})
        return name

    def fresh_document(self, t: str) -> str:
        body = {
            "collection": self.res[t]["collection"],
            "text": f"Attestation {uuid.uuid4().hex}.",
            "name": "d",
        }
        return self.ok(self.admin(t), "POST", "/v1/documents", json=body)["id"]

    def fresh_scan(self, t: str) -> str:
        """A document read by OCR (a small image of a printed line): it has a page region and image."""
        import io

        from PIL import Image, ImageDraw, ImageFont

        image = Image.new("L", (900, 160), 255)
        font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 40)
        ImageDraw.Draw(image).text((30, 50), f"Attestation {t.upper()} de residence", fill=0, font=font)
        out = io.BytesIO()
        image.save(out, format="PNG", dpi=(300, 300))
        files = {"file": ("scan.png", out.getvalue(), "image/png")}
        form = {"collection": self.res[t]["collection"]}
        return self.ok(self.admin(t), "POST", "/v1/documents", files=files, data=form)["id"]

    def fresh_upload(self, t: str) -> str:
        """The id of an upload the tenant's admin named (its progress stays readable after it ends)."""
        upload_id = f"up-{t}-{uuid.uuid4().hex}"
        body = {"collection": self.res[t]["collection"], "text": f"Avis {uuid.uuid4().hex}.", "name": "u"}
        self.ok(self.admin(t), "POST", "/v1/documents", json=body, headers={"X-Upload-Id": upload_id})
        return upload_id

    def fresh_limit(self, t: str) -> int:
        body = {"key_id": self.res[t]["key_id"], "model": f"m-{uuid.uuid4().hex[:6]}", "rpm": 1000}
        return self.ok("operator", "PUT", "/v1/admin/limits", json=body)["id"]

    def fresh_file(self, t: str) -> str:
        """A batch input whose one request fails fast (an unknown model): its batch ends in a moment."""
        line = {"custom_id": "r", "method": "POST", "url": CHAT, "body": {"model": "absent"}}
        files = {"file": ("r.jsonl", orjson.dumps(line))}
        return self.ok(self.admin(t), "POST", "/v1/files", files=files, data={"purpose": "batch"})["id"]

    def fresh_batch(self, t: str) -> str:
        return self.ok(self.admin(t), "POST", "/v1/batches", json=_batch_of(self.res[t]["file"]))["id"]

    def fresh_conversation(self, t: str) -> str:
        owner = {"a": "user_a", "b": "admin_b"}[t]  # conversations are private to the key that made them
        return self.ok(owner, "POST", "/ui/api/conversations", json={"title": "t", "messages": []})["id"]


CHAT = "/v1/chat/completions"


def _batch_of(file_id: str) -> dict[str, str]:
    return {"input_file_id": file_id, "endpoint": CHAT, "completion_window": "24h"}


def _is_page(path: str) -> bool:
    """Web app pages authenticate by the session cookie; everything else by the Bearer key."""
    return path == "/" or (path.startswith("/ui/") and not path.startswith(("/ui/api/", "/ui/static/")))


Req = tuple[str, dict[str, Any]]  # concrete path, httpx keyword arguments
Build = Callable[[World, str], Req]


def _fixed(path: str, **kw: Any) -> Build:
    return lambda w, t: (path, kw)


def _uniq() -> str:
    return uuid.uuid4().hex[:8]


MCP_INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "matrix", "version": "1"},
    },
}
MCP_ACCEPT = {"Accept": "application/json, text/event-stream"}


#                      anon | user of A | admin of A | admin of B | operator
MATRIX: dict[tuple[str, str], tuple[str, Build]] = {
    # ---- public ----------------------------------------------------------------------------------
    ("GET", "/health"): ("ok | ok | ok | ok | ok", _fixed("/health")),
    ("GET", "/ready"): ("ok | ok | ok | ok | ok", _fixed("/ready")),
    ("GET", "/metrics"): ("ok | ok | ok | ok | ok", _fixed("/metrics")),  # no tenant data (its docstring)
    ("GET", "/openapi.json"): ("ok | ok | ok | ok | ok", _fixed("/openapi.json")),
    ("GET", "/docs"): ("ok | ok | ok | ok | ok", _fixed("/docs")),
    ("GET", "/docs/oauth2-redirect"): ("ok | ok | ok | ok | ok", _fixed("/docs/oauth2-redirect")),
    ("GET", "/redoc"): ("ok | ok | ok | ok | ok", _fixed("/redoc")),
    ("GET", "/ui/static/{path}"): ("ok | ok | ok | ok | ok", _fixed("/ui/static/app.css")),
    ("GET", "/ui/login"): ("ok | ok | ok | ok | ok", _fixed("/ui/login")),
    ("POST", "/ui/login"): ("pub | pub | pub | pub | pub", _fixed("/ui/login", data={"csrf": "x"})),
    ("POST", "/ui/logout"): ("303 | 303 | 303 | 303 | 303", _fixed("/ui/logout", data={"csrf": "x"})),
    # Single sign-on: this server configures no OpenID provider (tests/test_sso.py has the real ones).
    ("GET", "/ui/sso/{name}/login"): ("404 | 404 | 404 | 404 | 404", _fixed("/ui/sso/none/login")),
    ("GET", "/ui/sso/{name}/callback"): ("404 | 404 | 404 | 404 | 404", _fixed("/ui/sso/none/callback")),
    # ---- the web app's pages (session cookie) ----------------------------------------------------
    ("GET", "/"): ("303 | 303 | 303 | 303 | 303", _fixed("/")),
    ("GET", "/ui"): ("303 | 303 | 303 | 303 | 303", _fixed("/ui")),
    ("GET", "/ui/"): ("303 | 303 | 303 | 303 | 303", _fixed("/ui/")),
    ("GET", "/ui/chat"): ("login | ok | ok | ok | ok", _fixed("/ui/chat")),
    ("GET", "/ui/documents"): ("login | ok | ok | ok | ok", _fixed("/ui/documents")),
    ("GET", "/ui/evaluation"): ("login | ok | ok | ok | ok", _fixed("/ui/evaluation")),
    ("GET", "/ui/evaluation/runs/{run_id}"): (
        "login | 404 | 404 | 404 | 404",
        _fixed("/ui/evaluation/runs/999"),
    ),
    ("GET", "/ui/admin"): ("login | 403 | ok | ok | ok", _fixed("/ui/admin")),
    ("GET", "/ui/assistant-dashboard"): ("login | 403 | ok | ok | ok", _fixed("/ui/assistant-dashboard")),
    # the data space's pages: shells over the /v1/dataspace API; only an admin decides on requests
    ("GET", "/ui/dataspace"): ("login | ok | ok | ok | ok", _fixed("/ui/dataspace")),
    ("GET", "/ui/dataspace/request"): ("login | ok | ok | ok | ok", _fixed("/ui/dataspace/request")),
    ("GET", "/ui/dataspace/approvals"): ("login | 403 | ok | ok | ok", _fixed("/ui/dataspace/approvals")),
    ("GET", "/ui/dataspace/workbench"): ("login | ok | ok | ok | ok", _fixed("/ui/dataspace/workbench")),
    ("GET", "/ui/dataspace/airlock"): ("login | ok | ok | ok | ok", _fixed("/ui/dataspace/airlock")),
    ("GET", "/ui/assistants"): ("login | ok | ok | ok | ok", _fixed("/ui/assistants")),  # users: read-only
    # ---- the web app's conversations: private to the key that made them, even from an operator -----
    ("GET", "/ui/api/conversations"): ("401 | ok | ok | ok | ok", _fixed("/ui/api/conversations")),
    ("POST", "/ui/api/conversations"): (
        "401 | ok | ok | ok | ok",
        _fixed("/ui/api/conversations", json={"title": "x", "messages": []}),
    ),
    ("GET", "/ui/api/conversations/{conv_id}"): (
        "401 | ok/404 | 404/404 | 404/ok | 404/404",
        lambda w, t: (f"/ui/api/conversations/{w.res[t]['conversation']}", {}),
    ),
    ("PUT", "/ui/api/conversations/{conv_id}"): (
        "401 | ok/404 | 404/404 | 404/ok | 404/404",
        lambda w, t: (f"/ui/api/conversations/{w.res[t]['conversation']}", {"json": {"title": "y"}}),
    ),
    ("DELETE", "/ui/api/conversations/{conv_id}"): (
        "401 | ok/404 | 404/404 | 404/ok | 404/404",
        lambda w, t: (f"/ui/api/conversations/{w.fresh_conversation(t)}", {}),
    ),
    # ---- the OpenAI-shaped API: any key, its own tenant's models (bodies left incomplete) ----------
    ("GET", "/v1/models"): ("401 | ok | ok | ok | ok", _fixed("/v1/models")),
    ("GET", "/v1/models/{model}"): ("401 | ok | ok | ok | ok", _fixed("/v1/models/siyada-embed")),
    ("POST", "/v1/chat/completions"): (
        "401 | pass | pass | pass | pass",
        _fixed("/v1/chat/completions", json={}),
    ),
    ("POST", "/v1/completions"): ("401 | pass | pass | pass | pass", _fixed("/v1/completions", json={})),
    ("POST", "/v1/embeddings"): ("401 | pass | pass | pass | pass", _fixed("/v1/embeddings", json={})),
    ("POST", "/v1/rerank"): ("401 | pass | pass | pass | pass", _fixed("/v1/rerank", json={})),
    ("POST", "/v1/audio/transcriptions"): (
        "401 | pass | pass | pass | pass",
        _fixed("/v1/audio/transcriptions", json={}),
    ),
    ("POST", "/v1/audio/translations"): (
        "401 | pass | pass | pass | pass",
        _fixed("/v1/audio/translations", json={}),
    ),
    ("POST", "/v1/audio/speech"): ("401 | pass | pass | pass | pass", _fixed("/v1/audio/speech", json={})),
    ("GET", "/tokenizer_info"): (
        "401 | pass | pass | pass | pass",
        _fixed("/tokenizer_info", params={"model": "x" * 300}),
    ),
    ("POST", "/tokenize"): ("401 | pass | pass | pass | pass", _fixed("/tokenize", json={})),
    ("POST", "/detokenize"): ("401 | pass | pass | pass | pass", _fixed("/detokenize", json={})),
    ("POST", "/v1/privacy/analyze"): (
        "401 | ok | ok | ok | ok",
        _fixed("/v1/privacy/analyze", json={"text": "x"}),
    ),
    ("POST", "/v1/privacy/anonymize"): (
        "401 | ok | ok | ok | ok",
        _fixed("/v1/privacy/anonymize", json={"text": "x"}),
    ),
    # A mapping sealed for one tenant does not open for another (nor for the platform).
    ("POST", "/v1/privacy/deanonymize"): (
        "401 | ok/400 | ok/400 | 400/ok | 400/400",
        lambda w, t: (
            "/v1/privacy/deanonymize",
            {"json": {"text": "x", "mapping_token": w.res[t]["mapping"]}},
        ),
    ),
    # Evaluation runs are the platform's shared leaderboard: any key reads them.
    ("GET", "/v1/evaluations"): ("401 | ok | ok | ok | ok", _fixed("/v1/evaluations")),
    ("GET", "/v1/evaluations/leaderboard"): (
        "401 | ok | ok | ok | ok",
        _fixed("/v1/evaluations/leaderboard"),
    ),
    ("GET", "/v1/evaluations/{run_id}"): ("401 | 404 | 404 | 404 | 404", _fixed("/v1/evaluations/999")),
    ("GET", "/v1/evaluations/{run_id}/report"): (
        "401 | 404 | 404 | 404 | 404",
        _fixed("/v1/evaluations/999/report"),
    ),
    # ---- knowledge: a tenant's own data; the operator runs the platform, it does not read documents --
    ("POST", "/v1/collections"): (
        "401 | ok | ok | ok | ok",
        lambda w, t: ("/v1/collections", {"json": {"name": f"c-{_uniq()}", "embedding_model": None}}),
    ),
    ("GET", "/v1/collections"): ("401 | ok | ok | ok | ok", _fixed("/v1/collections")),
    ("GET", "/v1/collections/{ref}"): (
        "401 | ok/404 | ok/404 | 404/ok | 404/404",
        lambda w, t: (f"/v1/collections/{w.res[t]['collection']}", {}),
    ),
    ("DELETE", "/v1/collections/{ref}"): (
        "401 | ok/404 | ok/404 | 404/ok | 404/404",
        lambda w, t: (f"/v1/collections/{w.fresh_collection(t)}", {}),
    ),
    ("GET", "/v1/collections/{ref}/documents"): (
        "401 | ok/404 | ok/404 | 404/ok | 404/404",
        lambda w, t: (f"/v1/collections/{w.res[t]['collection']}/documents", {}),
    ),
    ("POST", "/v1/documents"): (
        "401 | ok/404 | ok/404 | 404/ok | 404/404",
        lambda w, t: (
            "/v1/documents",
            {"json": {"collection": w.res[t]["collection"], "text": "Avis.", "name": "n"}},
        ),
    ),
    ("GET", "/v1/documents/{doc_id}"): (
        "401 | ok/404 | ok/404 | 404/ok | 404/404",
        lambda w, t: (f"/v1/documents/{w.res[t]['document']}", {}),
    ),
    ("DELETE", "/v1/documents/{doc_id}"): (
        "401 | ok/404 | ok/404 | 404/ok | 404/404",
        lambda w, t: (f"/v1/documents/{w.fresh_document(t)}", {}),
    ),
    ("GET", "/v1/documents/{doc_id}/chunks"): (
        "401 | ok/404 | ok/404 | 404/ok | 404/404",
        lambda w, t: (f"/v1/documents/{w.res[t]['document']}/chunks", {}),
    ),
    ("GET", "/v1/documents/{doc_id}/pages/{page}"): (
        "401 | ok/404 | ok/404 | 404/ok | 404/404",
        lambda w, t: (f"/v1/documents/{w.res[t]['scan']}/pages/1", {"params": {"start": 0, "end": 11}}),
    ),
    ("GET", "/v1/documents/{doc_id}/pages/{page}/image"): (
        "401 | ok/404 | ok/404 | 404/ok | 404/404",
        lambda w, t: (f"/v1/documents/{w.res[t]['scan']}/pages/1/image", {}),
    ),
    # An upload's progress is its tenant's: another tenant's key does not learn that the id exists.
    ("GET", "/v1/uploads/{upload_id}"): (
        "401 | ok/404 | ok/404 | 404/ok | 404/404",
        lambda w, t: (f"/v1/uploads/{w.res[t]['upload']}", {}),
    ),
    ("POST", "/v1/search"): (
        "401 | ok/404 | ok/404 | 404/ok | 404/404",
        lambda w, t: (
            "/v1/search",
            {"json": {"query": "attestation", "collections": [w.res[t]["collection"]]}},
        ),
    ),
    # MCP for agents: any key opens it; the tools are the caller's tenant's only (tests/test_mcp.py)
    ("POST", "/mcp"): ("401 | ok | ok | ok | ok", _fixed("/mcp", json=MCP_INITIALIZE, headers=MCP_ACCEPT)),
    # ---- assistants: the tenant's own; its admin writes, its users read; another tenant's reads as absent
    ("POST", "/v1/assistants"): (
        "401 | 403 | ok | ok | ok",
        lambda w, t: ("/v1/assistants", {"json": {"name": f"as-{_uniq()}", "model": "siyada-chat"}}),
    ),
    ("GET", "/v1/assistants"): ("401 | ok | ok | ok | ok", _fixed("/v1/assistants")),
    # the sector templates are the platform's, the same for every tenant: any key reads them
    ("GET", "/v1/assistants/templates"): ("401 | ok | ok | ok | ok", _fixed("/v1/assistants/templates")),
    ("GET", "/v1/assistants/templates/{template_id}"): (
        "401 | ok | ok | ok | ok", _fixed("/v1/assistants/templates/health")
    ),
    ("GET", "/v1/assistants/templates/{template_id}/evaluation"): (
        "401 | ok | ok | ok | ok", _fixed("/v1/assistants/templates/health/evaluation")
    ),
    ("GET", "/v1/assistants/{name}"): (
        "401 | ok/404 | ok/404 | 404/ok | 404/404",
        lambda w, t: (f"/v1/assistants/{w.res[t]['assistant']}", {}),
    ),
    ("GET", "/v1/assistants/{name}/versions"): (
        "401 | ok/404 | ok/404 | 404/ok | 404/404",
        lambda w, t: (f"/v1/assistants/{w.res[t]['assistant']}/versions", {}),
    ),
    ("PATCH", "/v1/assistants/{name}"): (
        "401 | 403/403 | ok/404 | 404/ok | 404/404",
        lambda w, t: (f"/v1/assistants/{w.res[t]['assistant']}", {"json": {"greeting": "Salam"}}),
    ),
    # the builder's preview: admins only, over the caller's own collections (another tenant's: 404)
    ("POST", "/v1/assistant-previews"): (
        "401 | 403/403 | ok/404 | 404/ok | 404/404",
        lambda w, t: (
            "/v1/assistant-previews",
            {
                "json": {
                    "model": "siyada-chat",
                    "collections": [w.res[t]["collection"]],
                    "answer_mode": "extractive",
                    "messages": [{"role": "user", "content": "attestation"}],
                }
            },
        ),
    ),
    ("DELETE", "/v1/assistants/{name}"): (
        "401 | 403/403 | ok/404 | 404/ok | 404/404",
        lambda w, t: (f"/v1/assistants/{w.fresh_assistant(t)}", {}),
    ),
    # an assistant's widget settings and statistics: its tenant's admins only
    ("PUT", "/v1/assistants/{name}/widget"): (
        "401 | 403/403 | ok/404 | 404/ok | 404/404",
        lambda w, t: (f"/v1/assistants/{w.res[t]['assistant']}/widget", {"json": {"origins": [SITE]}}),
    ),
    ("GET", "/v1/assistants/{name}/widget"): (
        "401 | 403/403 | ok/404 | 404/ok | 404/404",
        lambda w, t: (f"/v1/assistants/{w.fresh_widget(t)}/widget", {}),
    ),
    ("DELETE", "/v1/assistants/{name}/widget"): (
        "401 | 403/403 | ok/404 | 404/ok | 404/404",
        lambda w, t: (f"/v1/assistants/{w.fresh_widget(t)}/widget", {}),
    ),
    **{
        ("GET", f"/v1/assistants/{{name}}/{view}"): (
            "401 | 403/403 | ok/404 | 404/ok | 404/404",
            lambda w, t, view=view: (f"/v1/assistants/{w.res[t]['assistant']}/{view}", {}),
        )
        for view in ("stats", "stats.csv", "unanswered", "unanswered.csv")
    },
    # the citizen widget: public and anonymous (its own token; tests/test_assistants_widget.py)
    ("GET", "/widget/{tenant}/{name}"): ("pub | pub | pub | pub | pub", _fixed("/widget/a/x")),
    ("OPTIONS", "/widget/v1/{tenant}/{name}/{action}"): (
        "pub | pub | pub | pub | pub",
        _fixed("/widget/v1/a/x/chat"),
    ),
    ("POST", "/widget/v1/{tenant}/{name}/token"): (
        "pub | pub | pub | pub | pub",
        _fixed("/widget/v1/a/x/token"),
    ),
    ("POST", "/widget/v1/{tenant}/{name}/chat"): (
        "pub | pub | pub | pub | pub",
        _fixed("/widget/v1/a/x/chat"),
    ),
    ("POST", "/widget/v1/{tenant}/{name}/feedback"): (
        "pub | pub | pub | pub | pub",
        _fixed("/widget/v1/a/x/feedback"),
    ),
    # ---- the data space: drafts are their owner's; a published set, the catalogue and the register are
    # every tenant's; a request or grant is its researcher's (A's user) and the data set owner's admin's
    ("POST", "/v1/dataspace/datasets"): (
        "401 | 403 | ok | ok | ok",
        lambda w, t: (
            "/v1/dataspace/datasets",
            {"files": {"file": ("d.csv", b"age\n1\n")}, "data": {"metadata": '{"title": "t"}'}},
        ),
    ),
    ("GET", "/v1/dataspace/datasets"): ("401 | ok | ok | ok | ok", _fixed("/v1/dataspace/datasets")),
    ("GET", "/v1/dataspace/datasets/{dataset_id}"): (
        "401 | 404/404 | ok/404 | 404/ok | 404/404",
        lambda w, t: (f"/v1/dataspace/datasets/{w.res[t]['draft']}", {}),
    ),
    ("PATCH", "/v1/dataspace/datasets/{dataset_id}"): (
        "401 | 403/403 | ok/404 | 404/ok | 404/404",
        lambda w, t: (
            f"/v1/dataspace/datasets/{w.res[t]['draft']}",
            {"json": {"metadata": {"description": "d"}}},
        ),
    ),
    ("POST", "/v1/dataspace/datasets/{dataset_id}/publish"): (
        "401 | 403/403 | ok/404 | 404/ok | 404/404",
        lambda w, t: (
            f"/v1/dataspace/datasets/{authz_dataspace.fresh_draft(w, t, complete=True)}/publish",
            {},
        ),
    ),
    ("GET", "/v1/dataspace/catalog"): ("401 | ok | ok | ok | ok", _fixed("/v1/dataspace/catalog")),
    ("GET", "/v1/dataspace/register"): ("401 | ok | ok | ok | ok", _fixed("/v1/dataspace/register")),
    ("POST", "/v1/dataspace/requests"): (
        "401 | ok/ok | ok/ok | ok/ok | ok/ok",
        lambda w, t: ("/v1/dataspace/requests", {"json": authz_dataspace.ask(w, t)}),
    ),
    ("GET", "/v1/dataspace/requests"): ("401 | ok | ok | ok | ok", _fixed("/v1/dataspace/requests")),
    ("GET", "/v1/dataspace/requests/{request_id}"): (
        "401 | ok/ok | ok/403 | 403/ok | 403/403",
        lambda w, t: (f"/v1/dataspace/requests/{w.res[t]['request']}", {}),
    ),
    ("POST", "/v1/dataspace/requests/{request_id}/approve"): (
        "401 | 403/403 | ok/403 | 403/ok | 403/403",
        lambda w, t: (f"/v1/dataspace/requests/{authz_dataspace.fresh_request(w, t)}/approve", {"json": {}}),
    ),
    ("POST", "/v1/dataspace/requests/{request_id}/refuse"): (
        "401 | 403/403 | ok/403 | 403/ok | 403/403",
        lambda w, t: (f"/v1/dataspace/requests/{authz_dataspace.fresh_request(w, t)}/refuse", {"json": {}}),
    ),
    ("GET", "/v1/dataspace/grants/{grant_id}"): (
        "401 | ok/ok | ok/403 | 403/ok | 403/403",
        lambda w, t: (f"/v1/dataspace/grants/{w.res[t]['grant']}", {}),
    ),
    ("POST", "/v1/dataspace/grants/{grant_id}/authorise"): (
        "401 | ok/ok | 403/403 | 403/403 | 403/403",
        lambda w, t: (
            f"/v1/dataspace/grants/{w.res[t]['grant']}/authorise",
            {"json": {"mode": "table", "columns": ["age"]}},
        ),
    ),
    ("POST", "/v1/dataspace/grants/{grant_id}/revoke"): (
        "401 | 403/403 | ok/403 | 403/ok | 403/403",
        lambda w, t: (f"/v1/dataspace/grants/{authz_dataspace.fresh_grant(w, t)}/revoke", {}),
    ),
    # Queries run under the caller's own grant only (A's user is the researcher of both); an output is
    # seen by its researcher and the data set owner's admin (others: 404), decided by the owner's admin
    # and never by its researcher (403), downloaded once approved.
    ("POST", "/v1/dataspace/queries"): (
        "401 | ok/ok | 403/403 | 403/403 | 403/403",
        lambda w, t: ("/v1/dataspace/queries", {"json": authz_dataspace.query(w, t)}),
    ),
    ("GET", "/v1/dataspace/outputs"): ("401 | ok | ok | ok | ok", _fixed("/v1/dataspace/outputs")),
    ("GET", "/v1/dataspace/outputs/{output_id}"): (
        "401 | ok/ok | ok/404 | 404/ok | 404/404",
        lambda w, t: (f"/v1/dataspace/outputs/{w.res[t]['output']}", {}),
    ),
    ("POST", "/v1/dataspace/outputs/{output_id}/approve"): (
        "401 | 403/403 | ok/404 | 404/ok | 404/404",
        lambda w, t: (f"/v1/dataspace/outputs/{authz_dataspace.fresh_output(w, t)}/approve", {}),
    ),
    ("POST", "/v1/dataspace/outputs/{output_id}/reject"): (
        "401 | 403/403 | ok/404 | 404/ok | 404/404",
        lambda w, t: (f"/v1/dataspace/outputs/{authz_dataspace.fresh_output(w, t)}/reject", {}),
    ),
    ("GET", "/v1/dataspace/outputs/{output_id}/download"): (
        "401 | ok/ok | ok/404 | 404/ok | 404/404",
        lambda w, t: (f"/v1/dataspace/outputs/{w.res[t]['released']}/download", {}),
    ),
    # ---- files and batches: the tenant's own (any of its keys); another tenant's read as absent ---------
    ("POST", "/v1/files"): (
        "401 | ok | ok | ok | ok",
        _fixed("/v1/files", files={"file": ("r.jsonl", b"{}")}, data={"purpose": "batch"}),
    ),
    ("GET", "/v1/files"): ("401 | ok | ok | ok | ok", _fixed("/v1/files")),
    ("GET", "/v1/files/{file_id}"): (
        "401 | ok/404 | ok/404 | 404/ok | 404/404",
        lambda w, t: (f"/v1/files/{w.res[t]['file']}", {}),
    ),
    ("GET", "/v1/files/{file_id}/content"): (
        "401 | ok/404 | ok/404 | 404/ok | 404/404",
        lambda w, t: (f"/v1/files/{w.res[t]['file']}/content", {}),
    ),
    ("DELETE", "/v1/files/{file_id}"): (
        "401 | ok/404 | ok/404 | 404/ok | 404/404",
        lambda w, t: (f"/v1/files/{w.fresh_file(t)}", {}),
    ),
    ("POST", "/v1/batches"): (
        "401 | ok/404 | ok/404 | 404/ok | 404/404",
        lambda w, t: ("/v1/batches", {"json": _batch_of(w.res[t]["file"])}),
    ),
    ("GET", "/v1/batches"): ("401 | ok | ok | ok | ok", _fixed("/v1/batches")),
    ("GET", "/v1/batches/{batch_id}"): (
        "401 | ok/404 | ok/404 | 404/ok | 404/404",
        lambda w, t: (f"/v1/batches/{w.res[t]['batch']}", {}),
    ),
    # its own: cancelled, or 409 once the (quick) batch has ended
    ("POST", "/v1/batches/{batch_id}/cancel"): (
        "401 | pass/404 | pass/404 | 404/pass | 404/404",
        lambda w, t: (f"/v1/batches/{w.fresh_batch(t)}/cancel", {}),
    ),
    # ---- usage: own tenant for everyone; another tenant for the operator only ----------------------
    ("GET", "/v1/usage"): (
        "401 | ok/403 | ok/403 | 403/ok | ok/ok",
        lambda w, t: ("/v1/usage", {"params": {"tenant": w.tenant(t)}}),
    ),
    # ---- admin: tenants are the platform's -----------------------------------------------------------
    ("GET", "/v1/admin/tenants"): ("401 | 403 | 403 | 403 | ok", _fixed("/v1/admin/tenants")),
    ("POST", "/v1/admin/tenants"): (
        "401 | 403 | 403 | 403 | ok",
        lambda w, t: ("/v1/admin/tenants", {"json": {"name": f"t-{_uniq()}"}}),
    ),
    ("GET", "/v1/admin/tenants/{name}"): (
        "401 | 403/403 | ok/403 | 403/ok | ok/ok",
        lambda w, t: (f"/v1/admin/tenants/{w.tenant(t)}", {}),
    ),
    ("PATCH", "/v1/admin/tenants/{name}"): (
        "401 | 403/403 | 403/403 | 403/403 | ok/ok",
        lambda w, t: (f"/v1/admin/tenants/{w.tenant(t)}", {"json": {"allowed_models": None}}),
    ),
    # ---- admin: keys, users, limits of one's own tenant ----------------------------------------------
    ("GET", "/v1/admin/keys"): (
        "401 | 403/403 | ok/403 | 403/ok | ok/ok",
        lambda w, t: ("/v1/admin/keys", {"params": {"tenant": w.tenant(t)}}),
    ),
    ("POST", "/v1/admin/keys"): (
        "401 | 403/403 | ok/403 | 403/ok | ok/ok",
        lambda w, t: ("/v1/admin/keys", {"json": {"tenant": w.tenant(t), "role": "user"}}),
    ),
    ("DELETE", "/v1/admin/keys/{key_id}"): (
        "401 | 403/403 | ok/404 | 404/ok | ok/ok",
        lambda w, t: (f"/v1/admin/keys/{w.fresh_key(t)}", {}),
    ),
    ("GET", "/v1/admin/users"): (
        "401 | 403/403 | ok/403 | 403/ok | ok/ok",
        lambda w, t: ("/v1/admin/users", {"params": {"tenant": w.tenant(t)}}),
    ),
    ("POST", "/v1/admin/users"): (
        "401 | 403/403 | ok/403 | 403/ok | ok/ok",
        lambda w, t: (
            "/v1/admin/users",
            {"json": {"tenant": w.tenant(t), "username": f"u{_uniq()}", "password": PASSWORD}},
        ),
    ),
    ("GET", "/v1/admin/users/{username}"): (
        "401 | 403/403 | ok/404 | 404/ok | ok/ok",
        lambda w, t: (f"/v1/admin/users/{w.res[t]['username']}", {}),
    ),
    ("PATCH", "/v1/admin/users/{username}"): (
        "401 | 403/403 | ok/404 | 404/ok | ok/ok",
        lambda w, t: (f"/v1/admin/users/{w.res[t]['username']}", {"json": {"disabled": False}}),
    ),
    ("DELETE", "/v1/admin/users/{username}/sessions"): (
        "401 | 403/403 | ok/404 | 404/ok | ok/ok",
        lambda w, t: (f"/v1/admin/users/{w.res[t]['username']}/sessions", {}),
    ),
    ("GET", "/v1/admin/limits"): ("401 | 403 | ok | ok | ok", _fixed("/v1/admin/limits")),
    ("PUT", "/v1/admin/limits"): (
        "401 | 403/403 | ok/404 | 404/ok | ok/ok",
        lambda w, t: ("/v1/admin/limits", {"json": {"key_id": w.res[t]["key_id"], "model": "m", "rpm": 500}}),
    ),
    ("DELETE", "/v1/admin/limits/{limit_id}"): (
        "401 | 403/403 | ok/404 | 404/ok | ok/ok",
        lambda w, t: (f"/v1/admin/limits/{w.fresh_limit(t)}", {}),
    ),
    # ---- audit: a tenant admin reads its own entries; verifying the whole chain is the operator's -----
    ("GET", "/v1/admin/audit"): ("401 | 403 | ok | ok | ok", _fixed("/v1/admin/audit")),
    ("POST", "/v1/admin/audit/verify"): ("401 | 403 | 403 | 403 | ok", _fixed("/v1/admin/audit/verify")),
    # ---- audit witness: another Siyada's checkpoints, countersigned for the platform's operator ------
    ("POST", "/v1/audit/witness"): ("401 | 403 | 403 | 403 | 400", _fixed("/v1/audit/witness", json={})),
    ("GET", "/v1/audit/witness"): (
        "401 | 403 | 403 | 403 | 404",
        _fixed("/v1/audit/witness", params={"origin": "siyada-audit/0000000000000000"}),
    ),
}


def _cells(spec: str) -> dict[str, tuple[str, str | None]]:
    """'401 | ok/404 | ...' -> {principal: (outcome with A, outcome with B or None if untargeted)}."""
    parts = [p.strip() for p in spec.split("|")]
    assert len(parts) == len(PRINCIPALS), spec
    out: dict[str, tuple[str, str | None]] = {}
    for who, cell in zip(PRINCIPALS, parts, strict=True):
        a, _, b = cell.partition("/")
        out[who] = (a, b or None)
    return out


def _targeted(spec: str) -> bool:
    return "/" in spec


def _matches(expected: str, r: httpx.Response) -> bool:
    s = r.status_code
    if expected == "ok":
        return 200 <= s < 300
    if expected == "pass":
        return s not in (401, 403, 404) and s < 500
    if expected == "pub":
        return s < 500
    if expected == "303":
        return 300 <= s < 400
    if expected == "login":
        return s == 303 and r.headers.get("location", "").endswith("/ui/login")
    return s == int(expected)


def app_routes(data_dir: Path) -> set[tuple[str, str]]:
    """(method, path) of every route the app serves, HEAD aside (it answers as GET)."""
    from siyada.api.app import create_app
    from siyada.config import load_settings

    app = create_app(load_settings(data_dir))
    found: set[tuple[str, str]] = set()

    def walk(routes: list[Any], prefix: str) -> None:
        for route in routes:
            included = getattr(route, "original_router", None)  # FastAPI >= 0.165 keeps routers nested
            if included is not None:
                walk(included.routes, prefix + (route.include_context.prefix or ""))
            elif isinstance(route, Mount):
                found.add(("GET", prefix + route.path + "/{path}"))
            else:
                path = re.sub(r"\{(\w+):\w+\}", r"{\1}", prefix + route.path)  # {model:path} -> {model}
                found.update((m, path) for m in (getattr(route, "methods", None) or {"GET"}) if m != "HEAD")

    walk(app.routes, "")
    app.state.engine.dispose()
    assert len(found) > 50, found  # the walk reached the routers' routes
    return found


def _login(http: httpx.Client, key: str) -> str:
    page = http.get("/ui/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    r = http.post("/ui/login", data={"csrf": token, "api_key": key})  # the login cookie came with the page
    assert r.status_code == 303, r.text
    session = r.cookies.get("siyada_session")
    assert session, r.headers
    http.cookies.clear()
    return session


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    data = tmp_path_factory.mktemp("siyada-authz")
    for tenant in ("ops", "ta", "tb"):  # the operator's tenant first, as `siyada serve` makes `default`
        cli(data, "tenants", "create", tenant)
    srv = Server(data).start()
    http = httpx.Client(base_url=srv.url, timeout=60, follow_redirects=False)
    w = World(srv, http)
    for who, tenant, role in (
        ("user_a", "ta", "user"),
        ("admin_a", "ta", "admin"),
        ("admin_b", "tb", "admin"),
        ("operator", "ops", "operator"),
    ):
        w.keys[who] = srv.key(tenant, role)
        w.sessions[who] = _login(http, w.keys[who])
    for t in ("a", "b"):
        res = w.res[t]
        res["collection"] = w.fresh_collection(t)
        res["document"] = w.fresh_document(t)
        res["scan"] = w.fresh_scan(t)
        res["upload"] = w.fresh_upload(t)
        res["key_id"] = w.fresh_key(t)
        res["limit_id"] = w.fresh_limit(t)
        res["conversation"] = w.fresh_conversation(t)
        res["assistant"] = w.fresh_assistant(t)
        res["file"] = w.fresh_file(t)
        res["batch"] = w.fresh_batch(t)
        user = {"tenant": w.tenant(t), "username": f"agent-{t}", "password": PASSWORD}
        res["username"] = w.ok("operator", "POST", "/v1/admin/users", json=user)["username"]
        sealed = w.ok(
            w.admin(t),
            "POST",
            "/v1/privacy/anonymize",
            json={"text": "CIN AB123456, tel 0612345678", "operator": "pseudonymize"},
        )
        res["mapping"] = sealed["mapping_token"]
    for t in ("a", "b"):
        authz_dataspace.setup(w, t)
    yield w
    http.close()
    srv.stop()


def test_every_route_has_a_row(tmp_path: Path) -> None:
    routes = app_routes(tmp_path / "routes")
    missing = sorted(routes - set(MATRIX))
    assert not missing, (
        "routes without a row in tests/test_authz_matrix.py MATRIX (add one per route: "
        "anon | user of A | admin of A | admin of B | operator): " + ", ".join(f"{m} {p}" for m, p in missing)
    )
    stale = sorted(set(MATRIX) - routes)
    assert not stale, "MATRIX rows for routes the app no longer has: " + ", ".join(
        f"{m} {p}" for m, p in stale
    )


def test_every_route_answers_as_its_row_says(world: World) -> None:
    wrong: list[str] = []
    calls = 0
    for (method, route), (spec, build) in MATRIX.items():
        for who, (with_a, with_b) in _cells(spec).items():
            targets = [("a", with_a), ("b", with_b)] if _targeted(spec) else [("a", with_a)]
            for t, expected in targets:
                if expected is None:
                    continue
                path, kw = build(world, t)
                r = world.call(who, method, path, **kw)
                calls += 1
                if not _matches(expected, r):
                    target = f" on tenant {t.upper()}'s resource" if _targeted(spec) else ""
                    wrong.append(
                        f"{method} {route} as {who}{target}: expected {expected}, got {r.status_code} "
                        f"{r.text[:160]!r}"
                    )
    assert not wrong, f"{len(wrong)} of {calls} calls broke the matrix:\n" + "\n".join(wrong)


# ---- the findings, one by one -----------------------------------------------------------------------
def _code(r: httpx.Response) -> str:
    return r.json()["error"]["code"]


def _tenant_ids(w: World) -> dict[str, int]:
    return {t["name"]: t["id"] for t in w.ok("operator", "GET", "/v1/admin/tenants")["data"]}


def test_an_admin_cannot_reach_another_tenant_by_minting_a_key(world: World) -> None:
    """The reported attack: B's admin listed A's keys, made a key in A and read A's documents with it."""
    listed = world.call("admin_b", "GET", "/v1/admin/keys", params={"tenant": "ta"})
    assert listed.status_code == 403 and _code(listed) == "tenant_forbidden"
    minted = world.call("admin_b", "POST", "/v1/admin/keys", json={"tenant": "ta", "role": "admin"})
    assert minted.status_code == 403 and _code(minted) == "tenant_forbidden"
    user = {"tenant": "ta", "username": "mole", "password": PASSWORD, "role": "admin"}
    assert world.call("admin_b", "POST", "/v1/admin/users", json=user).status_code == 403
    # Unfiltered, an admin's lists are its own tenant's.
    assert {k["tenant"] for k in world.ok("admin_b", "GET", "/v1/admin/keys")["data"]} == {"tb"}
    assert {u["tenant"] for u in world.ok("admin_b", "GET", "/v1/admin/users")["data"]} == {"tb"}
    # A tenant that does not exist answers the same 403: the refusal reveals no tenant names.
    ghost = world.call("admin_b", "GET", "/v1/admin/keys", params={"tenant": "no-such-tenant"})
    assert ghost.status_code == 403


def test_an_admin_cannot_create_or_change_operator_credentials(world: World) -> None:
    key = world.call("admin_a", "POST", "/v1/admin/keys", json={"tenant": "ta", "role": "operator"})
    assert key.status_code == 403 and _code(key) == "role_forbidden"
    user = {"tenant": "ta", "username": "root-a", "password": PASSWORD, "role": "operator"}
    made = world.call("admin_a", "POST", "/v1/admin/users", json=user)
    assert made.status_code == 403 and _code(made) == "role_forbidden"
    # An operator credential that lives in A's tenant is still out of A's admin's hands.
    op_key = world.ok("operator", "POST", "/v1/admin/keys", json={"tenant": "ta", "role": "operator"})["id"]
    revoke = world.call("admin_a", "DELETE", f"/v1/admin/keys/{op_key}")
    assert revoke.status_code == 403 and _code(revoke) == "role_forbidden"
    op_user = world.ok("operator", "POST", "/v1/admin/users", json={**user, "username": "root-a2"})
    patch = world.call("admin_a", "PATCH", f"/v1/admin/users/{op_user['username']}", json={"disabled": True})
    assert patch.status_code == 403 and _code(patch) == "role_forbidden"
    # The operator itself may; and user keys never reach the admin API.
    assert world.call("operator", "DELETE", f"/v1/admin/keys/{op_key}").status_code == 200
    assert _code(world.call("user_a", "GET", "/v1/admin/keys")) == "admin_required"


def test_audit_entries_are_read_by_their_tenants_admin_only(world: World) -> None:
    ids = _tenant_ids(world)
    mine = world.ok("admin_a", "GET", "/v1/admin/audit", params={"limit": 1000})["data"]
    assert mine and {e["tenant_id"] for e in mine} == {ids["ta"]}
    everything = world.ok("operator", "GET", "/v1/admin/audit", params={"limit": 1000})["data"]
    seen = {e["tenant_id"] for e in everything}
    assert {ids["ta"], ids["tb"], None} <= seen  # B's entries and the platform's exist, A's admin saw none
    newest = world.ok("admin_b", "GET", "/v1/admin/audit", params={"order": "desc", "limit": 1000})["data"]
    assert newest and {e["tenant_id"] for e in newest} == {ids["tb"]}


def test_a_tenant_admin_reads_the_audit_entries_of_its_own_limits(world: World) -> None:
    """A limit on a key is its tenant's event: it must not fall among the platform's (tenant-less) entries."""
    key_id = world.res["a"]["key_id"]
    body = {"key_id": key_id, "model": "audited", "rpm": 7}
    lim = world.ok("admin_a", "PUT", "/v1/admin/limits", json=body)
    world.ok("admin_a", "DELETE", f"/v1/admin/limits/{lim['id']}")
    entries = world.ok("admin_a", "GET", "/v1/admin/audit", params={"order": "desc", "limit": 50})["data"]
    actions = {(e["action"], e["target"]) for e in entries}
    assert ("limit.set", f"key:{key_id}") in actions and ("limit.deleted", f"limit:{lim['id']}") in actions


def test_limits_are_read_and_set_within_the_callers_tenant(world: World) -> None:
    ids = _tenant_ids(world)
    a_keys = {k["id"] for k in world.ok("admin_a", "GET", "/v1/admin/keys", params={"limit": 1000})["data"]}
    world.ok("operator", "PUT", "/v1/admin/limits", json={"tenant": "tb", "rpm": 100000})
    world.ok("operator", "PUT", "/v1/admin/limits", json={"tenant": "ta", "rpm": 100000})
    seen = world.ok("admin_a", "GET", "/v1/admin/limits", params={"limit": 1000})["data"]
    assert seen
    for lim in seen:
        assert (lim["scope"], lim["scope_id"] in a_keys or lim["scope_id"] == ids["ta"]) in (
            ("key", True),
            ("tenant", True),
        ), lim
        assert not (lim["scope"] == "tenant" and lim["scope_id"] != ids["ta"]), lim
    # A tenant-wide limit is the platform's allotment: the tenant's admin cannot lift it.
    lift = world.call("admin_a", "PUT", "/v1/admin/limits", json={"tenant": "ta", "rpm": None})
    assert lift.status_code == 403 and _code(lift) == "operator_required"
    tenant_limit = next(lim for lim in seen if lim["scope"] == "tenant")
    gone = world.call("admin_a", "DELETE", f"/v1/admin/limits/{tenant_limit['id']}")
    assert gone.status_code == 403 and _code(gone) == "operator_required"


def test_a_tenant_admins_page_shows_its_tenant_only(world: World) -> None:
    page = world.call("admin_a", "GET", "/ui/admin").text
    assert 'id="tenant-form"' not in page and 'id="providers"' not in page and 'id="verify"' not in page
    assert 'value="operator"' not in page  # no operator role to hand out
    full = world.call("operator", "GET", "/ui/admin").text
    assert 'id="tenant-form"' in full and 'id="providers"' in full and 'value="operator"' in full
