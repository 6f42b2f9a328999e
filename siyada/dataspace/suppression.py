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
from threadpoolctl import threadpool_limits

_TOL = 1e-9


@dataclass(frozen=True)
class Equation:
    total: int  # the item that is the sum ...
    parts: tuple[int, ...]  # ... of these items


def incidence(equations: Sequence[Equation], items: int) -> np.ndarray:
    """One row per equation: +1 for each part, -1 for the total (the row sums to zero on the data)."""
    matrix = np.zeros((len(equations), items))
    for row, eq in enumerate(equations):
        matrix[row, list(eq.parts)] = 1.0
        matrix[row, eq.total] = -1.0
    return matrix


def recoverable(
    equations: Sequence[Equation], hidden: set[int], matrix: np.ndarray | None = None
) -> set[int]:
    """The hidden items that a linear combination of the equations gives exactly."""
    if not hidden or not equations:
        return set()
    if matrix is None:
        matrix = incidence(equations, max(max(eq.total, *eq.parts) for eq in equations) + 1)
    order = sorted(hidden)
    restricted = matrix[:, order]
    restricted = restricted[np.abs(restricted).sum(axis=1) > 0]
    if restricted.shape[0] == 0:
        return set()
    with threadpool_limits(1):  # small matrices: BLAS threads only contend (6x slower on 2 busy cores)
        _, singular, vt = np.linalg.svd(restricted, full_matrices=False)
    rank = int((singular > _TOL * max(1.0, float(singular[0]))).sum())
    norms = (vt[:rank] ** 2).sum(axis=0)
    return {order[j] for j in np.flatnonzero(norms > 1 - 1e-6)}


def protect(
    equations: Sequence[Equation], hidden: set[int], cost: Sequence[float], margin: Sequence[bool]
) -> set[int]:
    """Hide more items until no hidden one is recoverable; returns the items added (secondary).

    A cheap pass first (no equation may hold exactly one hidden item: "the total minus the others"),
    then the exact test, which catches what combinations of equations still give away."""
    hidden = set(hidden)
    start = set(hidden)
    touching: dict[int, list[Equation]] = {}
    for eq in equations:
        for item in (eq.total, *eq.parts):
            touching.setdefault(item, []).append(eq)
    matrix = incidence(equations, len(cost))
    while True:
        changed = True
        while changed:
            changed = False
            for eq in equations:
                inside = [i for i in (eq.total, *eq.parts) if i in hidden]
                if len(inside) == 1:
                    partner = _partner(inside[0], [eq], hidden, cost, margin)
                    if partner is not None:
                        hidden.add(partner)
                        changed = True
        exposed = recoverable(equations, hidden, matrix)
        if not exposed:
            return hidden - start
        for item in sorted(exposed):
            partner = _partner(item, touching.get(item, []), hidden, cost, margin)
            if partner is None:  # every neighbour hidden, still recoverable: hide all that is left
                return set(range(len(cost))) - start
            hidden.add(partner)


def _partner(item: int, equations: list[Equation], hidden: set[int], cost: Sequence[float],
             margin: Sequence[bool]) -> int | None:
    candidates = {i for eq in equations for i in (eq.total, *eq.parts)} - hidden - {item}
    if not candidates:
        return None
    # A cell before a margin (a hidden total loses the most information), a non-empty cell before an
    # empty one (hiding a zero beside a cell bounds it by the margin alone), then the smallest.
    return min(candidates, key=lambda i: (margin[i], cost[i] == 0, cost[i], i))
