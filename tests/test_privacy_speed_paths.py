"""The analyzer's fast paths give what the full paths give (issue 19: ≥ 20× Presidio, same spans).

Each shortcut is checked against the plain computation it replaces: the pattern recognisers skipped on a
text with no digit or "@" (or too few digits), the CRF's view of a word outside its vocabulary built from
shared runs, the word caches at their bound. And every cache stays bounded under hostile input.
"""

from __future__ import annotations

import gc
import itertools
import re
from pathlib import Path

import httpx
import pytest
from phonenumbers import re_util

from siyada.privacy import gazetteer, name_features, name_model, names, recognisers
from siyada.privacy.analyzer import DEFAULT_THRESHOLD, RECOGNISERS, analyze, resolve_overlaps
from siyada.privacy.markup import load_markup
from siyada.privacy.name_features import OFFSETS, tokens, word_keys, word_parts
from tests.server import Server

FIXTURES = Path(__file__).parent / "fixtures"
NOISE = " ".join(f"zq{k}x lorem-{k * 7} ipsum" for k in range(400))  # long, digits everywhere
TRICKY = [
    "Karim Bennani m'a appelé hier soir.",  # a name, no digit, no "@"
    "ana smiti hamid, kan9elleb 3la khdma f casa",  # Arabizi: digits read as letters, not numbers
    "شكرا لخديجة العلوي على المساعدة",  # Arabic, a proclitic before the name
    "ⴰⵣⵓⵍ ⵏⵏⴽ ⴰ ⵢⵓⴳⵓⵔⵜⵏ ⵜⴰⵎⵓⵔⵜ",  # Tifinagh only
    "rani f zéro six, soixante-trois, quarante-cinq, douze, trente-huit",  # a phone read aloud
    "خمسة وستين، تلاتة وعشرين، سبعة وتمانين",  # read aloud in Darija, no digit
    NOISE + " CIN BE123456 " + NOISE,  # an identifier deep in noise
    NOISE + " écrivez à karim.bennani@example.ma " + NOISE,  # an e-mail deep in noise
    "Mon RIB : 011 780 0000123456789012 34, tél ٠٦٦١٢٤٥٣٨٩",  # Eastern digits, spaced RIB
    "12 mai, 3 pièces, 250 DH",  # only short numbers: no identifier can match
    "x" * 70 + " Youssef El Amrani " + "é" * 70,  # words past the cache length beside a name
    "",
]


def _full(text: str) -> list[tuple[int, int, str, float]]:
    """Every recogniser on every text, as if no shortcut existed (digits translated as analyze does)."""
    from siyada.privacy.analyzer import _TO_ASCII, PATTERN_RECOGNISERS

    digits = text.translate(_TO_ASCII)
    found = [e for rec in PATTERN_RECOGNISERS for e in rec(digits) if e.score >= DEFAULT_THRESHOLD]
    found += [
        e
        for rec in RECOGNISERS
        if rec not in PATTERN_RECOGNISERS
        for e in rec(text)
        if e.score >= DEFAULT_THRESHOLD
    ]
    return [(e.start, e.end, e.type, e.score) for e in resolve_overlaps(found)]


def _spans(text: str) -> list[tuple[int, int, str, float]]:
    return [(e.start, e.end, e.type, e.score) for e in analyze(text)]


@pytest.mark.parametrize("text", TRICKY)
def test_the_gated_analysis_finds_what_every_recogniser_finds(text: str) -> None:
    assert _spans(text) == _full(text)


def test_tricky_texts_find_their_entities() -> None:
    """The comparison above is not between two empty lists."""
    found = {(text[a:b], kind) for text in TRICKY for a, b, kind, _ in _spans(text)}
    assert ("Karim Bennani", "PERSON") in found
    assert ("BE123456", "MA_CIN") in found
    assert ("karim.bennani@example.ma", "EMAIL_ADDRESS") in found
    assert ("Youssef El Amrani", "PERSON") in found


def _model_view():
    tagger = name_model._tagger()
    assert tagger is not None
    known = frozenset(a for (a, _label), w in tagger.info().state_features.items() if w)
    return name_model._model_views(tagger), known


def _filtered(word: str, known: frozenset[str]) -> tuple[tuple[bytes, ...], ...]:
    """The model's view of a word the plain way: every feature built, those it has no weight for
    dropped (what the view computed for every word before its shortcut for new words)."""
    own, near, far = word_parts(word)
    out = [tuple(f.encode() for f in own if f in known)]
    for off in OFFSETS:
        base = near if off in (-1, 1) else far
        out.append(tuple(f"{off}{f}".encode() for f in base if f"{off}{f}" in known))
    return tuple(out)


