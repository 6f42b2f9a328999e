"""The shield's work per document, counted rather than timed (issue 19, round 7: the speed margin).

The place and town gazetteers are regex alternations of a few hundred words, read at every position of
every prompt: built as tries, the engine tries one branch per first letter, not one per word. The trie
must match exactly what the plain longest-first alternation matched."""

from __future__ import annotations

import re
import re._parser as sre_parse  # the standard library's own parser: how many branches the engine tries

import pytest

from siyada.privacy import places
from siyada.privacy.name_lexicon import PLACE_CUES_ARABIC, PLACE_CUES_LATIN, PLACE_TOWNS_LATIN
from siyada.privacy.trie_regex import trie_pattern


def _first_branch_width(pattern: re.Pattern[str]) -> int:
    for op, av in sre_parse.parse(pattern.pattern, pattern.flags):
        if op is sre_parse.BRANCH:
            return len(av[1])
    return 1


@pytest.mark.parametrize("name", ["_LATIN_CUE", "_AR_CUE", "_TOWN", "_TOWN_AR"])
def test_gazetteer_patterns_try_one_branch_per_first_letter(name: str) -> None:
    pattern = getattr(places, name)
    width = _first_branch_width(pattern)
    assert width <= 30, (name, width)  # the flat alternations had 40 to 100 branches here


WORDS = sorted({*PLACE_CUES_LATIN, *PLACE_TOWNS_LATIN, "Av", "Ave", "Avenu"}, key=len, reverse=True)


@pytest.mark.parametrize(
    "text",
    [
        " ".join(f"{w} x" for w in WORDS),
        " ".join(WORDS).upper(),
        "".join(WORDS),
        "Avenue Av. Ave Avenu Avenues Bd Boulevard, Complexe sportif Moulay Abdellah; Sidi Bennour.",
    ],
)
def test_trie_matches_what_the_alternation_matched(text: str) -> None:
    flat = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, WORDS)) + r")(?!\w)", re.IGNORECASE)
    trie = re.compile(r"(?<!\w)" + trie_pattern(WORDS, fold_case=True) + r"(?!\w)", re.IGNORECASE)
    assert [m.span() for m in trie.finditer(text)] == [m.span() for m in flat.finditer(text)]
    arabic = sorted({c.split()[0] for c in PLACE_CUES_ARABIC}, key=len, reverse=True)
    ar_text = " و".join(arabic) + " " + "".join(arabic)
    flat_ar = re.compile("(?:" + "|".join(map(re.escape, arabic)) + ")")
    assert [m.span() for m in re.finditer(trie_pattern(arabic), ar_text)] == [
        m.span() for m in flat_ar.finditer(ar_text)
    ]


class _Counted:
    """A compiled pattern that counts its scans."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern, self.scans = pattern, 0

    def finditer(self, text: str):
        self.scans += 1
        return self.pattern.finditer(text)


def test_plate_patterns_scan_only_texts_that_can_hold_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """Three plate patterns need an Arabic letter and one "WW": a Latin-script text scans none of them,
    and still finds its plate."""
    from siyada.privacy import recognisers

    counted = {
        n: _Counted(getattr(recognisers, n))
        for n in ("_PLATE_AR", "_PLATE_AR_RTL", "_PLATE_AR_LOOSE", "_PLATE_WW")
    }
    for name, wrapper in counted.items():
        monkeypatch.setattr(recognisers, name, wrapper)
    found = recognisers.find_plates("Véhicule immatriculé 12345-B-6, facture 2024 de 1200 DH.")
    assert [e.type for e in found] == ["MA_PLATE"]
    assert {n: c.scans for n, c in counted.items()} == dict.fromkeys(counted, 0)
    recognisers.find_plates("السيارة 12345-ب-6 و 123456-WW")
    assert all(c.scans == 1 for c in counted.values())


def test_the_models_vocabulary_is_featurised_when_it_loads() -> None:
    """A prompt made of words the model knows computes no feature view: they were read at load, once."""
    from siyada.privacy import name_model

    tagger = name_model._tagger()
    assert tagger is not None
    view = name_model._model_views(tagger)
    known = frozenset(a for (a, _label), w in tagger.info().state_features.items() if w)
    words = sorted(w for w in name_model.vocabulary(known) if w.isalpha())[:40:4]
    assert len(words) == 10
    misses = view.cache_info().misses
    name_model.find_people_model(" ".join(words))
    assert view.cache_info().misses == misses
    name_model.find_people_model("qwzxv")  # a word no model knows is read on first use
    assert view.cache_info().misses == misses + 1


@pytest.mark.parametrize(
    ("word", "shape"),
    [("Karim", "Xx"), ("BENNANI", "X"), ("m7ammed", "xdx"), ("06-12", "d-d"), ("كريم", "a"), ("ⴽⵔⵉⵎ", "a"),
     ("École", "Xx"), ("l'Ain", "x'Xx"), ("١٢٣", "d")],
)  # fmt: skip
def test_word_shapes(word: str, shape: str) -> None:
    """The shape's fast paths (ASCII by one translate, uncased scripts at once) give the classes the
    per-character reading gives."""
    from siyada.privacy.name_features import _shape

    assert _shape(word) == shape


def test_hostile_long_words_stay_out_of_the_word_caches() -> None:
    """Every per-word cache keeps only words of at most WORD_CACHE_CHARS characters: a client sending
    megabyte-long distinct words would otherwise fill each 65,536-entry cache with gigabytes. The long
    words are still read (a name after them is found)."""
    from siyada.privacy import chat_names, gazetteer, name_features, name_neural
    from siyada.privacy.analyzer import analyze

    caches = [gazetteer.norm, name_features._gazetteer, name_features.word_views, name_features._pieces]
    caches += [chat_names._latin_flags, chat_names._given]
    analyze(" ; M. Karim Bennani")  # loads the models and caches the short words of the text below
    before = [c.cache_info().currsize for c in caches]
    tagger = name_neural.tagger()
    rows = len(tagger._rows) if tagger is not None else 0
    long_words = [("ab" if k % 2 else "بن") * 400 + str(k) for k in range(40)]
    found = analyze(" ".join(long_words) + " ; M. Karim Bennani")
    assert [c.cache_info().currsize for c in caches] == before
    if tagger is not None:
        assert len(tagger._rows) <= rows + 1  # at most the stand-in key a long word's row is read under
        assert all(len(w) <= gazetteer.WORD_CACHE_CHARS for w in tagger._rows)
    assert any(e.type == "PERSON" and e.end - e.start == len("Karim Bennani") for e in found)
