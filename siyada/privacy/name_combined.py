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
    STRIDE,
    find_people_neural,
    spans,
    tagger,
    token_probabilities,
    windows,
)

Mode = Literal["crf", "add", "average"]
MODE: Mode = "crf"
ADD_MIN = 0.9
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
        keep = len(window) if start + MAX_TOKENS >= len(toks) else STRIDE
        out[start : start + keep] = [[crf.marginal(lab, k) for lab in LABELS] for k in range(keep)]
    return out


def _added(crf: list[Entity], neural: list[Entity]) -> list[Entity]:
    """The CRF's spans and the sure neural ones over words it left alone."""
    if not neural:
        return crf
    end = max(e.end for e in (*crf, *neural))
    covered = bytearray(end + 1)
    for c in crf:
        covered[c.start : c.end] = b"\x01" * (c.end - c.start)
    out = crf + [n for n in neural if n.score >= ADD_MIN and covered.find(1, n.start, n.end) < 0]
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
    crf = find_people_model(text)
    if MODE == "add":
        return _added(crf, find_people_neural(text))
    return crf
