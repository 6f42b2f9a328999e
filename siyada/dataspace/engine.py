"""One checked table, end to end: differencing, statistics in the sandbox, rules, suppression.

The service behind `POST /v1/dataspace/queries` calls `run_table` with the grant's policy, the data
set's Parquet and the tables already released under the grant; what it returns goes to the airlock.
"""

from __future__ import annotations

from collections.abc import Sequence

from siyada.dataspace import differencing, stats
from siyada.dataspace.checks import ReleasedTable, check_table
from siyada.dataspace.policy import Policy
from siyada.dataspace.query import ValidatedQuery
from siyada.dataspace.sandbox import Sandbox


def view_columns(policy: Policy) -> tuple[str, ...]:
    """The columns the view `data` exposes: the grant's, less those no query may touch anyway."""
    return tuple(c.name for c in policy.columns.values() if not c.identifying)


def run_table(
    sandbox: Sandbox,
    parquet: str,
    policy: Policy,
    query: ValidatedQuery,
    priors: Sequence[differencing.Prior] = (),
) -> ReleasedTable:
    t = policy.thresholds
    found = differencing.comparisons(query, priors)
    tables = sandbox.run(parquet, view_columns(policy), [stats.stats_sql(query, t), *(c.sql for c in found)])
    evidence = differencing.evaluate(found, tables[1:], t)
    if evidence:
        return ReleasedTable(
            query.columns,
            refused="together with a table already released under this grant, it would reveal a small cell",
            evidence=tuple(evidence),
        )
    return check_table(query, stats.parse(query, tables[0]), t)
