"""`sql.validate`: the issue's attacks refused by name before anything runs, a fuzz harness whose only
escape is QueryRefused, and accepted queries that survive a round trip unchanged."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from siyada.dataspace.policy import Column, Kind, Policy
from siyada.dataspace.query import Agg
from siyada.dataspace.sql import MAX_SQL_CHARS, QueryRefused, validate
from siyada.dataspace.structured import Filter, MeasureRequest, TableRequest, compile_request

POLICY = Policy.of([
    Column("region", Kind.QUASI),
    Column("sex", Kind.QUASI),
    Column("age", Kind.QUASI, numeric=True),
    Column("income", Kind.SENSITIVE, numeric=True, bounds=(0, 500_000)),
    Column("cin", Kind.DIRECT),
    Column("household_id", Kind.OTHER, numeric=True, unique=True),
])
COUNT = MeasureRequest("count")

ATTACKS = {
    "select * from read_csv('/etc/passwd')": "read_csv",
    "select count(*) from read_csv('/etc/passwd')": "read_csv",
    "select count(*) from read_parquet('/srv/data/other.parquet')": "read_parquet",
    "select count(*) from glob('/*')": "glob",
    "select count(*) from read_text('/etc/shadow')": "not allowed",
    "copy data to '/tmp/out.csv'": "COPY",
    "copy (select 1) to '/tmp/out.csv'": "COPY",
    "attach '/tmp/other.db' as o": "ATTACH",
    "pragma enable_external_access": "PRAGMA",
    "install httpfs": "INSTALL",
    "load httpfs": "not allowed",
    "set enable_external_access = true": "SET",
    "call duckdb_settings()": "not allowed",
    "export database '/tmp/x'": "does not parse",
    "select * from data": "SELECT *",
    "select cin, count(*) from data group by cin": "direct identifier",
    "select household_id, count(*) from data group by household_id": "unique column",
    "select count(*) from data where cin = 'AB123456'": "direct identifier",
    "select sum(household_id) from data": "unique column",
    "select region, max(income) from data group by region": "MAX",
    "select region, min(income) from data group by region": "MIN",
    "select quantile_cont(income, 0.99) from data": "quantiles",
    "select quantile_disc(income, 0.5) from data": "discrete",
    "select age from data": "row-level",
    "select region, count(*) from data, data as d group by region": "joins",
    "select region, count(*) from data join data d using (region) group by region": "joins",
    "with t as (select * from data) select count(*) from t": "CTE",
    "select count(*) from (select * from data)": "subqueries",
    "select count(*) from data where age in (select age from data)": "subqueries",
    "select count(*) from data union all select count(*) from data": "UNION",
    "select count(*) from data; select 1": "exactly one statement",
    "select count(*) from other_table": "only table",
    "select count(*) from main.data": "only table",
    "select count(*) from data where secret = 1": "not allowed by the grant",
    "select region, count(*) from data group by region having count(*) < 3": "HAVING",
    "select count(*) from data limit 1": "LIMIT",
    "select count(distinct age) from data": "DISTINCT",
    "select region, count(*) over () from data group by region": "window",
    "select sum(income) / count(*) from data": "aggregate or a GROUP BY key",
    "select region, count(*) from data group by 1": "column names only",
    "select count(*), region from data group by region": "before the aggregates",
    "select count(*) from data where sum(income) > 0": "aggregates are not allowed in WHERE",
    "select lower(region), count(*) from data group by region": "not allowed",
    "select count(*) from data where getenv('HOME') = 'x'": "not allowed",
    "select sum(region) from data": "not numeric",
}


@pytest.mark.parametrize("sql", sorted(ATTACKS))
def test_attacks_are_refused_by_name(sql: str) -> None:
    with pytest.raises(QueryRefused) as refused:
        validate(sql, POLICY)
    assert ATTACKS[sql].lower() in refused.value.reason.lower()


def test_an_aggregate_table_is_accepted_and_regenerated() -> None:
    v = validate(
        "SELECT d.Region AS r, count(*) AS n, sum(income), avg(income) a, mean(income), median(income),"
        " quantile_cont(income, 0.25) q FROM data AS d WHERE age >= 30 AND sex IN ('F') "
        "GROUP BY region ORDER BY n DESC", POLICY)
    assert v.group_by == ("region",) and v.key_names == ("r",)
    assert [m.agg for m in v.measures] == [Agg.COUNT, Agg.SUM, Agg.MEAN, Agg.MEAN, Agg.QUANTILE, Agg.QUANTILE]
    assert v.measures[4].q == 0.5 and v.measures[5].q == 0.25
    assert v.where == '"age" >= 30 AND "sex" IN (\'F\')'
    # What runs is rebuilt from the checked structure: no alias, no ORDER BY, only the view.
    assert v.sql.startswith('SELECT "region" AS "r", count(*) AS "n"') and "ORDER" not in v.sql
    assert validate(v.sql, POLICY) == v  # the regenerated statement passes as itself


def test_an_oversized_query_is_refused_before_parsing() -> None:
    with pytest.raises(QueryRefused, match="longer than"):
        validate("select count(*) from data where " + "age > 1 and " * (MAX_SQL_CHARS // 8), POLICY)


def test_deep_nesting_is_refused() -> None:
    with pytest.raises(QueryRefused):
        validate("select count(*) from data where " + "(" * 5000 + "age > 1" + ")" * 5000, POLICY)


FRAGMENTS = [
    "select", "count(*)", "sum(income)", "avg(age)", "region", "from", "data", "where", "age", ">=", "30",
    "group by", "order by", ",", "(", ")", "'x'", "*", ";", "read_csv('/etc/passwd')", "union", "join",
    "with", "as", "and", "or", "not", "in", "between", "is null", "quantile_cont(income, 0.5)", "cin",
    "copy", "to", "attach", "pragma", "install", "set", "--", "/*", "$$", "\"", "\x00", "max(income)",
]


@settings(max_examples=400, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(st.one_of(st.lists(st.sampled_from(FRAGMENTS), max_size=30).map(" ".join), st.text(max_size=300)))
def test_fuzz_only_query_refused_escapes(sql: str) -> None:
    try:
        v = validate(sql, POLICY)
    except QueryRefused:
        return
    # Accepted: it is a fixed-shape aggregate over allowed columns that validates again as itself.
    assert v.measures and set(v.group_by) <= {"region", "sex", "age", "income"}
    assert validate(v.sql, POLICY) == v


def test_a_structured_request_compiles_to_what_validate_accepts() -> None:
    request = TableRequest(
        group_by=("region", "sex"),
        measures=(MeasureRequest("count", name="n"), MeasureRequest("mean", "income"),
                  MeasureRequest("quantile", "income", q=0.5, name="median")),
        filters=(Filter("age", ">=", 30), Filter("sex", "in", ("F", "M"))),
    )
    v = compile_request(request, POLICY)
    assert v.group_by == ("region", "sex")
    assert [m.name for m in v.measures] == ["n", "mean_income_1", "median"]
    assert v == validate(v.sql, POLICY)
    # A value is a literal, never SQL; an unknown or identifying column is refused by the same rules.
    quoted = compile_request(TableRequest((), (COUNT,), (Filter("region", "=", "x' OR 1=1 --"),)), POLICY)
    assert quoted.where == "\"region\" = 'x'' OR 1=1 --'"
    for bad in (Filter('region" , cin, "x', "=", 1), Filter("cin", "=", "AB1")):
        with pytest.raises(QueryRefused):
            compile_request(TableRequest((), (COUNT,), (bad,)), POLICY)
    with pytest.raises(QueryRefused, match="unique column"):
        compile_request(TableRequest(("household_id",), (COUNT,)), POLICY)


def test_structured_filters_take_only_public_category_values() -> None:
    policy = Policy.of([Column("region", Kind.QUASI, categories=("Rabat", "Fès"))])
    ok = compile_request(TableRequest((), (COUNT,), (Filter("region", "=", "Fès"),)), policy)
    assert ok.where == "\"region\" = 'Fès'"
    with pytest.raises(QueryRefused, match="public categories"):
        compile_request(TableRequest((), (COUNT,), (Filter("region", "=", "Nowhere"),)), policy)
    with pytest.raises(QueryRefused, match="finite"):
        compile_request(TableRequest((), (COUNT,), (Filter("age", ">", float("nan")),)), POLICY)


def test_work_is_bounded_by_the_size_of_the_tree() -> None:
    # 1,500 disjuncts fit under the character limit but not under the node budget: refused after
    # one linear walk, before any column lookup or SQL generation.
    many = "select count(*) from data where " + " or ".join(["age = 1"] * 1500)
    assert len(many) < MAX_SQL_CHARS
    with pytest.raises(QueryRefused, match="more than 2000 parts"):
        validate(many, POLICY)
