"""The two learned PERSON readers as one: the CRF (:mod:`siyada.privacy.name_model`) and the
character-aware tagger (:mod:`siyada.privacy.name_neural`), combined before the rules see them
(:func:`siyada.privacy.people.find_all_people` reads :func:`find_people_learned`).

``MODE`` says how, chosen by measurement (``bench/person_neural.py``, docs/privacy.md):

- ``"crf"``: the CRF alone (the neural tagger is not read);
- ``"add"``: the CRF's spans, plus the neural spans it has no span over where the neural probability
  reaches ``ADD_MIN`` (a higher bar than the CRF's: the neural model only fills the CRF's gaps);
- ``"average"``: per token, the CRF's marginal probabilities of O/B/I and the neural ones averaged with
  weight ``CRF_WEIGHT``, then decoded and scored the same way (mean probability of the labels read).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from siyada.privacy import entities as T
from siyada.privacy.entities import Entity
from siyada.privacy.name_features import Token, features, tokens
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
MODE: Mode = "add"
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


def _added(crf: list[Entity], neural: list[Entity]) -> list[Entity]:
    """The CRF's spans and the sure neural ones over words it left alone; where ``REPLACE_MIN`` is set,
    a neural span that sure also replaces the CRF spans it overlaps when all of them are under
    ``REPLACE_CRF_UNDER``."""
    if not neural:
        return crf
    end = max(e.end for e in (*crf, *neural))
    owner = [-1] * (end + 1)  # which CRF span covers each character: overlaps found in linear work
    for k, c in enumerate(crf):
        owner[c.start : c.end] = [k] * (c.end - c.start)
    dropped: set[int] = set()
    added = []
    for n in neural:
        under = {k for k in owner[n.start : n.end] if k >= 0}
        if not under and n.score >= ADD_MIN:
            added.append(n)
        elif under and n.score >= REPLACE_MIN and all(crf[k].score < REPLACE_CRF_UNDER for k in under):
            dropped |= under
            added.append(n)
    out = [c for k, c in enumerate(crf) if k not in dropped] + added
    return sorted(out, key=lambda e: e.start)


def _averaged(text: str) -> list[Entity]:
    toks = tokens(text)
    model = tagger()
    crf = crf_marginals(toks)
    if model is None or crf is None:
        return find_people_model(text)
    probs = CRF_WEIGHT * crf + (1 - CRF_WEIGHT) * token_probabilities(toks, model)
    return [Entity(toks[i][0], toks[j - 1][1], T.PERSON, round(p, 3)) for i, j, p in spans(probs)]


def find_people_learned(text: str) -> list[Entity]:
    """PERSON spans of the learned models, scored by probability (the CRF alone where MODE is "crf")."""
    if not text:
        return []
    if MODE == "average":
        return _averaged(text)
    if MODE == "add":
        toks = tokens(text)  # read once for both models
        return _added(find_people_model(text, toks), find_people_neural(text, toks=toks))
    return find_people_model(text)
