"""`validate(sql, policy)`: researcher SQL accepted only as one aggregate SELECT over the view `data`.

An allow-list, not a deny-list: every node of the parsed tree must be of a kind listed here, so a
construct DuckDB adds tomorrow (a new file reader, a new statement) is refused until someone allows it.

Refused on purpose:
- MIN and MAX: they release one person's exact value (the richest household of a commune) whatever
  the cell's size; the cell-count rules cannot protect them.
- Discrete quantiles (QUANTILE, QUANTILE_DISC) for the same reason (they return a record's value),
  and continuous quantiles outside [0.1, 0.9] (q = 0 or 1 is MIN or MAX under another name).
- HAVING, LIMIT, DISTINCT, COUNT(DISTINCT …), FILTER, window functions: they hide or select cells,
  which breaks the margins the output checks recompute.
- Any use of a direct identifier or a unique column: grouping, filtering or aggregating on it isolates
  one person.
"""

from __future__ import annotations

import logging
import math

import sqlglot
from sqlglot import exp

from siyada.dataspace.policy import Column, Policy
from siyada.dataspace.query import Agg, Measure, ValidatedQuery, quote

MAX_SQL_CHARS = 20_000
MAX_NODES = 2_000
MIN_Q, MAX_Q = 0.1, 0.9

# sqlglot logs a warning when it falls back to an opaque Command (LOAD, CALL); we refuse those anyway.
logging.getLogger("sqlglot").setLevel(logging.ERROR)


