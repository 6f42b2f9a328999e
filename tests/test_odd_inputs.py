"""Odd inputs get 4xx answers, never a 500; names show what they are.

Every route with a path parameter, enumerated from the app itself, is called with odd values
(non-ASCII digits, huge and negative numbers, NUL, invalid UTF-8, very long strings) against a real
server. Names: a direction override or invisible character is refused where a person types a name
(username, tenant, collection, key) and removed from a document's name or title, so an upload never
fails for it and what is listed is what is stored.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from siyada.config import load_settings
from siyada.lang.bidi import neutralise, refusal
from siyada.store.ids import row_id
from tests.server import Server, cli

RLO = "\u202e"
ODD_VALUES = [
    "%C2%B2",  # '²': str.isdigit() says yes, int() says no
    "%D9%A3",  # Arabic-Indic three: int() reads 3
    "%EF%BC%91",  # full-width one
    "99999999999999999999999999",
    "9223372036854775808",  # 2**63, one past what the databases store
    "-1",
    "0",
    "%00",
    "%FF",  # not UTF-8
    "%E2%80%AE",  # a right-to-left override
    "x" * 4000,
    "1.5",
    "%20",
]


def _routes() -> list[tuple[str, str]]:
    """(method, path template) of every route with a path parameter, from the app's own table."""
    from siyada.api.app import create_app

    found: list[tuple[str, str]] = []

    def walk(routes: list[Any]) -> None:
        for route in routes:
            inner = getattr(route, "original_router", None)  # FastAPI's included routers
            if inner is not None:
                walk(inner.routes)
            elif "{" in getattr(route, "path", "") and getattr(route, "methods", None):
                found.extend((m, route.path) for m in sorted(route.methods) if m != "HEAD")

    with tempfile.TemporaryDirectory() as data:
        app = create_app(load_settings(Path(data)))
        walk(app.routes)
        app.state.engine.dispose()
    return found


ROUTES = _routes()


def test_the_route_table_was_read() -> None:
    paths = {p for _, p in ROUTES}
    assert {"/v1/evaluations/{run_id}", "/v1/documents/{doc_id}", "/v1/admin/keys/{key_id}"} <= paths


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("siyada-odd")
    cli(data, "tenants", "create", "default")
    server = Server(data).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def admin(srv: Server) -> str:
    return srv.key("default", "operator")


@pytest.fixture(scope="module")
def client(srv: Server, admin: str) -> Iterator[httpx.Client]:
    """Authenticated both ways: an admin key, and a web session (for the /ui routes)."""
    with httpx.Client(base_url=srv.url, headers={"Authorization": f"Bearer {admin}"}, timeout=60) as c:
        page = c.get("/ui/login")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        assert c.post("/ui/login", data={"csrf": token, "api_key": admin}).status_code == 303
        yield c


def _fill(template: str, value: str) -> str:
    return re.sub(r"\{[^}]+\}", value, template)


