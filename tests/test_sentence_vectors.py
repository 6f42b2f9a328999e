"""Per-sentence vectors: how passages are cut into sentences for embedding, what ingestion stores, and
how dense candidates are rescored by their best sentence."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa

from siyada.governance.tenants import create_tenant
from siyada.knowledge.service import Knowledge
from siyada.lang.sentences import embedding_sentences, sentence_spans
from siyada.store.db import open_store
from siyada.store.tables import chunks

FIRST = "Amber basil cedar dahlia elder fennel."
SECOND = "Garlic hazel iris juniper kale lemon."
THIRD = "Mango nutmeg olive pepper quince rose."


class BagOfWords:
    """A tiny embedding model built by the test: one dimension per word, counts, L2-normalised."""

    dim = 64

    def __init__(self, sentence_vectors: bool) -> None:
        self.sentence_vectors = sentence_vectors
        self.vocab: dict[str, int] = {}
        self.calls: list[list[str]] = []

    def embed(self, texts: list[str], input_type: str = "query") -> np.ndarray:
        self.calls.append(list(texts))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                out[row, self.vocab.setdefault(word, len(self.vocab))] += 1.0
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def test_a_passage_is_cut_at_sentence_ends_and_short_pieces_join_a_neighbour() -> None:
    text = f"Art. 3. {FIRST} {SECOND} Fin."
    assert embedding_sentences(text) == [f"Art. 3. {FIRST}", f"{SECOND} Fin."]
    arabic = "المادة 5: يجب على الطالب أن يقدم نسخة من البطاقة. ثم يؤدي الرسوم المقررة قانونا؟"
    assert embedding_sentences(arabic) == [
        "المادة 5: يجب على الطالب أن يقدم نسخة من البطاقة.",
        "ثم يؤدي الرسوم المقررة قانونا؟",
    ]
    assert embedding_sentences("Une seule phrase") == ["Une seule phrase"]
    assert [arabic[s:e] for s, e in sentence_spans(arabic)] == embedding_sentences(arabic, min_chars=1)


def _knowledge(tmp_path: Path, embedder: BagOfWords, sentence_vectors: bool = True):  # type: ignore[no-untyped-def]
    engine = open_store(f"sqlite:///{tmp_path / 'k.db'}")
    tenant = create_tenant(engine, "t")
    kn = Knowledge(engine, lambda name: embedder, None, "bag", sentence_vectors)
    kn.create_collection(tenant.id, "c")
    return engine, tenant, kn


def _ingest(kn, tenant, texts: list[str]) -> None:  # type: ignore[no-untyped-def]
    blob = "\n".join(json.dumps({"text": t, "n": i}) for i, t in enumerate(texts))
    kn.ingest(tenant.id, tenant.name, "c", blob.encode(), "docs.jsonl")


@pytest.mark.parametrize(("wanted", "configured"), [(True, True), (False, True), (True, False)])
def test_ingestion_stores_one_vector_per_sentence_only_for_models_that_want_them(
    tmp_path: Path, wanted: bool, configured: bool
) -> None:
    model = BagOfWords(sentence_vectors=wanted)
    engine, tenant, kn = _knowledge(tmp_path, model, sentence_vectors=configured)
    _ingest(kn, tenant, [f"{FIRST} {SECOND} {THIRD}", FIRST])
    with engine.connect() as conn:
        rows = conn.execute(sa.select(chunks.c.text, chunks.c.sentence_vectors).order_by(chunks.c.id)).all()
    stored = {r.text: r.sentence_vectors for r in rows}
    assert stored[FIRST] is None  # a single sentence is its own chunk vector
    many = stored[f"{FIRST} {SECOND} {THIRD}"]
    if not (wanted and configured):  # the model does not want them, or [knowledge] turned them off
        assert many is None
        return
    got = np.frombuffer(many, dtype="<f2").reshape(-1, model.dim).astype(np.float32)
    expected = model.embed([FIRST, SECOND, THIRD])
    np.testing.assert_allclose(got, expected, atol=1e-3)


def test_a_chunk_holding_the_query_as_one_sentence_outranks_a_closer_pooled_vector(tmp_path: Path) -> None:
    model = BagOfWords(sentence_vectors=True)
    engine, tenant, kn = _knowledge(tmp_path, model)
    answer = f"{FIRST} {SECOND} {THIRD}"  # pooled cosine with SECOND: 1/sqrt(3), best sentence 1
    near = "Garlic hazel iris juniper and a tulip."  # pooled cosine 4/sqrt(6·7) = 0.617 > 0.577
    _ingest(kn, tenant, [answer, near])
    q = model.embed([SECOND])[0]
    with engine.connect() as conn:
        pooled = {
            r.text: float(np.frombuffer(r.vector, dtype="<f4") @ q)
            for r in conn.execute(sa.select(chunks.c.text, chunks.c.vector))
        }
    assert pooled[near] > pooled[answer]  # without the sentences, the other chunk would come first
    hits = kn.search(tenant.id, tenant.name, ["c"], SECOND, 2, "semantic")
    assert [h["chunk"]["text"] for h in hits] == [answer, near]
    assert hits[0]["score"] == pytest.approx((1 / 3**0.5 + 1) / 2, abs=2e-3)
    assert hits[1]["score"] == pytest.approx(pooled[near], abs=1e-4)
