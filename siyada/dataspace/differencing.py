"""The differencing defence: a new table is checked together with the tables already released.

Two tables whose filters differ ("age >= 30", then "age >= 31") reveal, cell by cell, the records in
one filter and not the other (those aged exactly 30), though each table passes on its own. For every
earlier release of the grant with another filter, the sandbox counts, per cell of the keys both tables
share (their margins give those cells), the records on which the two filters disagree: a count between
1 and the threshold is a small cell the researcher could compute, and the new table is refused. Exact
for nested filters, conservative for the others; tables with the same filter are the margins' business.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from siyada.dataspace.checks import Evidence
from siyada.dataspace.policy import Thresholds
from siyada.dataspace.query import ValidatedQuery, group_clause, quote
from siyada.dataspace.sandbox import Table

MAX_PRIORS = 200  # earlier releases compared per query (a grant's budget of tables, in effect)


@dataclass(frozen=True)
class Prior:
    """A table released earlier under the same grant."""

    query: ValidatedQuery
    label: str  # its release id, named in the evidence


@dataclass(frozen=True)
class Comparison:
    keys: tuple[str, ...]  # the group keys the new table shares with these priors
    priors: tuple[Prior, ...]
    sql: str


def _condition(where: str | None) -> str:
    return f"coalesce(({where}), false)" if where else "true"


def comparisons(new: ValidatedQuery, priors: Sequence[Prior]) -> list[Comparison]:
    """One statement per set of shared keys, counting every prior's disagreement in one scan."""
    if len(priors) > MAX_PRIORS:
        raise ValueError(f"more than {MAX_PRIORS} earlier tables to compare")
    groups: dict[tuple[str, ...], list[Prior]] = {}
    for prior in priors:
        if prior.query.where == new.where:
            continue
        shared = tuple(k for k in new.group_by if k in prior.query.group_by)
        groups.setdefault(shared, []).append(prior)
    out = []
    for keys, group in groups.items():
        selects = [f"{quote(k)} AS k{i}" for i, k in enumerate(keys)]
        selects += [
            f"count(*) FILTER (WHERE {_condition(new.where)} <> {_condition(p.query.where)}) AS d{j}"
            for j, p in enumerate(group)
        ]
        sql = f"SELECT {', '.join(selects)} FROM data{group_clause(keys)}"
        out.append(Comparison(keys, tuple(group), sql))
    return out


def evaluate(found: Sequence[Comparison], tables: Sequence[Table], t: Thresholds) -> list[Evidence]:
    """Evidence for every shared cell where a prior and the new table differ by a few records."""
    evidence: list[Evidence] = []
    for comparison, table in zip(found, tables, strict=True):
        width = len(comparison.keys)
        for row in table.rows:
            for j, prior in enumerate(comparison.priors):
                differing: Any = row[width + j]
                if 0 < differing < t.min_count:
                    evidence.append(Evidence(
                        "differencing", tuple("NULL" if v is None else str(v) for v in row[:width]), None,
                        f"with release {prior.label}, fewer than {t.min_count} records differ "
                        f"({', '.join(comparison.keys) or 'whole table'})"))
    return evidence