def test_the_models_view_of_any_word_is_the_plain_filtering() -> None:
    """Words of every fixture set (but the blind one kept for scoring) and odd ones: the view built from
    shared runs for a word outside the vocabulary equals the features filtered one by one."""
    view, known = _model_view()
    texts = [
        d["text"]
        for p in sorted(FIXTURES.glob("pii_*.txt"))
        if "blind3" not in p.name
        for d in load_markup(p)
    ]
    words = {w for text in texts for _, _, w in tokens(text)}
    words |= {"ß", "l3arbi", "el", "L'Ain", "O'Neil", "06-12-13", "١٢٣", "ⵜⵉⵍⵉⵍⵉ", "لـخديجة", "Karim's"}
    words |= {"\x00", "a" * 80, "É" * 65, "x-y.z", "Ü", "ǅ", "ﷺ"}
    assert len(words) > 5000
    vocabulary = name_model.vocabulary(known)
    new = [w for w in words if word_keys(w)[1] not in vocabulary]
    assert len(new) > 1000  # the shortcut is taken, and for many words
    fresh = view.__wrapped__  # not the cache: computed now
    assert [w for w in sorted(words) if fresh(w) != _filtered(w, known)] == []


def test_features_read_each_neighbour_in_order() -> None:
    """The features of a token are its own view then what its neighbours at -2, -1, +1, +2 give, padded
    past either end: the shifted views zipped give the plain indexing, for texts of 0 to many tokens."""
    view, _ = _model_view()
    pad = ((), *(name_features._PAD[off] for off in OFFSETS))
    texts = [d["text"] for d in load_markup(FIXTURES / "pii_wild17.txt")][:200] + TRICKY
    texts += ["", "Karim", "ya Karim", "M. Karim Bennani"]
    for text in texts:
        words = [w for _, _, w in tokens(text)]
        for fn in (view, None):
            v = [pad, pad, *[(fn or name_features.word_views)(w) for w in words], pad, pad]
            plain = [  # the indexing features() did before
                v[i + 2][0] + v[i][1] + v[i + 1][2] + v[i + 3][3] + v[i + 4][4] for i in range(len(words))
            ]
            assert name_features.features(words, fn) == plain, text


def test_label_runs_are_those_of_the_plain_scan() -> None:
    """`_spans` jumps to the labels that are not "O": the same runs (a B or a stray I, then its I's) and
    mean marginals as the plain scan of every label, on every sequence of up to six labels."""

    class Marginals:  # a stand-in for the tagger's marginals: a distinct value per (label, position)
        def marginal(self, label: str, k: int) -> float:
            return "OBI".index(label) / 3 + k / 100

    def plain(labels: list[str]) -> list[tuple[int, int, float]]:
        out, i = [], 0
        while i < len(labels):
            if labels[i] == "O":
                i += 1
                continue
            j = i + 1
            while j < len(labels) and labels[j] == "I":
                j += 1
            probs = [Marginals().marginal(labels[k], k) for k in range(i, j)]
            out.append((i, j, sum(probs) / len(probs)))
            i = j
        return out

    sequences = [list(p) for n in range(7) for p in itertools.product("OBI", repeat=n)]
    assert all(name_model._spans(seq, Marginals()) == plain(seq) for seq in sequences)  # type: ignore[arg-type]
    assert sum(len(plain(seq)) for seq in sequences) > 1000


def test_the_warm_vocabulary_changes_no_span(monkeypatch: pytest.MonkeyPatch) -> None:
    """The everyday words read into the caches at load (`data/warm_words.txt`) only move work earlier:
    fixture texts give the same spans and scores with every cache cold and no warm vocabulary."""
    analyze("M. Karim Bennani")  # loaded, warm vocabulary and all
    warm = name_model._warm_words()
    assert len(warm) > 5000
    view, _ = _model_view()
    assert all(w in view for w in ("Casablanca", "dyal", "ديال", "Mohammed"))  # read at load, not on demand
    texts = [d["text"] for p in sorted(FIXTURES.glob("pii_*.txt")) for d in load_markup(p)][::6]
    assert len(texts) > 1500
    with_warm = [_spans(t) for t in texts]
    kinds = (gazetteer._WordCache, gazetteer._OneWord)
    monkeypatch.setattr(name_model, "_warm_words", list)
    try:
        name_model._VIEWS.clear()
        for cache in [o for o in gc.get_objects() if type(o) in kinds]:
            cache.cache_clear()
        assert "Casablanca" not in _model_view()[0]  # cold: the model's own (lower-case) vocabulary only
        cold = [_spans(t) for t in texts]
    finally:
        name_model._VIEWS.clear()  # the next reader loads the view afresh, warm vocabulary and all
    assert cold == with_warm
    assert sum(map(len, cold)) > 1000  # the comparison is not between empty lists


