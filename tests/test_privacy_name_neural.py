"""The character-aware PERSON tagger: its numpy reading is the torch network's, it ships small, its work
is bounded on any input, and combined with the CRF and the rules it finds names no list holds (Arabizi,
Tifinagh) while leaving places named after people alone."""

from __future__ import annotations

import numpy as np
import pytest

from siyada.privacy import name_neural
from siyada.privacy.analyzer import analyze
from siyada.privacy.name_features import _gazetteer, _script, tokens
from siyada.privacy.name_neural import (
    MAX_TOKENS,
    MODEL_PATH,
    STRIDE,
    NeuralTagger,
    find_people_neural,
    tagger,
)

TEXTS = [
    "Bonjour Mme Khadija Ait Ouaziz, merci pour votre retour.",
    "salam a khouya l3arbi, 7mida gal lik ghadi yji m3a sa3a",
    "ⵉⵏⵏⴰ ⵢⴰⵙ ⵉⴷⵉⵔ ⴰⵎⵣⵢⴰⵏ ⴰⴷ ⴷ ⵢⴰⵙ ⵙⴳ ⵜⵉⵣⵏⵉⵜ",
    "جا عند سي محمد البقال وقال ليه راه الحساب سالا",
    "",
]


def _people(text: str) -> list[str]:
    return [text[e.start : e.end] for e in analyze(text) if e.type == "PERSON"]


def test_weights_ship_small_in_half_precision() -> None:
    assert MODEL_PATH.exists()
    assert MODEL_PATH.stat().st_size <= 5_000_000
    with np.load(MODEL_PATH) as z:
        assert {z[k].dtype for k in z.files if k != "chars"} == {np.dtype(np.float16)}


def test_numpy_reading_matches_the_torch_network() -> None:
    torch = pytest.importorskip("torch")
    from siyada.privacy.name_neural_train import Words, load_torch

    numpy_model = NeuralTagger(MODEL_PATH)
    torch_model = load_torch(MODEL_PATH)
    for text in TEXTS[:-1]:
        words = [w for _, _, w in tokens(text)]
        distinct = sorted(set(words))
        table = Words(distinct, numpy_model.vocab)
        with torch.no_grad():
            vectors = torch_model.words(table.chars, table.lengths, table.flags, table.hashes)
            index = torch.tensor([[distinct.index(w) for w in words]])
            logits = torch_model(vectors, index, torch.ones(1, len(words)))
        expected = torch.softmax(logits, -1)[0].numpy()
        got = numpy_model.probabilities(words)
        assert got.shape == (len(words), 3)
        assert np.abs(got - expected).max() < 1e-4, text


def test_work_is_bounded_per_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 100 KB text is read in windows of at most MAX_TOKENS words, about n / stride of them, and no
    name at a window's edge is lost or found twice."""
    model = tagger()
    assert model is not None
    calls: list[int] = []
    real = model.probabilities

    def counting(words: list[str]) -> np.ndarray:
        calls.append(len(words))
        return real(words)

    monkeypatch.setattr(model, "probabilities", counting)
    text = "Karim Bennani a vu Salma hier. " * 3300
    assert len(text) >= 100_000
    n = len(tokens(text))
    spans = find_people_neural(text)
    assert max(calls) <= MAX_TOKENS
    assert len(calls) <= n // STRIDE + 2
    assert sum(calls) <= n * MAX_TOKENS // STRIDE + MAX_TOKENS
    starts = [e.start for e in spans]
    assert starts == sorted(set(starts))
    assert sum(text[e.start : e.end] == "Karim Bennani" for e in spans) == 3300


def test_hostile_text_is_read_without_error() -> None:
    """Long words, control characters, lone surrogates' neighbours, emoji: bounded, no exception."""
    text = "x" * 5000 + " \u0000\u200f🙂 " + "ⵣ" * 300 + " ا" * 400 + " Ⅻ ß ǅ"
    probs = name_neural.token_probabilities(tokens(text), tagger())  # type: ignore[arg-type]
    assert probs.shape[1] == 3
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-4)
    assert find_people_neural("") == []


# Names no list of the project holds (checked below), in sentences written for this test: the
# character-aware tagger reads them by their letters where the CRF, which leans on the lists, does not.
UNSEEN = [
    ("salam 7ssouna, rani f tri9 daba ghadi nwsal", "7ssouna"),
    ("ⴰⵣⵓⵍ ⴰ ⵢⵓⴳⵓⵔⵜⴻⵏ, ⵎⴰⵏⵣⴰⴽⵉⵏ?", "ⵢⵓⴳⵓⵔⵜⴻⵏ"),
    ("khti Ouissal tsalat lbac had l3am", "Ouissal"),
    ("gouli l R7ima tjib lkhobz m3aha", "R7ima"),
    ("ana w Lh9ir ghadi nmchiw l match", "Lh9ir"),
]


@pytest.fixture
def combined(monkeypatch: pytest.MonkeyPatch) -> None:
    """The neural tagger's combination with the CRF, opt-in (name_combined.MODE is "crf" by default)."""
    from siyada.privacy import name_combined

    monkeypatch.setattr(name_combined, "MODE", "add")


@pytest.mark.usefixtures("combined")
@pytest.mark.parametrize(("text", "name"), UNSEEN)
def test_unseen_arabizi_and_tifinagh_names_are_found(text: str, name: str) -> None:
    assert not {"g", "f"} & set(_gazetteer(name, _script(name)))  # no list knows it
    assert name in _people(text), analyze(text)


@pytest.mark.parametrize(
    "text",
    [
        "Le rendez-vous est à l'hôpital Ibn Sina, avenue Allal El Fassi.",
        "nt9ablo f lycée Moulay Youssef m3a 10",
        "ساكن ف شارع عبد الكريم الخطابي حدا مستشفى ابن رشد",
        "Rendez-vous au boulevard Abdelmoumen puis à la clinique Avicenne.",
    ],
)
def test_places_named_after_people_are_not_people(combined: None, text: str) -> None:
    assert _people(text) == []


def test_threads_share_the_word_cache_safely() -> None:
    """Four threads reading at once, with a cache too small for their words (rows reused all the
    time), each get the probabilities they get alone."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(name_neural, "CACHE_WORDS", 24)  # a text has under 24 words; four at once have more
        model = NeuralTagger(MODEL_PATH)
    texts = [f"{t} {k} Hamid{k} Bennani{k}" for k in range(40) for t in TEXTS[:-1]]
    alone = [model.probabilities([w for _, _, w in tokens(t)]) for t in texts]
    barrier = threading.Barrier(4)

    def read(offset: int) -> bool:
        barrier.wait()
        order = texts[offset:] + texts[:offset]
        got = [model.probabilities([w for _, _, w in tokens(t)]) for t in order]
        expected = alone[offset:] + alone[:offset]
        return all(np.allclose(g, e, atol=1e-6) for g, e in zip(got, expected, strict=True))

    import sys

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads switch between almost every bytecode: races show
    try:
        with ThreadPoolExecutor(4) as pool:
            assert all(pool.map(read, (0, 40, 80, 120)))
    finally:
        sys.setswitchinterval(interval)


@pytest.mark.parametrize(
    "text", ["passport renewal at the office", "'=HYPERLINK(\"http://evil.example\") Où déclarer un chien ?"]
)
def test_ordinary_words_are_not_people_by_default(text: str) -> None:
    """Why the combination is off by default: the neural tagger alone calls these words names."""
    assert _people(text) == []

