"""Knowledge over HTTP: collections, uploads in every format, search across scripts, tenant isolation,
errors, and grounded answers whose citations are verbatim slices of the stored chunks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from openai import OpenAI
from PIL import Image

from tests.recording_upstream import RecordingUpstream, echo_toml
from tests.server import Server, serving

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
FORMATS = Path(__file__).parent / "fixtures" / "knowledge"


@pytest.fixture(scope="module")
def kn(tmp_path_factory: pytest.TempPathFactory, echo: RecordingUpstream) -> Iterator[Server]:
    toml = "[knowledge]\nmax_upload_bytes = 300000\n" + echo_toml(echo.url)
    with serving(tmp_path_factory.mktemp("knowledge"), toml, "commune", "other") as srv:
        yield srv


def _h(srv: Server, tenant: str = "commune") -> dict[str, str]:
    key = getattr(srv, f"_key_{tenant}", None)
    if key is None:
        key = srv.key(tenant, "user")
        setattr(srv, f"_key_{tenant}", key)
    return {"Authorization": f"Bearer {key}"}


def _upload(srv: Server, collection: str, path: Path, tenant: str = "commune", **meta: str) -> httpx.Response:
    files = {"file": (path.name, path.read_bytes())}
    data = {"collection": collection, "metadata": json.dumps(meta)} if meta else {"collection": collection}
    return httpx.post(srv.url + "/v1/documents", files=files, data=data, headers=_h(srv, tenant), timeout=300)


@pytest.fixture(scope="module")
def procedures(kn: Server) -> str:
    r = httpx.post(kn.url + "/v1/collections", json={"name": "procedures"}, headers=_h(kn))
    assert r.status_code == 201, r.text
    for path in sorted(CORPUS.iterdir()):
        res = _upload(kn, "procedures", path, service="etat-civil" if "civil" in path.name else "urbanisme")
        assert res.status_code == 201, res.text
    return "procedures"


def test_collections_crud_and_errors(kn: Server) -> None:
    url = kn.url + "/v1/collections"
    assert httpx.post(url, json={"name": "tmp", "embedding_model": None}, headers=_h(kn)).status_code == 201
    again = httpx.post(url, json={"name": "tmp"}, headers=_h(kn))
    assert again.status_code == 409 and again.json()["error"]["code"] == "collection_exists"
    assert httpx.post(url, json={"name": "bad/name"}, headers=_h(kn)).status_code == 400
    assert httpx.post(url, json={"name": "x", "embedding_model": "nope"}, headers=_h(kn)).status_code == 404
    names = [c["name"] for c in httpx.get(url, headers=_h(kn)).json()["data"]]
    assert "tmp" in names
    assert httpx.delete(url + "/tmp", headers=_h(kn)).json()["deleted"] is True
    assert httpx.get(url + "/tmp", headers=_h(kn)).status_code == 404


def test_upload_is_idempotent_and_chunks_match_offsets(kn: Server, procedures: str) -> None:
    again = _upload(kn, procedures, CORPUS / "shahada_sokna.txt", service="urbanisme")
    assert again.status_code == 200 and again.json()["created"] is False
    doc = again.json()
    chunks = httpx.get(kn.url + f"/v1/documents/{doc['id']}/chunks", headers=_h(kn)).json()["data"]
    assert len(chunks) == doc["chunks"] >= 1
    text = (CORPUS / "shahada_sokna.txt").read_text(encoding="utf-8")
    for c in chunks:
        assert c["text"].strip() and c["text"] in text
    listed = httpx.get(kn.url + "/v1/collections/procedures/documents", headers=_h(kn)).json()["data"]
    assert {d["name"] for d in listed} == {p.name for p in CORPUS.iterdir()}


@pytest.mark.parametrize("mode", ["lexical", "semantic", "hybrid"])
def test_search_modes_find_the_arabic_procedure(kn: Server, procedures: str, mode: str) -> None:
    r = httpx.post(
        kn.url + "/v1/search",
        json={"query": "شهادة السكنى أجل", "collections": [procedures], "k": 3, "mode": mode},
        headers=_h(kn),
        timeout=60,
    )
    assert r.status_code == 200, r.text
    assert r.json()["data"][0]["document"]["name"] == "shahada_sokna.txt"


def test_arabizi_query_meets_arabic_text(kn: Server, procedures: str) -> None:
    r = httpx.post(
        kn.url + "/v1/search",
        json={
            "query": "kifach nakhod chahadat sokna",
            "collections": [procedures],
            "k": 3,
            "mode": "lexical",
        },
        headers=_h(kn),
    )
    assert r.status_code == 200, r.text
    assert r.json()["data"] and r.json()["data"][0]["document"]["name"] == "shahada_sokna.txt"


def test_metadata_filters(kn: Server, procedures: str) -> None:
    r = httpx.post(
        kn.url + "/v1/search",
        json={
            "query": "acte naissance certificat",
            "collections": [procedures],
            "filters": {"service": "etat-civil"},
        },
        headers=_h(kn),
        timeout=60,
    )
    names = {h["document"]["name"] for h in r.json()["data"]}
    assert names == {"etat_civil.md"}


def test_tenants_never_see_each_others_knowledge(kn: Server, procedures: str) -> None:
    other = _h(kn, "other")
    mine = httpx.get(kn.url + "/v1/collections/procedures/documents", headers=_h(kn)).json()["data"][0]
    assert httpx.get(kn.url + "/v1/collections", headers=other).json()["data"] == []
    assert httpx.get(kn.url + "/v1/collections/procedures", headers=other).status_code == 404
    search = httpx.post(
        kn.url + "/v1/search", json={"query": "شهادة", "collections": ["procedures"]}, headers=other
    )
    assert search.status_code == 404
    for method, path in (("GET", ""), ("GET", "/chunks"), ("DELETE", "")):
        r = httpx.request(method, kn.url + f"/v1/documents/{mine['id']}{path}", headers=other)
        assert r.status_code == 404, (method, path)
    assert _upload(kn, "procedures", CORPUS / "etat_civil.md", tenant="other").status_code == 404
    # The other tenant may have its own collection of the same name, holding nothing of ours.
    assert (
        httpx.post(kn.url + "/v1/collections", json={"name": "procedures"}, headers=other).status_code == 201
    )
    r = httpx.post(
        kn.url + "/v1/search", json={"query": "شهادة السكنى", "collections": ["procedures"]}, headers=other
    )
    assert r.status_code == 200 and r.json()["data"] == []
    assert httpx.get(kn.url + f"/v1/documents/{mine['id']}", headers=_h(kn)).status_code == 200


def test_bad_uploads_get_clear_errors(kn: Server, procedures: str, tmp_path: Path) -> None:
    r = _upload(kn, procedures, FORMATS / "image.png")  # a real image, one blank pixel: OCR finds no text
    assert r.status_code == 422 and r.json()["error"]["code"] == "malformed_document"
    assert "No text was found" in r.json()["error"]["message"]
    png = tmp_path / "scan.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)  # a PNG signature and nothing readable
    r = _upload(kn, procedures, png)
    assert r.status_code == 422 and r.json()["error"]["code"] == "malformed_document"
    gif = tmp_path / "scan.gif"  # a readable GIF: a format OCR does not read
    with Image.new("L", (16, 16), 255) as image:
        image.save(gif, format="GIF")
    r = _upload(kn, procedures, gif)
    assert r.status_code == 415 and r.json()["error"]["code"] == "unsupported_format"
    assert "OCR reads PNG, JPEG, TIFF and WebP" in r.json()["error"]["message"]
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog")
    assert _upload(kn, procedures, broken).status_code == 422
    big = tmp_path / "big.txt"
    big.write_text("كلمة " * 70000, encoding="utf-8")
    assert _upload(kn, procedures, big).status_code == 413
    no_file = httpx.post(
        kn.url + "/v1/documents", data={"collection": procedures}, files={"x": ("a", b"b")}, headers=_h(kn)
    )
    assert no_file.status_code == 400
    assert _upload(kn, "missing", CORPUS / "etat_civil.md").status_code == 404
    bad_json = httpx.post(
        kn.url + "/v1/documents", json={"collection": procedures, "text": ""}, headers=_h(kn)
    )
    assert bad_json.status_code == 400


def test_json_text_document(kn: Server, procedures: str) -> None:
    body = {
        "collection": procedures,
        "text": "La carte grise est retirée au centre immatriculateur.",
        "name": "carte-grise",
    }
    r = httpx.post(kn.url + "/v1/documents", json=body, headers=_h(kn), timeout=120)
    assert r.status_code == 201 and r.json()["name"] == "carte-grise.txt"
    assert httpx.delete(kn.url + f"/v1/documents/{r.json()['id']}", headers=_h(kn)).json()["deleted"]


def _check_citations(kn: Server, citations: list[dict]) -> None:
    assert citations
    for c in citations:
        chunks = httpx.get(kn.url + f"/v1/documents/{c['document_id']}/chunks", headers=_h(kn)).json()["data"]
        chunk = next(ch for ch in chunks if ch["id"] == c["chunk_id"])
        local = c["start"] - chunk["start"], c["end"] - chunk["start"]
        assert chunk["text"][local[0] : local[1]] == c["quote"]
        for h in c["highlights"]:
            assert c["start"] <= h["start"] < h["end"] <= c["end"]


def test_grounded_extractive_answer_with_verbatim_citations(kn: Server, procedures: str) -> None:
    client = OpenAI(base_url=kn.url + "/v1", api_key=_h(kn)["Authorization"][7:], max_retries=0)
    reply = client.chat.completions.create(
        model="siyada-chat",
        messages=[{"role": "user", "content": "ما هو أجل تسليم شهادة السكنى؟"}],
        extra_body={"collections": [procedures]},
    )
    content = reply.choices[0].message.content or ""
    citations = (reply.model_extra or {})["citations"]
    assert citations[0]["document_name"] == "shahada_sokna.txt"
    # the quote that answers, framed in Arabic, isolated for bidi text, no Markdown markers
    assert content.startswith("حسب [1]: \u2068") and "**" not in content
    quote = content[content.index("\u2068") + 1 : content.index("\u2069")]
    # the citation quotes the answer's sentence, the answer's words marked in it
    (mark,) = citations[0]["highlights"]
    c = citations[0]
    marked = c["quote"][mark["start"] - c["start"] : mark["end"] - c["start"]]
    assert quote == " ".join(marked.split()) and len(quote.split()) <= 60
    _check_citations(kn, citations)
    stream = client.chat.completions.create(
        model="siyada-chat",
        messages=[{"role": "user", "content": "ما هو أجل تسليم شهادة السكنى؟"}],
        extra_body={"collections": [procedures]},
        stream=True,
    )
    chunks = list(stream)
    streamed = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert streamed == content
    assert (chunks[-1].model_extra or {})["citations"] == citations


def test_grounded_extractive_frames_follow_the_question_language(kn: Server, procedures: str) -> None:
    client = OpenAI(base_url=kn.url + "/v1", api_key=_h(kn)["Authorization"][7:], max_retries=0)
    for question, frame in [
        ("Quelles sont les pièces à fournir pour le certificat de résidence ?", "D'après [1] : \u2068"),
        ("ما هي الوثائق المطلوبة للحصول على شهادة السكنى؟", "حسب [1]: \u2068"),
    ]:
        reply = client.chat.completions.create(
            model="siyada-chat",
            messages=[{"role": "user", "content": question}],
            extra_body={"collections": [procedures]},
        )
        content = reply.choices[0].message.content or ""
        assert content.startswith(frame), content
        assert content.count("\u2068") == content.count("\u2069") == 2  # the quote and the document name
    # the documents do not say: "not found" in the question's language, the nearest documents, no quote
    reply = client.chat.completions.create(
        model="siyada-chat",
        messages=[{"role": "user", "content": "Quelle est la capitale du Japon ?"}],
        extra_body={"collections": [procedures]},
    )
    content = reply.choices[0].message.content or ""
    assert content.startswith("Je n'ai pas trouvé la réponse dans les documents."), content
    assert (reply.model_extra or {})["citations"] == [] and "\u2068" in content


def test_grounded_generative_answer_cites_passages(
    kn: Server, procedures: str, echo: RecordingUpstream
) -> None:
    client = OpenAI(base_url=kn.url + "/v1", api_key=_h(kn)["Authorization"][7:], max_retries=0)
    question = "Quelles pièces pour le certificat de résidence ? [1]"  # the echo model repeats the [1]
    reply = client.chat.completions.create(
        model="echo",
        messages=[{"role": "user", "content": question}],
        extra_body={"collections": [procedures]},
    )
    sent = json.loads(echo.bodies[-1])
    assert sent["messages"][0]["role"] == "system" and "[1]" in sent["messages"][0]["content"]
    assert "collections" not in sent  # Siyada's extension never reaches the upstream
    citations = (reply.model_extra or {})["citations"]
    assert [c["index"] for c in citations] == [1]
    _check_citations(kn, citations)


@pytest.mark.parametrize(
    "name", sorted(p.name for p in FORMATS.glob("*") if p.is_file()) if FORMATS.exists() else []
)
def test_every_fixture_format_is_accepted_or_refused_clearly(kn: Server, name: str) -> None:
    path = FORMATS / name
    r = _upload(kn, "formats", path) if _ensure(kn, "formats") else None
    assert r is not None
    if any(tag in name for tag in ("malformed", "truncated", "corrupt", "invalid", "broken")):
        assert r.status_code == 422, r.text
    elif name == "sheet.xlsx":  # a stub workbook (make_fixtures.py): read as XLSX, found broken
        assert r.status_code == 422 and "XLSX" in r.json()["error"]["message"], r.text
    elif name.endswith(".png"):  # one blank pixel: read by OCR, which finds no text
        assert r.status_code == 422 and "No text was found" in r.text, r.text
    elif name.endswith((".gif", ".bmp", ".zip", ".bin")):
        assert r.status_code == 415, r.text
    else:
        assert r.status_code in (200, 201), r.text
        body = r.json()
        docs = body["data"] if body.get("object") == "list" else [body]  # a JSONL file: one per record
        assert docs and all(d["chunks"] >= 1 for d in docs)


def _ensure(kn: Server, name: str) -> bool:
    r = httpx.post(kn.url + "/v1/collections", json={"name": name, "embedding_model": None}, headers=_h(kn))
    return r.status_code in (201, 409)


def test_search_rerank_over_http(kn: Server) -> None:
    """A static collection re-ranked by e5 on request: the e5 ranking shows in `ranks`; a bad value of
    `rerank` is a 400 naming the parameter."""
    r = httpx.post(
        kn.url + "/v1/collections",
        json={"name": "fast", "embedding_model": "siyada-embed-static"},
        headers=_h(kn),
    )
    assert r.status_code == 201, r.text
    for path in sorted(CORPUS.iterdir()):
        assert _upload(kn, "fast", path).status_code == 201
    body = {"query": "certificate of residence", "collections": ["fast"], "k": 3}
    plain = httpx.post(kn.url + "/v1/search", json=body, headers=_h(kn), timeout=60).json()["data"]
    assert all("rerank" not in h["ranks"] for h in plain)  # the server default: off
    r = httpx.post(kn.url + "/v1/search", json={**body, "rerank": True}, headers=_h(kn), timeout=120)
    assert r.status_code == 200, r.text
    hits = r.json()["data"]
    assert hits[0]["ranks"]["rerank"] == 1
    assert hits[0]["document"]["name"] in {"shahada_sokna.txt", "certificat_residence.md"}
    bad = httpx.post(kn.url + "/v1/search", json={**body, "rerank": "sometimes"}, headers=_h(kn))
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "rerank", bad.text
