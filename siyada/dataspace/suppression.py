"""Secondary suppression: no suppressed cell may be a linear combination of what is released.

A table with margins is a system of equations (each margin = the sum of its cells). Once the
disclosive cells are hidden, a hidden item is *recoverable* when its unit vector lies in the row space
of the equations restricted to the hidden items: then some combination of released cells and margins
equals it exactly ("the total minus the other cells"). We test exactly that (an orthonormal basis of
the row space from an SVD: the item is recoverable iff its column has norm 1 in the basis) and hide one
more item beside every recoverable one, preferring the smallest cells over margins, until none is.
Equations are over counts; sums follow the same equations, so the same pattern protects them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

_TOL = 1e-9


@dataclass(frozen=True)
class Equation:
    total: int  # the item that is the sum ...
    parts: tuple[int, ...]  # ... of these items


def recoverable(equations: Sequence[Equation], hidden: set[int]) -> set[int]:
    """The hidden items that a linear combination of the equations gives exactly."""
    order = sorted(hidden)
    column = {item: j for j, item in enumerate(order)}
    rows = []
    for eq in equations:
        row = np.zeros(len(order))
        if eq.total in column:
            row[column[eq.total]] = -1.0
        for part in eq.parts:
            if part in column:
                row[column[part]] = 1.0
        if row.any():
            rows.append(row)
    if not rows:
        return set()
    _, singular, vt = np.linalg.svd(np.array(rows), full_matrices=False)
    rank = int((singular > _TOL * max(1.0, float(singular[0]))).sum())
    norms = (vt[:rank] ** 2).sum(axis=0)
    return {order[j] for j in np.flatnonzero(norms > 1 - 1e-6)}


def protect(
    equations: Sequence[Equation], hidden: set[int], cost: Sequence[float], margin: Sequence[bool]
) -> set[int]:
    """Hide more items until no hidden one is recoverable; returns the items added (secondary)."""
    hidden = set(hidden)
    added: set[int] = set()
    touching: dict[int, list[Equation]] = {}
    for eq in equations:
        for item in (eq.total, *eq.parts):
            touching.setdefault(item, []).append(eq)
    while exposed := recoverable(equations, hidden):
        for item in sorted(exposed):
            partner = _partner(item, touching.get(item, []), hidden, cost, margin)
            if partner is None:  # every neighbour hidden, still recoverable: hide all that is left
                rest = set(range(len(cost))) - hidden
                hidden |= rest
                added |= rest
                return added
            hidden.add(partner)
            added.add(partner)
    return added


def _partner(item: int, equations: list[Equation], hidden: set[int], cost: Sequence[float],
             margin: Sequence[bool]) -> int | None:
    candidates = {i for eq in equations for i in (eq.total, *eq.parts)} - hidden - {item}
    if not candidates:
        return None
    # A cell before a margin (a hidden total loses the most information), a non-empty cell before an
    # empty one (hiding a zero beside a cell bounds it by the margin alone), then the smallest.
    return min(candidates, key=lambda i: (margin[i], cost[i] == 0, cost[i], i))