def test_word_caches_are_bounded_and_keep_values() -> None:
    calls: list[str] = []

    @gazetteer.word_cache(maxsize=8)
    def upper(word: str) -> str:
        calls.append(word)
        return word.upper()

    words = [f"w{k}" for k in range(100)]
    assert [upper(w) for w in words] == [w.upper() for w in words]
    assert upper.cache_info().currsize <= 8  # type: ignore[attr-defined]
    assert upper("w99") == "W99" and calls.count("w99") == 1  # the newest half is kept
    long_word = "b" * (gazetteer.WORD_CACHE_CHARS + 1)
    before = upper.cache_info().currsize  # type: ignore[attr-defined]
    assert upper(long_word) == long_word.upper() and upper(long_word) == long_word.upper()
    assert calls.count(long_word) == 2 and upper.cache_info().currsize == before  # type: ignore[attr-defined]

    @gazetteer.word_cache(maxsize=4)
    def pair(word: str, script: str) -> str:
        return f"{word}/{script}"

    assert [pair(f"w{k}", "lat") for k in range(50)] == [f"w{k}/lat" for k in range(50)]
    assert pair.cache_info().currsize <= 4  # type: ignore[attr-defined]


def test_every_privacy_cache_stays_bounded_and_gives_the_same_spans(monkeypatch: pytest.MonkeyPatch) -> None:
    """Thousands of distinct hostile words with every word cache cut to 64 entries: no cache grows past
    its bound (evictions all the time) and the spans are those found with the caches roomy."""
    analyze("M. Karim Bennani")  # the models and their caches are loaded
    hostile = " ".join(f"{c}q{k}{'-x' * (k % 4)}" for k in range(3000) for c in "aZ") + " ; M. Karim Bennani"
    roomy = _spans(hostile)
    kinds = (gazetteer._WordCache, gazetteer._OneWord)  # by exact type: isinstance reads torch's proxies
    caches = [o for o in gc.get_objects() if type(o) in kinds]
    assert len(caches) >= 10  # norm, the lexicon flags, the views, the tokenizer's cuts, the chat rules'…
    try:
        for cache in caches:
            monkeypatch.setattr(cache, "maxsize", 64)
            cache.cache_clear()  # every word is then a miss, read into a cache at its bound
        assert _spans(hostile) == roomy
        assert all(len(cache) <= 64 for cache in caches)
    finally:
        name_model._VIEWS.clear()  # the next reader loads the model's view afresh, vocabulary and all
    assert any(t == "PERSON" and b - a == len("Karim Bennani") for a, b, t, _ in roomy)


# Inputs where a cue is another's start, is followed by a colon or a line break, is cased oddly, or sits
# inside a word: the trie must give the plain list's match at each of them.
CUE_TEXTS = [
    "ana smiti Hamid, m3ak brahim w m3a karim; KHALTI fatima, khali said, 3amti zineb 3ami ali",
    "NIÈCE salma, nièce  sara, neveu:omar, Demandeur Youssef, demandeuse nadia, l amine, lamine ya 3zizi",
    "a nawal, wa hassan! ana nawal, wa 3lach? a l'école, Salam Amine, Hi Mehdi\nsi mohamed dyal",
    "الاسم الكامل : فاطمة الزهراء، الاسم: سعيد، المدعي محمد والمدعية خديجة، المدعى عليه رشيد",
    "المريضة سناء، المريض  أحمد، الزبونة: هند، بالسيدة نجاة، بالسيد عمر، ماما ديال ياسين، والسي علي",
    "أنا كريم، آ خديجة، يا سعيد، ديال مريم، باسم ليلى، ابنها يوسف، بالحاجة فاطمة، الدكتور بناني\nمع عمر",
    "خويا ياسين وختي سلمى ولالة زينب وللا رقية، طرف: عادل، سميتي هشام سميتو أيوب",
]


