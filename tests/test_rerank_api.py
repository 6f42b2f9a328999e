"""POST /v1/rerank through HTTP: the packaged e5 re-scorer ranks the relevant document first (Arabic,
French), upstreams speak TEI's and vLLM's dialects (a recording upstream on loopback), calls are
accounted and quota-checked, the tenant's model rules hold, personal data never reaches an upstream that
is not in-house, and bad input is refused with an OpenAI-style error."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.server import Server, cli, serving
from tests.speech_upstream import SpeechUpstream

NAME = "Fatima-Zahra Benkirane"


@pytest.fixture(scope="module")
def upstream() -> Iterator[SpeechUpstream]:
    up = SpeechUpstream()
    yield up
    up.close()


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory, upstream: SpeechUpstream) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("rerank")
    toml = f"""
[rerank]
max_documents = 8
max_document_chars = 2000
max_total_chars = 6000
[[providers]]
name = "tei"
url = "{upstream.url}"
rerank_api = "tei"
in_house = true
retries = 0
[[providers]]
name = "vllm"
url = "{upstream.url}"
retries = 0
[[models]]
name = "tei-rerank"
kind = "rerank"
routes = [{{provider = "tei", model = "BAAI/bge-reranker-v2-m3"}}]
[[models]]
name = "vllm-rerank"
kind = "rerank"
routes = [{{provider = "vllm", model = "jina-reranker"}}]
"""
    with serving(data, toml, "default", "narrow", models={"narrow": "siyada-embed,tei-rerank"}) as s:
        yield s


@pytest.fixture(scope="module")
def key(srv: Server) -> str:
    return srv.key("default", "user")


def _rerank(srv: Server, key: str, body: dict[str, Any] | bytes) -> httpx.Response:
    kwargs: dict[str, Any] = {"content": body} if isinstance(body, bytes) else {"json": body}
    return httpx.post(
        srv.url + "/v1/rerank", headers={"Authorization": f"Bearer {key}"}, timeout=120, **kwargs
    )


def _rows(srv: Server, model: str) -> list[tuple[Any, ...]]:
    time.sleep(0.6)  # usage rows are committed in groups
    with sqlite3.connect(Path(srv.data_dir) / "siyada.db") as db:
        return db.execute(
            "SELECT endpoint, status, prompt_tokens, provider FROM usage WHERE model = ? ORDER BY id",
            (model,),
        ).fetchall()


def test_packaged_reranker_is_listed_with_its_card(srv: Server, key: str) -> None:
    models = httpx.get(srv.url + "/v1/models", headers={"Authorization": f"Bearer {key}"}).json()["data"]
    card = next(m for m in models if m["id"] == "siyada-rerank")
    assert card["type"] == "rerank" and card["providers"] == ["embedded"]
    assert "ar" in card["languages"] and "fr" in card["languages"]
    assert {"tei-rerank", "vllm-rerank"} <= {m["id"] for m in models}


ARABIC_QUERY = "ما هي الوثائق المطلوبة للحصول على جواز السفر؟"
ARABIC_DOCS = [
    "تساقطت الأمطار بغزارة على مدينة طنجة خلال نهاية الأسبوع.",
    "فاز الفريق الوطني المغربي في المباراة الودية أمس.",
    "للحصول على جواز السفر يجب تقديم البطاقة الوطنية وصورتين وطابع جبائي إلى العمالة.",
    "يعتبر الكسكس من أشهر الأطباق التقليدية في المغرب.",
]
FRENCH_QUERY = "Comment renouveler ma carte nationale d'identité ?"
FRENCH_DOCS = [
    "Le marché de gros de Casablanca ouvre à six heures du matin.",
    "La météo annonce des averses orageuses sur le Rif.",
    "Le match a été reporté à cause de la pluie.",
    "Pour renouveler la carte nationale d'identité, présentez-vous au commissariat avec l'ancienne carte.",
]


@pytest.mark.parametrize(
    ("query", "documents", "relevant"), [(ARABIC_QUERY, ARABIC_DOCS, 2), (FRENCH_QUERY, FRENCH_DOCS, 3)]
)
def test_embedded_ranks_the_relevant_document_first(
    srv: Server, key: str, query: str, documents: list[str], relevant: int
) -> None:
    resp = _rerank(srv, key, {"model": "siyada-rerank", "query": query, "documents": documents})
    assert resp.status_code == 200, resp.text
    assert resp.headers["x-siyada-provider"] == "embedded"
    out = resp.json()
    assert out["model"] == "siyada-rerank" and out["object"] == "rerank"
    results = out["results"]
    assert results[0]["index"] == relevant
    assert sorted(r["index"] for r in results) == list(range(len(documents)))
    scores = [r["relevance_score"] for r in results]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] - scores[1] > 0.01  # a clear margin, not a tie broken by index
    assert all("document" not in r for r in results)  # Cohere's default: indices only
    assert out["usage"]["prompt_tokens"] > len(documents)  # e5's own token count, query included


def test_top_n_and_documents_as_objects_return_the_callers_text(srv: Server, key: str) -> None:
    docs = [{"text": d} for d in FRENCH_DOCS]
    body = {"model": "siyada-rerank", "query": FRENCH_QUERY, "documents": docs}
    out = _rerank(srv, key, {**body, "top_n": 2, "return_documents": True}).json()
    assert len(out["results"]) == 2
    assert out["results"][0] == {
        "index": 3,
        "relevance_score": out["results"][0]["relevance_score"],
        "document": {"text": FRENCH_DOCS[3]},
    }
    # top_n above the number of documents answers them all
    assert len(_rerank(srv, key, {**body, "top_n": 8}).json()["results"]) == 4


def test_tei_upstream_is_spoken_to_in_its_own_dialect(
    srv: Server, key: str, upstream: SpeechUpstream
) -> None:
    before = len(upstream.calls)
    docs = ["the cat sat", "passport office opening hours", "passport renewal at the office"]
    resp = _rerank(
        srv, key, {"model": "tei-rerank", "query": "passport renewal office", "documents": docs, "top_n": 2}
    )
    assert resp.status_code == 200, resp.text
    assert resp.headers["x-siyada-provider"] == "tei"
    out = resp.json()
    assert [(r["index"], r["relevance_score"]) for r in out["results"]] == [(2, 3.0), (1, 2.0)]
    call = upstream.calls[before]
    assert call["path"] == "/rerank"  # TEI's route, at the server's root
    assert call["json"]["texts"] == docs and call["json"]["query"] == "passport renewal office"
    assert "documents" not in call["json"] and "model" not in call["json"]
    # TEI reports no usage: the tokens are estimated, ~4 characters each, and accounted
    tokens = out["usage"]["prompt_tokens"]
    assert tokens == (len("passport renewal office") + sum(map(len, docs)) + 3) // 4
    assert ("rerank", 200, tokens, "tei") in _rows(srv, "tei-rerank")


def test_vllm_upstream_not_in_house_reads_placeholders_and_caller_gets_real_text(
    srv: Server, key: str, upstream: SpeechUpstream
) -> None:
    before = len(upstream.calls)
    docs = [f"Mme {NAME} a déposé sa demande de passeport.", "Le bureau ferme à midi."]
    resp = _rerank(
        srv,
        key,
        {"model": "vllm-rerank", "query": f"demande de {NAME}", "documents": docs, "return_documents": True},
    )
    assert resp.status_code == 200, resp.text
    sent = upstream.calls[before]
    assert sent["path"] == "/v1/rerank" and sent["json"]["model"] == "jina-reranker"
    assert NAME not in json.dumps(sent["json"], ensure_ascii=False)
    assert "Benkirane" not in json.dumps(sent["json"], ensure_ascii=False)
    assert {r["document"]["text"] for r in resp.json()["results"]} == set(docs)
    assert resp.json()["usage"]["prompt_tokens"] == 7  # the upstream's own count


def test_an_upstream_answer_out_of_shape_is_a_provider_error(srv: Server, key: str) -> None:
    resp = _rerank(srv, key, {"model": "vllm-rerank", "query": "break", "documents": ["a", "b"]})
    assert resp.status_code in (502, 503), resp.text
    assert "malformed rerank result" in resp.json()["error"]["message"]
    assert ("rerank", resp.status_code, 0, None) in _rows(srv, "vllm-rerank")


def test_quota_refuses_with_429(srv: Server) -> None:
    key = srv.key("default", "user")
    key_id = max(k["id"] for k in json.loads(cli(srv.data_dir, "keys", "list", "--json").stdout))
    cli(srv.data_dir, "limits", "set", "--key", str(key_id), "--rpm", "1", "--model", "tei-rerank")
    time.sleep(1.2)  # limits are re-read at most once a second
    left = 60 - time.time() % 60
    if left < 10:  # minute windows are aligned: do not straddle two
        time.sleep(left + 0.2)
    body = {"model": "tei-rerank", "query": "a", "documents": ["a", "b"]}
    assert _rerank(srv, key, body).status_code == 200
    refused = _rerank(srv, key, body)
    assert refused.status_code == 429, refused.text
    assert refused.json()["error"]["code"] == "quota_exceeded"
    assert int(refused.headers["retry-after"]) >= 1
    # the limit is on that model only
    assert _rerank(srv, key, {**body, "model": "vllm-rerank"}).status_code == 200


def test_token_quota_counts_e5s_own_tokens(srv: Server, key: str) -> None:
    body = {"model": "siyada-rerank", "query": FRENCH_QUERY, "documents": FRENCH_DOCS[:2]}
    tokens = _rerank(srv, key, body).json()["usage"]["prompt_tokens"]
    limited = srv.key("default", "user")
    key_id = max(k["id"] for k in json.loads(cli(srv.data_dir, "keys", "list", "--json").stdout))
    cli(srv.data_dir, "limits", "set", "--key", str(key_id), "--tpm", str(2 * tokens - 1))
    time.sleep(1.2)  # limits are re-read at most once a second
    left = 60 - time.time() % 60
    if left < 15:  # minute windows are aligned: do not straddle two
        time.sleep(left + 0.2)
    assert _rerank(srv, limited, body).status_code == 200
    # the second call's tokens, counted by e5 before it runs, would pass the cap by one
    refused = _rerank(srv, limited, body)
    assert refused.status_code == 429 and "tokens per minute" in refused.json()["error"]["message"]


def test_tenant_model_rules(srv: Server) -> None:
    narrow = srv.key("narrow", "user")
    body = {"query": "a", "documents": ["a", "b"]}
    refused = _rerank(srv, narrow, {**body, "model": "siyada-rerank"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "model_not_allowed"
    assert _rerank(srv, narrow, {**body, "model": "vllm-rerank"}).status_code == 403
    assert _rerank(srv, narrow, {**body, "model": "tei-rerank"}).status_code == 200
    listed = httpx.get(srv.url + "/v1/models", headers={"Authorization": f"Bearer {narrow}"}).json()["data"]
    assert "siyada-rerank" not in {m["id"] for m in listed}
    # an embedding model is not a reranker, even where the tenant may use it
    wrong = _rerank(srv, narrow, {**body, "model": "siyada-embed"})
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "wrong_model_kind"


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"model": "tei-rerank", "documents": ["a"]}, "query"),
        ({"model": "tei-rerank", "query": "", "documents": ["a"]}, "query"),
        ({"model": "tei-rerank", "query": "q", "documents": []}, "documents"),
        ({"model": "tei-rerank", "query": "q", "documents": [{"txt": "a"}]}, "documents"),
        ({"model": "tei-rerank", "query": "q", "documents": [3]}, "documents"),
        ({"model": "tei-rerank", "query": "q", "documents": ["a"], "top_n": 0}, "top_n"),
        ({"model": "tei-rerank", "query": "q", "documents": ["a"], "top_n": "2"}, "top_n"),
        ({"model": "tei-rerank", "query": "q", "documents": ["a"], "top_n": 9}, "top_n"),
        ({"model": "tei-rerank", "query": "q", "documents": ["a"], "return_documents": "yes"}, None),
        ({"model": "tei-rerank", "query": "q", "documents": ["a", ""]}, "documents[1]"),
        ({"model": "tei-rerank", "query": "q", "documents": ["a"] * 9}, "documents"),
        ({"model": "tei-rerank", "query": "q", "documents": ["a" * 2001]}, "documents[0]"),
        ({"model": "tei-rerank", "query": "q" * 2001, "documents": ["a"]}, "query"),
        ({"model": "tei-rerank", "query": "q", "documents": ["a" * 1999] * 4}, "documents"),
    ],
)
def test_bad_input_is_refused(srv: Server, key: str, body: dict[str, Any], param: str | None) -> None:
    before = _rerank(srv, key, {"model": "tei-rerank", "query": "q", "documents": ["a"]})
    assert before.status_code == 200
    resp = _rerank(srv, key, body)
    assert resp.status_code == 400, resp.text
    err = resp.json()["error"]
    assert err["type"] == "invalid_request_error"
    if param is not None:
        assert err["param"] is not None and err["param"].startswith(param.split("[")[0])


def test_unknown_model_malformed_body_and_no_key(srv: Server, key: str) -> None:
    missing = _rerank(srv, key, {"model": "nope", "query": "q", "documents": ["a"]})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "model_not_found"
    assert _rerank(srv, key, b"{not json").status_code == 400
    assert _rerank(srv, key, b"[1, 2]").status_code == 400
    anonymous = httpx.post(
        srv.url + "/v1/rerank", json={"model": "tei-rerank", "query": "q", "documents": ["a"]}
    )
    assert anonymous.status_code == 401