class QueryRefused(ValueError):
    """The query is not one the data space runs; `reason` says which rule, for the researcher."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_AGGREGATES: tuple[type[exp.Expression], ...] = (exp.Count, exp.Sum, exp.Avg, exp.Median, exp.PercentileCont)

# Every node kind a query may contain; anything else is refused by name.
_ALLOWED: frozenset[type[exp.Expression]] = frozenset(
    {
        exp.Select, exp.From, exp.Table, exp.TableAlias, exp.Identifier, exp.Column, exp.Alias,
        exp.Where, exp.Group, exp.Order, exp.Ordered,
        exp.Literal, exp.Boolean, exp.Null, exp.Star,
        exp.And, exp.Or, exp.Not, exp.Paren, exp.Neg,
        exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.In, exp.Between, exp.Is,
        exp.Add, exp.Sub, exp.Mul, exp.Div,
        *_AGGREGATES,
        exp.Anonymous,  # only MEAN(x), checked below
    }
)  # fmt: skip

_NAMED = {
    exp.Join: "joins", exp.Subquery: "subqueries", exp.With: "CTEs (WITH)", exp.CTE: "CTEs (WITH)",
    exp.Union: "UNION", exp.Intersect: "INTERSECT", exp.Except: "EXCEPT", exp.Having: "HAVING",
    exp.Limit: "LIMIT", exp.Offset: "OFFSET", exp.Distinct: "DISTINCT", exp.Window: "window functions",
    exp.Filter: "aggregate FILTER clauses", exp.Min: "MIN (it releases one person's exact value)",
    exp.Max: "MAX (it releases one person's exact value)", exp.Lateral: "LATERAL",
    exp.PercentileDisc: "discrete quantiles (they return one record's value): use quantile_cont",
    exp.Quantile: "discrete quantiles (they return one record's value): use quantile_cont",
    exp.TableSample: "SAMPLE",
}  # fmt: skip


def validate(sql: str, policy: Policy) -> ValidatedQuery:
    """Accept `sql` as a :class:`ValidatedQuery` or raise :class:`QueryRefused` (and nothing else)."""
    if not isinstance(sql, str):
        raise QueryRefused("the query must be text")
    if len(sql) > MAX_SQL_CHARS:
        raise QueryRefused(f"the query is longer than {MAX_SQL_CHARS} characters")
    try:
        statements = [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
    except RecursionError:
        raise QueryRefused("the query is nested too deeply") from None
    except Exception as exc:  # sqlglot's ParseError/TokenError and whatever else its parser raises
        raise QueryRefused(f"the query does not parse: {str(exc).splitlines()[0][:200]}") from None
    if len(statements) != 1:
        raise QueryRefused("exactly one statement is allowed")
    return _Checker(policy).select(statements[0])


def _refusal(node: exp.Expression) -> QueryRefused:
    for kind, label in _NAMED.items():
        if isinstance(node, kind):
            return QueryRefused(f"{label} not allowed")
    if isinstance(node, exp.Func) and not isinstance(node, exp.Anonymous):
        return QueryRefused(f"function {node.sql_name().lower()} is not allowed (table functions and "
                            "file readers included)")
    return QueryRefused(f"{node.key.upper()} is not allowed: only SELECT … FROM data … GROUP BY")


class _Checker:
    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.alias: str | None = None

    def select(self, root: exp.Expression) -> ValidatedQuery:
        if not isinstance(root, exp.Select):
            raise _refusal(root)
        for nodes, node in enumerate(root.walk(), 1):
            if nodes > MAX_NODES:
                raise QueryRefused(f"the query has more than {MAX_NODES} parts")
            if type(node) not in _ALLOWED:
                raise _refusal(node)
            if isinstance(node, exp.Anonymous) and node.name.lower() != "mean":
                raise QueryRefused(f"function {node.name.lower()} is not allowed")
        extra = sorted(k for k, v in root.args.items() if v and k not in ("expressions", "from_", "from",
                                                                              "where", "group", "order"))
        if extra:
            raise QueryRefused(f"{extra[0].upper()} is not allowed")
        self._table(root.args.get("from_") or root.args.get("from"))
        where = self._where(root.args.get("where"))
        keys = self._group(root.args.get("group"))
        key_names, measures = self._outputs(root.expressions, keys)
        if not measures:
            raise QueryRefused("at least one aggregate (count, sum, avg, quantile_cont) is required")
        if len(set(key_names) | {m.name for m in measures}) != len(key_names) + len(measures):
            raise QueryRefused("output column names must be distinct")
        self._order(root.args.get("order"), keys, key_names, measures)
        return ValidatedQuery(tuple(keys), tuple(measures), where, tuple(key_names))

    def _table(self, source: exp.Expression | None) -> None:
        if source is None:
            raise QueryRefused("the query must read FROM data")
        table = source.this
        if not isinstance(table, exp.Table) or not isinstance(table.this, exp.Identifier):
            raise _refusal(table)
        if table.name.casefold() != "data" or table.args.get("db") or table.args.get("catalog"):
            raise QueryRefused("the only table is the view data")
        alias = table.args.get("alias")
        if alias is not None:
            if alias.columns:
                raise QueryRefused("column aliases on the table are not allowed")
            self.alias = alias.name.casefold()

    def _column(self, node: exp.Column, role: str) -> Column:
        qualifier = node.table.casefold() if node.table else None
        if node.args.get("db") or node.args.get("catalog") or qualifier not in (None, "data", self.alias):
            raise QueryRefused(f"unknown table {node.table} (the only table is data)")
        column = self.policy.lookup(node.name)
        if column is None:
            raise QueryRefused(f"column {node.name} is not allowed by the grant")
        if column.identifying:
            what = "a direct identifier" if column.kind.value == "direct_identifier" else "a unique column"
            raise QueryRefused(f"{role} on {column.name} refused: it is {what}")
        return column

    def _where(self, where: exp.Expression | None) -> str | None:
        if where is None:
            return None
        condition = where.this.copy()
        for node in condition.walk():
            if isinstance(node, (*_AGGREGATES, exp.Anonymous, exp.Star)):
                raise QueryRefused("aggregates are not allowed in WHERE")
        for column in list(condition.find_all(exp.Column)):
            canonical = self._column(column, "filtering").name
            column.replace(exp.column(exp.to_identifier(canonical, quoted=True)))
        return condition.sql(dialect="duckdb")

    def _group(self, group: exp.Expression | None) -> list[str]:
        keys: list[str] = []
        for node in group.expressions if group is not None else []:
            if not isinstance(node, exp.Column):
                raise QueryRefused("GROUP BY takes column names only (not positions or expressions)")
            name = self._column(node, "GROUP BY").name
            if name in keys:
                raise QueryRefused(f"GROUP BY names {name} twice")
            keys.append(name)
        return keys

    def _outputs(self, projections: list[exp.Expression], keys: list[str]) -> tuple[list[str], list[Measure]]:
        """The GROUP BY keys first, in GROUP BY order, then the aggregates: a fixed shape the checks
        and the margins rely on."""
        key_names: list[str] = []
        seen_keys: list[str] = []
        measures: list[Measure] = []
        for projection in projections:
            node, alias = (projection.this, projection.alias) if isinstance(projection, exp.Alias) else (
                projection, None)
            if isinstance(node, exp.Star):
                raise QueryRefused("SELECT * is not allowed: name aggregates and GROUP BY keys")
            if not isinstance(node, exp.Column):
                measures.append(self._measure(node, alias or f"m{len(measures) + 1}"))
                continue
            name = self._column(node, "selecting").name
            if name not in keys:
                raise QueryRefused(f"{name} is neither aggregated nor a GROUP BY key (row-level output)")
            if measures:
                raise QueryRefused("list every GROUP BY key before the aggregates")
            seen_keys.append(name)
            key_names.append(alias or name)
        if seen_keys != keys:
            raise QueryRefused("select every GROUP BY key once, in GROUP BY order, before the aggregates")
        return key_names, measures

    def _measure(self, node: exp.Expression, name: str) -> Measure:
        if not isinstance(node, (*_AGGREGATES, exp.Anonymous)):
            raise QueryRefused("every output must be an aggregate or a GROUP BY key (no expressions)")
        args = [node.this] if not isinstance(node, exp.Anonymous) else list(node.expressions)
        if isinstance(node, exp.Anonymous) and len(args) != 1:
            raise QueryRefused("mean takes one column")
        arg = args[0]
        if isinstance(node, exp.Count):
            if isinstance(arg, exp.Star):
                return Measure(Agg.COUNT, None, name)
            if not isinstance(arg, exp.Column):
                raise QueryRefused("count takes * or one column")
            return Measure(Agg.COUNT, self._column(arg, "counting").name, name)
        if not isinstance(arg, exp.Column):
            raise QueryRefused("aggregates take one column (no expressions)")
        column = self._column(arg, "aggregating")
        if not column.numeric:
            raise QueryRefused(f"{column.name} is not numeric")
        if isinstance(node, exp.Sum):
            return Measure(Agg.SUM, column.name, name)
        if isinstance(node, exp.Avg | exp.Anonymous):
            return Measure(Agg.MEAN, column.name, name)
        q = 0.5 if isinstance(node, exp.Median) else _quantile(node.args.get("expression"))
        return Measure(Agg.QUANTILE, column.name, name, q)

    def _order(self, order: exp.Expression | None, keys: list[str], key_names: list[str],
               measures: list[Measure]) -> None:
        # Accepted for the researcher's comfort and ignored: the engine orders tables by their keys.
        names = {n.casefold() for n in key_names + keys + [m.name for m in measures]}
        for ordered in order.expressions if order is not None else []:
            target = ordered.this
            if not isinstance(target, exp.Column) or target.name.casefold() not in names:
                raise QueryRefused("ORDER BY takes output column names only")


def _quantile(node: exp.Expression | None) -> float:
    if not isinstance(node, exp.Literal) or node.is_string:
        raise QueryRefused("quantile_cont takes one numeric quantile")
    try:
        q = float(node.this)
    except ValueError:
        raise QueryRefused("quantile_cont takes one numeric quantile") from None
    if not (math.isfinite(q) and MIN_Q <= q <= MAX_Q):
        raise QueryRefused(f"quantiles must lie in [{MIN_Q}, {MAX_Q}] (0 and 1 are MIN and MAX)")
    return q


__all__ = ["QueryRefused", "ValidatedQuery", "quote", "validate"]
