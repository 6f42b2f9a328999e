"""Hybrid fusion: CombSUM of min-max-normalised rankings, the semantic ranking weighed, passage by
passage, by what its model reads of the query and of the passage."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import ClassVar

import numpy as np

from siyada.gateway.backends.embedder import E5Embedder
from siyada.gateway.backends.static import StaticEmbedder
from siyada.governance.tenants import create_tenant
from siyada.knowledge.fusion import fuse, passage_weights, query_reading, readings_of
from siyada.knowledge.service import Knowledge
from siyada.store.db import open_store


def test_fusion_sums_normalised_scores_and_keeps_lexical_order_on_ties() -> None:
    lexical = [(1, 9.0), (2, 5.0), (3, 1.0)]
    semantic = [(2, 0.9), (1, 0.5), (3, 0.1)]
    # 1: 1.0 + 0.5; 2: 0.5 + 1.0; 3: 0 + 0: a tie between 1 and 2 keeps the lexical order.
    assert [c for c, _ in fuse({"lexical": lexical, "semantic": semantic})] == [1, 2, 3]


def test_a_heavier_semantic_passage_lets_the_semantic_ranking_decide() -> None:
    lexical = [(1, 9.0), (2, 5.0), (3, 1.0)]
    semantic = [(2, 0.9), (1, 0.5), (3, 0.1)]
    fused = fuse({"lexical": lexical, "semantic": semantic}, None, {"semantic": {1: 2.0, 2: 2.0, 3: 2.0}})
    assert [c for c, _ in fused] == [2, 1, 3]
    assert fused[0][1] == 2.5 and fused[1][1] == 2.0
    # a passage the model cannot read keeps only its lexical score
    fused = fuse({"lexical": lexical, "semantic": semantic}, None, {"semantic": {1: 1.0, 2: 0.0}})
    assert dict(fused) == {1: 1.5, 2: 0.5, 3: 0.0}


def test_e5_reads_english_and_french_best_arabic_fairly_arabizi_and_tifinagh_not() -> None:
    e5 = readings_of([E5Embedder.__new__(E5Embedder)])  # the class's declarations; no model is loaded
    assert e5 is not None
    english = query_reading(e5, "What is the capital city of the kingdom?")
    french = query_reading(e5, "Quelle est la durée de conservation des archives ?")
    arabic = query_reading(e5, "ما هي مدة حفظ الوثائق في الأرشيف الإداري؟")
    assert english > 1.0 and french > 1.0 and arabic == 1.0
    assert query_reading(e5, "kifach nakhod chahadat sokna") == 0.0  # Arabizi
    assert query_reading(e5, "ⵜⴰⵙⵎⴷⴰⵢⵜ ⵜⴰⵎⵉⵔⵉⴽⴰⵏⵜ") == 0.0  # Tifinagh
    # numbers are read alike by both sides: they neither lift an unread query nor dilute a read one
    assert query_reading(e5, "ⵜⴰⵙⵎⴷⴰⵢⵜ ⵜⴰⵎⵉⵔⵉⴽⴰⵏⵜ 1893 1993") == 0.0
    assert query_reading(e5, "Born in 1893, died in 1993?") == english and query_reading(e5, "1993") == 1.0
    # a mixed query is read in part: two Arabizi words, two French ones
    assert query_reading(e5, "bghit nakhod la carte nationale") < french
    # the passage side: Arabic read, Tifinagh not, a mix by its share, capped at 1 (a passage is read or not)
    weights = passage_weights(
        e5,
        arabic,
        {1: "كانت غيش نجمة سينمائية بارزة", 2: "ⵜⴽⴰⵜⵜⵉⵏ ⵜⴳⴰ ⵜⴰⵙⵎⴷⴰⵢⵜ", 3: "ⵜⴰⵙⵎⴷⴰⵢⵜ ⵜⴰⵎⵉⵔⵉⴽⴰⵏⵜ 1912 1993"},
    )
    assert weights[1] == 1.0 and weights[2] == 0.0 and weights[3] == 0.5
    assert passage_weights(e5, english, {1: "The archives are kept ten years."})[1] == english


def test_a_model_that_declares_no_reading_is_fused_at_one_weight() -> None:
    static = StaticEmbedder.__new__(StaticEmbedder)  # weak in every language: it declares nothing
    assert readings_of([static]) is None and readings_of([E5Embedder.__new__(E5Embedder), static]) is None


# A hybrid search through the real ingestion and search code, with a model built by the test that, as
# e5, cannot read Tifinagh: every Tifinagh word is one unknown piece to it, so its cosine favours
# whatever passage is most purely Tifinagh, not the one that answers.
QUERY = "ⵜⴰⵙⵎⴷⴰⵢⵜ ⵜⴰⵎⵉⵔⵉⴽⴰⵏⵜ ⵓⵙⵉⵏⴰⵔⵢⵓ"
ANSWER = "ⵜⴰⵙⵎⴷⴰⵢⵜ ⵜⴰⵎⵉⵔⵉⴽⴰⵏⵜ ⵓⵙⵉⵏⴰⵔⵢⵓ (Lillian Diana Gish, October 14, 1893 - February 27, 1993)"
DOCS = [
    ANSWER,  # every word of the query, and the most Latin
    "ⵜⴰⵙⵎⴷⴰⵢⵜ ⵜⴰⵎⵉⵔⵉⴽⴰⵏⵜ ⵜⴰⵎⵇⵔⴰⵏⵜ",  # two words of the query, and nothing but Tifinagh
    "ⵓⵙⵉⵏⴰⵔⵢⵓ ⴰⵎⴰⵢⵏⵓ ⵏⵏⵉⴹⵏ 2001",  # one word of the query
    "ⴰⴼⵉⵍⵎ ⵏⵏⴰⵢⵏ ⵏ Griffith",
    "ⴰⵎⵙⵙⵓⴼⵖ ⵏ ⵓⴼⵉⵍⵎ ⵏ 1915",
]


class UnknownTifinagh:
    """Bag of words, every Tifinagh word mapped to one unknown piece."""

    dim = 64
    reading: ClassVar[dict[str, float]] = {"tfng": 0.0}  # and it says so, as e5 does

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}

    def embed(self, texts: list[str], input_type: str = "query") -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                piece = "<unk>" if re.search("[\u2d30-\u2d7f]", word) else word
                out[row, self.vocab.setdefault(piece, len(self.vocab))] += 1.0
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def test_a_tifinagh_query_is_not_pulled_below_lexical_search_by_a_model_that_cannot_read_it(
    tmp_path: Path,
) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 'k.db'}")
    tenant = create_tenant(engine, "t")
    model = UnknownTifinagh()
    kn = Knowledge(engine, {"unk": model}.get, None, "unk")
    kn.create_collection(tenant.id, "c")
    blob = "\n".join(json.dumps({"text": t}, ensure_ascii=False) for t in DOCS)
    kn.ingest(tenant.id, tenant.name, "c", blob.encode(), "docs.jsonl")

    def top(mode: str) -> list[str]:
        return [h["chunk"]["text"] for h in kn.search(tenant.id, tenant.name, ["c"], QUERY, 3, mode)]  # type: ignore[arg-type]

    assert top("lexical")[0] == ANSWER
    assert top("semantic")[0] == DOCS[1]  # the model's noise: the purest Tifinagh passage
    # Fused at a fixed weight, that noise put DOCS[1] first; unread, the query keeps the lexical order.
    assert top("hybrid") == top("lexical")