@pytest.mark.parametrize(
    ("trie", "words", "before", "after", "flags"),
    [
        ("_CHAT_CUE", "_CHAT_CUES", r"(?<![\w])(?:", r"|(?:a|wa)(?=\s+[^\W\d_]+\s?[,!?]))\s+", re.IGNORECASE),
        ("_CUED_ARABIC", "_CUES_ARABIC", r"(?<![\u0600-\u06FF])(?:", r")\s*:?\s+", 0),
        ("_LONE_CUE_ARABIC", "_LONE_CUES_ARABIC", r"(?<![\u0600-\u06FF])(?:", r")\s+", 0),
    ],
)
def test_cue_tries_match_what_the_plain_lists_match(
    trie: str, words: str, before: str, after: str, flags: int
) -> None:
    """The cue regexes are tries (one branch per first letter): at every position they match what the
    plain alternation of the same words, in the order written, matches."""
    plain = re.compile(before + getattr(names, words) + after, flags)
    fast = getattr(names, trie)
    found = 0
    for text in CUE_TEXTS + TRICKY:
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)], text
        found += len(plain.findall(text))
    assert found >= 5  # the comparison is not between empty lists


PLATE_TEXTS = [
    "12345-A-6 au début, 12345 | ب | 6, x12345-A-6, -12345-A-6, /12345-A-6, .12345-A-6, 1234567-A-6",
    "la voiture 38412 waw 1 et 12345 alif, 6; 7 ba 12; 123456 ب 40 / 12345/ب/6 و 99 ٠١٢٣٤ ب ٦",
    "12345 d 52, 67919 ww 72, 4415-WW-1, a1 2345 ب 6, 2024-01-05 - 3 و 11, 999999 ج 89 99999 ج 0",
    "سيارة 54321-د-12 و 8765 - أ - 3، x9876-ب-4",
]


@pytest.mark.parametrize("name", ["_PLATE_AR", "_PLATE_LAT", "_PLATE_SPOKEN", "_PLATE_AR_LOOSE"])
def test_plate_patterns_opening_on_a_digit_match_the_lookbehind_form(name: str) -> None:
    """A plate's number is written first digit first (the engine skips to digits): the same matches and
    groups as the lookbehind written before the number, at a text's start and after every separator."""
    fast = getattr(recognisers, name)
    plain = re.compile(
        r"(?<![\w\-|/.])(\d{1,6})" + fast.pattern[len(recognisers._PLATE_NUMBER) :], fast.flags
    )
    found = 0
    for text in PLATE_TEXTS + TRICKY:
        got = [(m.span(), m.groups()) for m in fast.finditer(text)]
        assert got == [(m.span(), m.groups()) for m in plain.finditer(text)], text
        found += len(got)
    assert found >= 2


def test_phone_patterns_cache_holds_metadata_only() -> None:
    """The recognisers keep phonenumbers' compiled patterns (read at import for the usual countries):
    thousands of hostile numbers from every country code add at most the patterns of the countries they
    name, never a text; and a number of a country read at import is found as before."""
    analyze("+34 612 34 56 78")
    start = len(re_util._COMPILED_PATTERNS or {})
    assert start > 100  # read at import: Morocco, the diaspora's countries, the NANP
    numbers = (
        f"+{cc} {k % 97:02d} {k:04d} {k * 7 % 10000:04d}" for k in range(3000) for cc in (1, 33, 86, 999)
    )
    hostile = " ; ".join(numbers)
    _spans(hostile)
    cached = re_util._COMPILED_PATTERNS or {}
    assert len(cached) < 5000  # all of phonenumbers' metadata is fewer patterns than this
    assert not any(f"{k:04d} " in key for key in cached for k in (1234, 2999))
    assert ("+34 612 34 56 78", "PHONE_NUMBER") in {
        (text[a:b], t) for text in ["appelez le +34 612 34 56 78 demain"] for a, b, t, _ in _spans(text)
    }


def test_the_api_finds_what_the_full_path_finds(server: Server, admin_key: str) -> None:
    """Through the real server (its worker processes, their own caches), the tricky texts give the spans
    of the ungated in-process analysis."""
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {admin_key}"}) as client:
        for text in TRICKY:
            r = client.post("/v1/privacy/analyze", json={"text": text})
            assert r.status_code == 200, r.text
            got = [(d["start"], d["end"], d["type"], d["score"]) for d in r.json()["data"]]
            assert got == [(a, b, t, round(s, 3)) for a, b, t, s in _full(text)]
