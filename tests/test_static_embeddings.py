"""The static embedding model distilled from e5: vocabulary reading, segmentation, vectors, the fit."""

from __future__ import annotations

import numpy as np
import pytest

from siyada.gateway.backends import static


@pytest.fixture(scope="module")
def model() -> static.StaticEmbedder:
    return static.StaticEmbedder()


def test_the_vocabulary_is_read_from_the_packaged_e5_file() -> None:
    pieces, scores = static.read_vocabulary()
    assert len(pieces) == len(scores) == 250_002
    assert pieces[:4] == ["<s>", "<pad>", "</s>", "<unk>"] and "▁de" in pieces
    assert (scores[4:] <= 0).all() and (scores[4:] < 0).mean() > 0.99  # unigram log-probabilities


def test_vectors_are_unit_length_deterministic_and_empty_text_is_zero(model: static.StaticEmbedder) -> None:
    v = model.embed(["Rabat est la capitale du Maroc.", "", "Rabat est la capitale du Maroc."])
    assert v.shape == (3, 256) and v.dtype == np.float32
    assert abs(np.linalg.norm(v[0]) - 1) < 1e-5 and not v[1].any()
    assert np.array_equal(v[0], v[2])


def test_related_texts_are_closer_than_unrelated_ones(model: static.StaticEmbedder) -> None:
    a, b, c = model.embed(
        [
            "طلب الحصول على شهادة السكنى من المقاطعة",
            "شهادة السكنى تسلمها المقاطعة بعد الطلب",
            "The football match ended with a late goal in the rain.",
        ]
    )
    assert a @ b > a @ c + 0.2


def test_a_word_is_segmented_like_e5_and_tifinagh_is_read_in_latin(model: static.StaticEmbedder) -> None:
    assert 1 <= len(model.rows_of("Maroc")) <= 2
    assert model.rows_of("ⴰⵎⴰⵏ") == model.rows_of("aman")
    assert model.count_tokens(["Rabat", "Fès"]) >= 2


def test_the_fit_moves_sentence_means_towards_their_targets() -> None:
    rng = np.random.default_rng(0)
    truth = rng.normal(size=(50, 8)).astype(np.float32)
    base = truth + rng.normal(scale=1.0, size=truth.shape).astype(np.float32)  # the distilled guess
    rows = [list(rng.choice(50, 4, replace=False)) for _ in range(200)]
    targets = np.array([truth[r].mean(axis=0) for r in rows], dtype=np.float32)
    weights = np.ones(50, dtype=np.float32)

    def loss(v: np.ndarray) -> float:
        return float(sum(((v[r].mean(axis=0) - t) ** 2).sum() for r, t in zip(rows, targets, strict=True)))

    fitted = static.fit_to_sentences(base, rows, targets, weights, ridge=0.001, rounds=40)
    assert loss(fitted) < 0.1 * loss(base)
    # a strong ridge keeps the vectors near where they started
    held = static.fit_to_sentences(base, rows, targets, weights, ridge=1e4, rounds=40)
    assert np.abs(held - base).max() < 0.05
