"""Confidence intervals by bootstrap: resample the items, re-aggregate, take the percentiles.

Resampling per-item values (not per-item scores) keeps corpus metrics such as BLEU and chrF computed the
way they are defined, on each resampled corpus.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any

RESAMPLES = 1000


def bootstrap(
    values: Sequence[Any],
    aggregate: Callable[[Sequence[Any]], float],
    *,
    resamples: int = RESAMPLES,
    confidence: float = 0.95,
    seed: int = 0,
) -> tuple[float, float]:
    """The percentile interval of `aggregate` over resamples drawn with replacement."""
    n = len(values)
    if n < 2:
        value = aggregate(values) if n else 0.0
        return value, value
    rng = random.Random(seed)
    scores = sorted(aggregate([values[rng.randrange(n)] for _ in range(n)]) for _ in range(resamples))
    tail = (1 - confidence) / 2
    low = scores[int(tail * (resamples - 1))]
    high = scores[round((1 - tail) * (resamples - 1))]
    return low, high
