"""Hybrid fusion: CombSUM of min-max-normalised rankings, the lexical one weighed by query language."""

from __future__ import annotations

from siyada.gateway.backends.embedder import E5Embedder
from siyada.gateway.backends.static import StaticEmbedder
from siyada.knowledge.search import _fuse, lexical_weight
from siyada.lang.analysis import latin_language


def test_fusion_sums_normalised_scores_and_keeps_lexical_order_on_ties() -> None:
    lexical = [(1, 9.0), (2, 5.0), (3, 1.0)]
    semantic = [(2, 0.9), (1, 0.5), (3, 0.1)]
    # 1: 1.0 + 0.5; 2: 0.5 + 1.0; 3: 0 + 0: a tie between 1 and 2 keeps the lexical order.
    assert [c for c, _ in _fuse({"lexical": lexical, "semantic": semantic})] == [1, 2, 3]


def test_a_lighter_lexical_ranking_lets_the_semantic_one_decide() -> None:
    lexical = [(1, 9.0), (2, 5.0), (3, 1.0)]
    semantic = [(2, 0.9), (1, 0.5), (3, 0.1)]
    fused = _fuse({"lexical": lexical, "semantic": semantic}, {"lexical": 0.5})
    assert [c for c, _ in fused] == [2, 1, 3]
    assert fused[0][1] == 1.25 and fused[1][1] == 1.0


def test_english_and_french_queries_weigh_the_lexical_ranking_less_arabizi_more() -> None:
    assert latin_language("What is the capital city of the kingdom?") == "en"
    assert latin_language("Quelle est la durée de conservation des archives ?") == "fr"
    assert latin_language("kifach nakhod chahadat sokna") != "en"
    assert latin_language("شنو هي العاصمة") is None
    e5 = E5Embedder.__new__(E5Embedder)  # the class's declarations; no model is loaded
    static = StaticEmbedder.__new__(StaticEmbedder)
    assert lexical_weight([e5], "en") < 1.0 and lexical_weight([e5], "fr") < 1.0
    assert lexical_weight([e5], None) == 1.0  # Arabic script
    assert lexical_weight([e5], "ary-Latn") > 1.0  # Arabizi: e5 barely reads it, the lexicon does
    # the static model is too weak to lean on in any language, and a mix takes the cautious weight
    assert lexical_weight([static], "en") == lexical_weight([e5, static], "en") == 1.0