@pytest.mark.parametrize(("method", "template"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_odd_path_values_are_client_errors(client: httpx.Client, method: str, template: str) -> None:
    for value in ODD_VALUES:
        url = httpx.URL(client.base_url.join(_fill(template, value)))
        body = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
        r = client.request(method, url, **body)
        assert r.status_code < 500, f"{method} {url.raw_path[:80]!r}: {r.status_code} {r.text[:200]}"


def test_evaluation_ids_of_other_digits(client: httpx.Client) -> None:
    r = client.get("/v1/evaluations/%C2%B2")
    assert r.status_code == 400 and r.json()["error"]["param"] == "path.run_id"
    # The published pattern allows 18 digits: more is a 400, a well-formed id of no run a 404.
    assert client.get("/v1/evaluations/9223372036854775807").status_code == 400
    assert client.get("/v1/evaluations/999999999999999999").status_code == 404
    assert client.get("/v1/evaluations/0").status_code == 404


def test_row_ids_are_ascii_digits_in_range() -> None:
    assert [row_id(v) for v in ("12", "²", "٣", "-1", "0", str(2**63), str(2**63 - 1), 7, True)] == [
        12,
        None,
        None,
        None,
        None,
        None,
        2**63 - 1,
        7,
        None,
    ]


# ---- names ----------------------------------------------------------------------------------------
def test_the_check_keeps_arabic_and_names_the_field() -> None:
    assert refusal("مجموعة الوثائق", "collection name") is None  # right-to-left letters need no control
    assert "username" in (refusal("ali\u200f", "username") or "") and "U+200F" in (
        refusal("ali\u200f", "username") or ""
    )
    for char in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u200b\ufeff\n":
        assert refusal(f"a{char}b", "name") is not None, hex(ord(char))
    assert neutralise(f"invoice{RLO}txt.exe") == "invoicetxt.exe"
    assert neutralise("ملف\u200f.pdf") == "ملف.pdf"


def test_a_bidi_document_name_is_stored_without_the_control(client: httpx.Client) -> None:
    assert client.post("/v1/collections", json={"name": "bidi", "embedding_model": None}).status_code == 201
    files = {"file": (f"invoice{RLO}txt.exe", b"Facture de mars, montant 120 dirhams.", "text/plain")}
    r = client.post("/v1/documents", files=files, data={"collection": "bidi"})
    assert r.status_code == 201, r.text
    assert r.json()["name"] == "invoicetxt.exe"
    listed = client.get("/v1/collections/bidi/documents").json()["data"]
    assert [d["name"] for d in listed] == ["invoicetxt.exe"]
    text = {"collection": "bidi", "text": "<title>Rapport\u2067 annuel</title><p>x</p>", "name": f"r{RLO}a"}
    r = client.post("/v1/documents", json={**text, "format": "html"})
    assert r.status_code == 201 and r.json()["name"] == "ra.html" and r.json()["title"] == "Rapport annuel"


@pytest.mark.parametrize(
    ("path", "body", "param"),
    [
        ("/v1/admin/tenants", {"name": f"acme{RLO}"}, "name"),
        ("/v1/admin/tenants", {"name": "acme\n"}, "name"),
        ("/v1/collections", {"name": f"مجموعة{RLO}", "embedding_model": None}, "name"),
        ("/v1/admin/keys", {"tenant": "default", "name": f"ci{RLO}dev"}, "name"),
        (
            "/v1/admin/users",
            {"tenant": "default", "username": "ali\u200b", "password": "long enough password"},
            "username",
        ),
        (
            "/v1/admin/users",
            {"tenant": "default", "username": "ali\n", "password": "long enough password"},
            "username",
        ),
    ],
)
def test_bidi_names_typed_by_people_are_refused(
    client: httpx.Client, path: str, body: dict[str, Any], param: str
) -> None:
    r = client.post(path, json=body)
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error["param"] == param and "invisible or text-direction" in error["message"]


def test_an_arabic_collection_name_is_still_accepted(client: httpx.Client) -> None:
    r = client.post("/v1/collections", json={"name": "وثائق الجماعة", "embedding_model": None})
    assert r.status_code == 201 and r.json()["name"] == "وثائق الجماعة"


def test_the_cli_refuses_a_bidi_tenant_and_key_name(srv: Server) -> None:
    proc = cli(srv.data_dir, "tenants", "create", f"evil{RLO}gpj", check=False)
    assert proc.returncode != 0 and "invisible or text-direction" in proc.stderr
    proc = cli(srv.data_dir, "keys", "create", "--tenant", "default", "--name", f"k{RLO}", check=False)
    assert proc.returncode != 0 and "invisible or text-direction" in proc.stderr


def test_a_key_id_is_spelled_in_ascii_digits_only(srv: Server, client: httpx.Client) -> None:
    secret = srv.key("default", "user")
    key_id = client.get("/v1/admin/keys").json()["data"][-1]["id"]
    for spelled in (f"%2B{key_id}", f"%20{key_id}", f"0_{key_id}"):  # int() would read each as the id
        assert client.delete(f"/v1/admin/keys/{spelled}").status_code == 404
    assert httpx.get(srv.url + "/v1/models", headers={"Authorization": f"Bearer {secret}"}).status_code == 200


def test_non_ascii_credentials_are_refused_not_a_500(srv: Server) -> None:
    bearer = {"Authorization": "Bearer sk-é²٣".encode("latin-1", "replace")}
    assert httpx.get(srv.url + "/v1/models", headers=bearer).status_code == 401
    cookie = {"Cookie": "siyada_session=é²".encode("latin-1", "replace")}
    assert httpx.get(srv.url + "/ui/chat", headers=cookie).status_code == 303
    assert httpx.get(srv.url + "/ui/api/conversations", headers=cookie).status_code == 401


@pytest.mark.parametrize("ref", [2**70, -1, "²", "٣", "9223372036854775808"])
def test_odd_collection_references_in_bodies_are_not_found(client: httpx.Client, ref: Any) -> None:
    r = client.post("/v1/search", json={"query": "facture", "collections": [ref]})
    assert r.status_code in (400, 404), r.text
    r = client.post("/v1/documents", json={"collection": ref, "text": "x"})
    assert r.status_code in (400, 404), r.text


def test_the_published_hidden_ranges_are_unicodes() -> None:
    """The JSON-schema twin of the hidden-character check lists exactly the characters it refuses."""
    from siyada.lang.bidi import HIDDEN_RANGES, is_hidden

    listed = {cp for a, b in HIDDEN_RANGES for cp in range(a, b + 1)}
    assert listed == {cp for cp in range(0x110000) if is_hidden(chr(cp))}
