"""The two learned PERSON readers as one: the CRF (:mod:`siyada.privacy.name_model`) and the
character-aware tagger (:mod:`siyada.privacy.name_neural`), combined before the rules see them
(:func:`siyada.privacy.people.find_all_people` reads :func:`find_people_learned`).

``MODE`` says how, chosen by measurement (``bench/person_neural.py``, docs/privacy.md):

- ``"crf"``: the CRF alone (the neural tagger is not read);
- ``"add"`` (the default): the CRF's spans, plus the neural spans it has no span over where the neural
  probability reaches ``ADD_MIN``; where spans of the two overlap, the neural reading replaces the CRF's
  when all its spans reach ``REPLACE_MIN`` and all the CRF's are under ``REPLACE_CRF_UNDER``. A neural
  span ending on a particle, or a lone kin word, is not trusted (the CRF's reading stays);
- ``"average"``: per token, the CRF's marginal probabilities of O/B/I and the neural ones averaged with
  weight ``CRF_WEIGHT``, then decoded and scored the same way (mean probability of the labels read).
"""

from __future__ import annotations

import re
from typing import Literal

import numpy as np

from siyada.privacy import entities as T
from siyada.privacy.entities import Entity
from siyada.privacy.gazetteer import word_cache
from siyada.privacy.name_features import Token, _gazetteer, _script, features, tokens
from siyada.privacy.name_lexicon import KIN_WORDS
from siyada.privacy.name_model import _model_views, _tagger, find_people_model
from siyada.privacy.name_neural import (
    LABELS,
    MAX_TOKENS,
    find_people_neural,
    kept,
    spans,
    tagger,
    token_probabilities,
    windows,
)

Mode = Literal["crf", "add", "average"]
# "crf" by default: with "add" the neural tagger also calls ordinary words names at >= 0.9 ("passport
# renewal at the office", "=HYPERLINK(...)": caught by the API tests of rerank and the widget's CSV), which
# the name-laden blind sets barely penalise, and it doubles the analyzer's first-pass CPU.
MODE: Mode = "crf"
ADD_MIN = 0.9
REPLACE_MIN = 0.9  # 2.0: never
REPLACE_CRF_UNDER = 0.9
CRF_WEIGHT = 0.5


def crf_marginals(toks: list[Token]) -> np.ndarray | None:
    """The CRF's P(O), P(B), P(I) per token (windows as the neural reader's: same stride)."""
    crf = _tagger()
    if crf is None:
        return None
    view = _model_views(crf)
    out = np.zeros((len(toks), 3), dtype=np.float32)
    for start in windows(len(toks)):
        window = toks[start : start + MAX_TOKENS]
        crf.set(features([w for _, _, w in window], view))
        first, last = kept(start, len(window), len(toks))
        out[start + first : start + last] = [
            [crf.marginal(lab, k) for lab in LABELS] for k in range(first, last)
        ]
    return out


def _added(crf: list[Entity], neural: list[Entity], untrusted: list[Entity]) -> list[Entity]:
    """The CRF's spans and the sure neural ones over words it left alone; where the two overlap (a
    chain of overlapping spans, read as one group), the neural reading replaces the CRF's when every
    neural span of the group reaches ``REPLACE_MIN`` and every CRF span is under ``REPLACE_CRF_UNDER``.
    An ``untrusted`` neural span is never added and keeps the CRF's reading of its group."""
    tagged = sorted([(e, 0) for e in crf] + [(e, 1) for e in neural] + [(e, 2) for e in untrusted],
                    key=lambda t: t[0].start)  # fmt: skip
    out: list[Entity] = []
    group: list[tuple[Entity, int]] = []
    end = -1
    for e, source in [*tagged, (Entity(1 << 62, 1 << 62, T.PERSON, 0.0), 3)]:  # a sentinel ends the last
        if group and e.start >= end:
            out += _resolved(group)
            group = []
        group.append((e, source))
        end = max(end, e.end) if len(group) > 1 else e.end
    return out


def _resolved(group: list[tuple[Entity, int]]) -> list[Entity]:
    crf = [e for e, source in group if source == 0]
    neural = [e for e, source in group if source == 1]
    if len(neural) + len(crf) < len(group):  # an untrusted neural span: the CRF speaks
        return crf
    if not crf:
        return [e for e in neural if e.score >= ADD_MIN]
    if all(e.score >= REPLACE_MIN for e in neural) and all(e.score < REPLACE_CRF_UNDER for e in crf):
        return neural
    return crf


def _averaged(text: str) -> list[Entity]:
    toks = tokens(text)
    model = tagger()
    crf = crf_marginals(toks)
    if model is None or crf is None:
        return find_people_model(text)
    probs = CRF_WEIGHT * crf + (1 - CRF_WEIGHT) * token_probabilities(toks, model)
    return [Entity(toks[i][0], toks[j - 1][1], T.PERSON, round(p, 3)) for i, j, p in spans(probs)]


# Darija possessive suffixes: "خوها" (her brother), "ختو", "عمهم" are kin words as "خويا", "ختي", "عمي" are.
_SUFFIX = re.compile(r"(?:ها|هم|كم|نا|يا|ه|و|ي|ك)$")
_KIN_STEMS = frozenset(stem for w in KIN_WORDS if not w.isascii() and len(stem := _SUFFIX.sub("", w)) >= 2)


def _a_kin_word(word: str) -> bool:
    """A kin word, with or without a possessive suffix: never a name alone (the neural model, which has
    met "خويا" but not "خوها", reads the latter after a name and "و" as a second name)."""
    return word in KIN_WORDS or (len(stem := _SUFFIX.sub("", word)) >= 2 and stem in _KIN_STEMS)


def _untrusted(text: str, e: Entity) -> bool:
    value = text[e.start : e.end]
    return _ends_on_a_link(text, e) or (" " not in value and _a_kin_word(value))


def _ends_on_a_link(text: str, e: Entity) -> bool:
    """A span ending on a particle ("أيوب ولد", "Khadija Ait") has lost the name after it: the neural
    model's boundary is wrong there, and the CRF's features (which name the particles) read it better."""
    cut = text.rfind(" ", e.start, e.end)  # -1 for a one-word span: no particle ends it
    return cut >= 0 and cut + 1 < e.end and _a_particle(text[cut + 1 : e.end])


@word_cache(maxsize=4096)
def _a_particle(word: str) -> bool:
    return "part" in _gazetteer(word, _script(word))


def find_people_learned(text: str) -> list[Entity]:
    """PERSON spans of the learned models, scored by probability (the CRF alone where MODE is "crf")."""
    if not text:
        return []
    if MODE == "average":
        return _averaged(text)
    if MODE == "add":
        toks = tokens(text)  # read once for both models
        neural = find_people_neural(text, toks=toks)
        flags = [_untrusted(text, e) for e in neural]
        trusted = [e for e, bad in zip(neural, flags, strict=True) if not bad]
        untrusted = [e for e, bad in zip(neural, flags, strict=True) if bad]
        return _added(find_people_model(text, toks), trusted, untrusted)
    return find_people_model(text)
