"""The abstention model's sixth-round signals (siyada.knowledge.abstain): each search hit carries its
rankings' scores before normalisation (`raw_scores`, through the real server's /v1/search), they are
those of the collection actually searched (a filter removes a passage: the best one left keeps its
own BM25, lower than the removed one's, while its fused score rises to the top), another tenant's
uploads never move them, and the features built on them and on the question's type are computed
right."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from siyada.knowledge import abstain
from siyada.knowledge.extract import question_type
from tests.server import Server, serving

DOCS = {
    "qarawiyyin.txt": "تأسست جامعة القرويين في مدينة فاس عام 859 على يد فاطمة الفهرية، وهي من أقدم الجامعات.",
    "fes.txt": "مدينة فاس من أعرق المدن المغربية، وتضم مساجد ومدارس عتيقة وأسواقا كثيرة.",
    "rabat.txt": "الرباط عاصمة المملكة المغربية وتقع على ساحل المحيط الأطلسي عند مصب نهر أبي رقراق.",
}
QUESTION = "متى تأسست جامعة القرويين في فاس؟"


def _h(srv: Server, tenant: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {srv.key(tenant, 'user')}"}


def _upload(srv: Server, tenant: str, docs: dict[str, str]) -> None:
    r = httpx.post(srv.url + "/v1/collections", json={"name": "c"}, headers=_h(srv, tenant))
    assert r.status_code == 201, r.text
    for name, text in docs.items():
        r = httpx.post(
            srv.url + "/v1/documents",
            files={"file": (name, text.encode())},
            data={"collection": "c"},
            headers=_h(srv, tenant),
            timeout=300,
        )
        assert r.status_code == 201, r.text


def _search(srv: Server, tenant: str, **extra: Any) -> list[dict[str, Any]]:
    body = {"query": QUESTION, "collections": ["c"], "k": 3, **extra}
    r = httpx.post(srv.url + "/v1/search", json=body, headers=_h(srv, tenant), timeout=120)
    assert r.status_code == 200, r.text
    return r.json()["data"]


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serving(tmp_path_factory.mktemp("abstain-signals"), "", "commune", "other") as s:
        _upload(s, "commune", DOCS)
        yield s


def test_hits_carry_raw_scores_that_a_filter_does_not_inflate(srv: Server) -> None:
    full = _search(srv, "commune")
    by_name = {h["document"]["name"]: h for h in full}
    top = full[0]
    assert top["document"]["name"] == "qarawiyyin.txt"
    raw = top["raw_scores"]
    assert set(raw) >= {"lexical"} and raw["lexical"] > 0  # BM25, higher is better
    assert all(set(h["raw_scores"]) <= set(h["ranks"]) for h in full)  # a score for each ranking it is in
    if "semantic" in raw:  # a cosine, when the collection has vectors
        assert -1.0 <= raw["semantic"] <= 1.0
    # the answering passage removed by a filter (applied before ranking): the best one left tops the
    # fused ranking, normalised to the top, but keeps its own raw scores, below the removed passage's
    others = _search(srv, "commune", filters={"name": ["fes.txt", "rabat.txt"]})
    assert {h["document"]["name"] for h in others} <= {"fes.txt", "rabat.txt"}
    left = others[0]
    name = left["document"]["name"]
    assert left["score"] >= by_name[name]["score"]
    assert left["raw_scores"]["lexical"] == pytest.approx(by_name[name]["raw_scores"]["lexical"])
    assert left["raw_scores"]["lexical"] < raw["lexical"]


def test_another_tenants_uploads_do_not_move_raw_scores(srv: Server) -> None:
    """BM25's document frequencies are the tenant's own: raw scores reveal nothing of another tenant."""
    before = {h["document"]["name"]: h["raw_scores"] for h in _search(srv, "commune")}
    _upload(srv, "other", {f"q{i}.txt": f"جامعة القرويين في فاس، نص رقم {i}." for i in range(6)})
    after = {h["document"]["name"]: h["raw_scores"] for h in _search(srv, "commune")}
    assert after == before


def test_raw_features_of_a_real_search(srv: Server) -> None:
    """The chosen passage's BM25 per question word and its lead over the best other hit: positive on the
    full collection, and the best passage left after a filter leads by less than the answer did."""
    full = _search(srv, "commune")
    words = 5
    got = abstain.raw_features(full, 0, words)
    assert got["bm25"] == pytest.approx(full[0]["raw_scores"]["lexical"] / words)
    assert got["bm25_gap"] > 0
    others = _search(srv, "commune", filters={"name": ["fes.txt", "rabat.txt"]})
    left = abstain.raw_features(others, 0, words)
    assert left["bm25"] < got["bm25"] and left["bm25_gap"] < got["bm25_gap"]
    # a hit without raw scores (a caller's own hits) counts 0, never fails
    bare = [{"chunk": {"text": "x"}}, {"chunk": {"text": "y"}}]
    assert abstain.raw_features(bare, 0, words) == {
        "bm25": 0.0,
        "bm25_gap": 0.0,
        "raw_cosine": 0.0,
        "raw_cosine_gap": 0.0,
    }


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        ("متى تأسست جامعة القرويين؟", "تأسست جامعة القرويين عام 859 في فاس.", 1.0),
        # the year is the question's own: the sentence restates it, it brings no new date
        ("متى تأسست جامعة القرويين عام 859؟", "تأسست جامعة القرويين عام 859 في فاس.", 0.0),
        ("How many people lived in Fez in 2020?", "In 2020 Fez had a large population.", 0.0),
        ("How many people lived in Fez in 2020?", "In 2020 Fez had 1.2 million people.", 1.0),
        ("Who founded the university?", "The university was founded by Fatima al-Fihri.", 1.0),
        ("Is the university old?", "The university was founded in 859.", 0.0),  # untyped
    ],
)
def test_novel_cue(question: str, sentence: str, expected: float) -> None:
    assert abstain.novel_cue(question_type(question), question, sentence) == expected


def test_the_reader_model_is_picked_when_read_and_its_no_answer_probability_counts(srv: Server) -> None:
    """A calibration with the reader's p_none (the sixth round's fit, kept in tests/fixtures: not shipped,
    it lost `contains` held-out) uses that model when the sentence was read, the plain one otherwise,
    and a reader more sure that the sentence holds no answer raises the probability of abstaining, all
    else equal."""
    from siyada.knowledge.extract import Candidate

    cal = abstain.load(Path(__file__).resolve().parent / "fixtures" / "abstain_r6.json")
    assert cal.wants_reader and cal.with_reader is not None
    assert cal.pick(0.3)[0] is cal.with_reader and cal.pick(None)[0] is cal.plain
    hits = _search(srv, "commune")
    text = hits[0]["chunk"]["text"]
    best = Candidate(0, 0, len(text), text, text, cosine=0.85, lexical=0.8, sentence_lexical=0.8)
    values = abstain.features(QUESTION, [best], hits)
    low = cal.with_reader.probability({**values, "p_none": 0.05})
    high = cal.with_reader.probability({**values, "p_none": 0.95})
    assert 0.0 <= low < high <= 1.0
