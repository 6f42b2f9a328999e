"""Which of a query's terms lexical search ranks in full: one rule for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def split(
    terms: Sequence[str], counts: Mapping[str, int], budget: int, min_terms: int
) -> tuple[list[str], list[str]]:
    """(exact, common): the rarest terms while their chunk counts add up to at most `budget`, ranked in
    full; then, when they are fewer than `min_terms`, the next rarest, over the budget on their own. A
    term with no count is taken as rare (it costs almost nothing)."""
    present = sorted(terms, key=lambda t: counts.get(t, 0))
    exact: list[str] = []
    total = 0
    for t in present:
        if total + counts.get(t, 0) > budget:
            break
        exact.append(t)
        total += counts.get(t, 0)
    return exact, present[len(exact) : max(len(exact), min_terms)]
