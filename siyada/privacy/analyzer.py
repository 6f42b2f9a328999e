"""Run every recogniser and resolve overlaps (higher score wins, then longer span)."""

from __future__ import annotations

import re

from siyada.privacy.entities import Entity
from siyada.privacy.names import find_people
from siyada.privacy.recognisers import PATTERN_RECOGNISERS

DEFAULT_THRESHOLD = 0.5
RECOGNISERS = (*PATTERN_RECOGNISERS, find_people)
# Every pattern recogniser needs a digit (of any script) or an "@": a text with neither, as most chat
# prompts are, skips them all for one scan (the shield runs on every prompt through the gateway).
_PATTERN_HINT = re.compile(r"[\d@]")


def resolve_overlaps(candidates: list[Entity]) -> list[Entity]:
    """Greedy: best (score, length) first; drop any candidate overlapping one already kept."""
    kept: list[Entity] = []
    for ent in sorted(candidates, key=lambda e: (-e.score, -e.length, e.start)):
        if all(ent.end <= k.start or ent.start >= k.end for k in kept):
            kept.append(ent)
    return sorted(kept, key=lambda e: (e.start, e.end))


def analyze(text: str, threshold: float = DEFAULT_THRESHOLD) -> list[Entity]:
    recognisers = RECOGNISERS if _PATTERN_HINT.search(text) else (find_people,)
    candidates = [e for rec in recognisers for e in rec(text) if e.score >= threshold]
    return resolve_overlaps(candidates)
