"""PERSON: the rules and the learned model combined, places named after people taken out.

The rules (:mod:`siyada.privacy.names`) keep their spans and scores: on the labelled sets their
boundaries are the more exact. The model (:mod:`siyada.privacy.name_model`) adds the names the rules
miss when its probability reaches ``MODEL_MIN``; its score then is that probability mapped onto the
rules' scale, ``MODEL_SCORE`` at the threshold up to 0.85 at certainty, so that a model span never
outranks a rule span the analyzer would otherwise keep.
"""

from __future__ import annotations

from siyada.privacy.entities import Entity
from siyada.privacy.name_model import find_people_model
from siyada.privacy.names import find_people
from siyada.privacy.places import outside_places

MODEL_MIN = 0.8
MODEL_SCORE = 0.55


def _calibrated(p: float) -> float:
    return round(MODEL_SCORE + (0.85 - MODEL_SCORE) * (p - MODEL_MIN) / (1 - MODEL_MIN), 3)


def find_all_people(text: str) -> list[Entity]:
    rules = find_people(text)
    out = list(rules)
    if rules:
        covered = bytearray(len(text) + 1)
        for r in rules:
            covered[r.start : r.end] = b"\x01" * (r.end - r.start)
    for m in find_people_model(text):
        if m.score >= MODEL_MIN and (not rules or covered.find(1, m.start, m.end) < 0):
            out.append(Entity(m.start, m.end, m.type, _calibrated(m.score)))
    return outside_places(text, out)
