"""`POST /v1/dataspace/queries`: the code goes to the data, the output goes to the airlock.

Order matters, and each step can stop the query before the data is touched:
1. `grants.authorise` (the grant is the caller's, active, and allows the mode), then the query is
   compiled and validated against *every* column of the data set (a refusal names the real reason), and
   the columns it uses are authorised: 400 or 403, nothing run, nothing charged, nothing stored but an
   audit entry naming the reason.
2. DP: `dp.plan` (ε, bounds, categories), then the ε ledger is charged *before* the sandbox runs
   (one conditional UPDATE: ten concurrent queries can never spend past the budget).
3. Tables: an output row is reserved (`running`) before the sandbox runs, so that concurrent queries of
   the grant see each other as priors; the new table is checked with every table computed under the
   researcher on this data set, under this grant or another (pending, approved and rejected ones
   included), by the engine's differencing defence.
The output is then `pending` (or `refused`, with the checks' evidence) and audited with its fingerprint.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import Annotated, Any, Literal

import orjson
import sqlalchemy as sa
import sqlglot
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy.engine import Engine
from sqlglot import exp

from siyada.api.body import given
from siyada.dataspace import context, dp, grants, ledger, outputs
from siyada.dataspace.datasets import new_id
from siyada.dataspace.differencing import MAX_PRIORS, Prior
from siyada.dataspace.engine import run_table, view_columns
from siyada.dataspace.grants import MICRO, Grant
from siyada.dataspace.policy import Policy
from siyada.dataspace.query import Agg, Measure, ValidatedQuery
from siyada.dataspace.sandbox import Sandbox, SandboxError
from siyada.dataspace.sql import QueryRefused, validate
from siyada.dataspace.structured import Filter, MeasureRequest, TableRequest, compile_request
from siyada.errors import ApiError
from siyada.governance import audit
from siyada.governance.keys import Principal
from siyada.store.tables_dataspace import dataspace_outputs

Scalar = str | int | float
AUDITED_CHECKS_BYTES = 2000  # room for the checks' summary in one audit entry (its details: 4 KiB)


class MeasureBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    agg: Literal["count", "sum", "mean", "quantile"]
    column: str | None = Field(default=None, min_length=1, max_length=128)
    q: float | None = Field(default=None, ge=0, le=1, allow_inf_nan=False)
    name: str | None = Field(default=None, min_length=1, max_length=128)


class FilterBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    column: str = Field(min_length=1, max_length=128)
    op: Literal["=", "!=", "<", "<=", ">", ">=", "in"]
    value: Scalar | Annotated[list[Scalar], Field(min_length=1, max_length=1000)] = Field(
        union_mode="left_to_right"
    )


class TableBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    group_by: list[Annotated[str, Field(max_length=128)]] = Field(default_factory=list, max_length=10)
    measures: list[MeasureBody] = Field(min_length=1, max_length=20)
    filters: list[FilterBody] = Field(default_factory=list, max_length=20)


def _shapes(schema: dict[str, Any]) -> None:
    """The published schema says what `_shape` checks: table or sql per mode, ε with dp only."""
    table, sql, eps = (given(schema, n)["properties"][n] for n in ("table", "sql", "epsilon"))
    null = {"type": "null"}

    def branch(mode: str, **props: Any) -> dict[str, Any]:
        needed = [k for k, v in props.items() if v is not null]
        return {"required": needed, "properties": {"mode": {"const": mode}, **props}}

    schema["oneOf"] = [
        branch("table", table=table, sql=null, epsilon=null),
        branch("sql", sql=sql, table=null, epsilon=null),
        branch("dp", table=table, sql=null, epsilon=eps),
        branch("dp", sql=sql, table=null, epsilon=eps),
    ]


class QueryCreate(BaseModel):
    """A structured table request or SQL over the view `data`; ε with the `dp` mode only."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_shapes)
    grant: str = Field(min_length=1, max_length=40)
    mode: Literal["table", "sql", "dp"]
    table: TableBody | None = None
    sql: str | None = Field(default=None, min_length=1, max_length=20_000)
    epsilon: float | None = Field(default=None, gt=0, le=dp.MAX_EPSILON, allow_inf_nan=False)

    @model_validator(mode="after")
    def _shape(self) -> QueryCreate:
        if (self.table is None) == (self.sql is None):
            raise ValueError("give either table or sql")
        if self.mode == "table" and self.table is None:
            raise ValueError("the table mode takes a structured table request")
        if self.mode == "sql" and self.sql is None:
            raise ValueError("the sql mode takes sql")
        if (self.mode == "dp") != (self.epsilon is not None):
            raise ValueError("epsilon is given with the dp mode, and only with it")
        return self


def _request(body: TableBody) -> TableRequest:
    return TableRequest(
        tuple(body.group_by),
        tuple(MeasureRequest(m.agg, m.column, m.q, m.name) for m in body.measures),
        tuple(Filter(f.column, f.op, tuple(f.value) if isinstance(f.value, list) else f.value)
              for f in body.filters),
    )  # fmt: skip


def compile_query(body: QueryCreate, policy: Policy) -> ValidatedQuery:
    """The body's query checked against `policy` (every column of the data set), or QueryRefused."""
    if body.table is not None:
        return compile_request(_request(body.table), policy)
    return validate(body.sql or "", policy)


def columns_used(query: ValidatedQuery) -> list[str]:
    used = list(query.group_by) + [m.column for m in query.measures if m.column]
    if query.where:
        used += [c.name for c in sqlglot.parse_one(query.where, read="duckdb").find_all(exp.Column)]
    return list(dict.fromkeys(used))


def to_json(query: ValidatedQuery) -> dict[str, Any]:
    return {"group_by": list(query.group_by), "key_names": list(query.key_names), "where": query.where,
            "measures": [{"agg": m.agg.value, "column": m.column, "name": m.name, "q": m.q}
                         for m in query.measures]}  # fmt: skip


def from_json(value: dict[str, Any]) -> ValidatedQuery:
    measures = tuple(Measure(Agg(m["agg"]), m["column"], m["name"], m["q"]) for m in value["measures"])
    return ValidatedQuery(tuple(value["group_by"]), measures, value["where"], tuple(value["key_names"]))


def summary(evidence: list[dict[str, Any]]) -> list[str]:
    """The checks as short plain strings (rule:cell:measure) for the audit entry; the output row keeps
    every record, and the entry their hash, so the chain vouches for all of them."""
    out: list[str] = []
    size = 0
    for e in evidence:
        line = f"{e['rule']}:{'/'.join(e['cell'])}:{e['measure'] or ''}"[:100]
        size += len(line.encode()) + 4
        if size > AUDITED_CHECKS_BYTES:
            break
        out.append(line)
    return out


def _raw_fingerprint(body: QueryCreate) -> str:
    raw = body.sql if body.sql is not None else orjson.dumps(body.table.model_dump() if body.table else {})
    return hashlib.sha256(raw.encode() if isinstance(raw, str) else raw).hexdigest()


def _audit_refusal(
    engine: Engine, principal: Principal, grant: Grant, body: QueryCreate, exc: ApiError
) -> None:
    with audit.transaction(engine) as conn:
        audit.append(
            conn, "dataspace.query.refused", actor=principal.actor, tenant_id=grant.owner_tenant_id,
            target=f"grant:{grant.id}",
            details={"grant": grant.id, "mode": body.mode, "fingerprint": _raw_fingerprint(body),
                     "status": exc.status, "code": exc.code, "reason": exc.message[:200]},
        )  # fmt: skip


def submit(
    engine: Engine, sandbox: Sandbox, data_dir: Path, principal: Principal, body: QueryCreate
) -> dict[str, Any]:
    """Run one query under a grant; its output, pending or refused, or ApiError with nothing run."""
    grant = grants.authorise(engine, body.grant, principal, body.mode, [])
    with engine.connect() as conn:
        ctx = context.load(conn, grant, data_dir)
    try:
        try:
            query = compile_query(body, ctx.full)
        except QueryRefused as exc:
            raise ApiError(400, f"Query refused: {exc.reason}", code="query_refused", param=_param(body)
                           ) from None  # fmt: skip
        grants.authorise(engine, grant.id, principal, body.mode, columns_used(query))
        plan = _plan(body, query, ctx) if body.mode == "dp" else None
    except ApiError as exc:
        _audit_refusal(engine, principal, grant, body, exc)
        raise
    if plan is not None:
        return _run_dp(engine, sandbox, ctx, principal, plan)
    return _run_table(engine, sandbox, ctx, principal, body.mode, query)


def _param(body: QueryCreate) -> str:
    return "table" if body.table is not None else "sql"


def _plan(body: QueryCreate, query: ValidatedQuery, ctx: context.QueryContext) -> dp.DpPlan:
    try:
        return dp.plan(query, ctx.granted, body.epsilon)
    except dp.DpRefused as exc:
        raise ApiError(400, f"Query refused: {exc.reason}", code="query_refused", param="epsilon"
                       ) from None  # fmt: skip


def _insert(
    conn: Any, ctx: context.QueryContext, mode: str, query: ValidatedQuery, status: str, **values: Any
) -> str:
    output_id = new_id("out_")
    g = ctx.grant
    conn.execute(dataspace_outputs.insert().values(
        id=output_id, grant_id=g.id, dataset_id=g.dataset_id, tenant_id=g.tenant_id, key_id=g.key_id,
        mode=mode, fingerprint=query.fingerprint, query=to_json(query), status=status,
        evidence=values.pop("evidence", []), created_at=time.time(), **values,
    ))  # fmt: skip
    return output_id


def _finish(
    engine: Engine,
    principal: Principal,
    ctx: context.QueryContext,
    output_id: str,
    query: ValidatedQuery,
    mode: str,
    status: str,
    evidence: list[dict[str, Any]],
    result: dict[str, Any] | None,
    epsilon: float | None = None,
) -> dict[str, Any]:
    """The output's final state and its audit entry, in one transaction."""
    with audit.transaction(engine) as conn:
        conn.execute(dataspace_outputs.update().where(dataspace_outputs.c.id == output_id)
                     .values(status=status, evidence=evidence, result=result))  # fmt: skip
        details: dict[str, Any] = {
            "output": output_id, "grant": ctx.grant.id, "dataset": ctx.grant.dataset_id, "mode": mode,
            "fingerprint": query.fingerprint, "status": status,
            "checks": summary(evidence), "checks_total": len(evidence),
            "checks_sha256": hashlib.sha256(orjson.dumps(evidence)).hexdigest(),
        }  # fmt: skip
        if epsilon is not None:
            details["epsilon"] = epsilon
        audit.append(conn, "dataspace.query.run", actor=principal.actor, tenant_id=ctx.grant.owner_tenant_id,
                     target=f"output:{output_id}", details=details)  # fmt: skip
        row = conn.execute(outputs.select_outputs().where(dataspace_outputs.c.id == output_id)).one()
        return outputs.view(row, principal)


def _mine(ctx: context.QueryContext) -> Any:
    """The researcher's outputs on this data set, under any of his grants: a second grant on the same
    data does not start the differencing defence afresh."""
    o, g = dataspace_outputs.c, ctx.grant
    return sa.and_(o.dataset_id == g.dataset_id, o.key_id == g.key_id, o.tenant_id == g.tenant_id,
                   o.status.in_(outputs.COMPUTED))  # fmt: skip


def _priors(engine: Engine, ctx: context.QueryContext, own: str) -> list[Prior]:
    o = dataspace_outputs.c
    q = sa.select(o.id, o.query).where(_mine(ctx), o.id != own, o.mode.in_(("table", "sql")))
    with engine.connect() as conn:
        return [Prior(from_json(r.query), r.id) for r in conn.execute(q)]


def _compared(ctx: context.QueryContext, priors: list[Prior]) -> Policy:
    """The grant's policy, its view widened by the columns the earlier tables filtered on (granted to
    the same researcher under another grant): the engine's comparisons read them, the researcher's
    statement, validated against this grant, cannot."""
    wanted = set(ctx.granted.columns) | {c for p in priors for c in columns_used(p.query)}
    usable = {n: c for n, c in ctx.full.columns.items() if n in wanted and not c.identifying}
    return Policy({**usable, **ctx.granted.columns}, ctx.granted.thresholds)


def _run_table(
    engine: Engine,
    sandbox: Sandbox,
    ctx: context.QueryContext,
    principal: Principal,
    mode: str,
    query: ValidatedQuery,
) -> dict[str, Any]:
    with audit.transaction(engine) as conn:
        computed = conn.execute(
            sa.select(sa.func.count()).select_from(dataspace_outputs).where(_mine(ctx))
        ).scalar_one()
        if computed >= MAX_PRIORS:
            raise ApiError(403, f"You have run {MAX_PRIORS} tables on this data set: the differencing "
                           "defence compares no more", code="table_budget_exhausted")  # fmt: skip
        output_id = _insert(conn, ctx, mode, query, "running")
    try:
        priors = _priors(engine, ctx, output_id)
        released = run_table(sandbox, ctx.parquet, _compared(ctx, priors), query, priors)
    except (SandboxError, ValueError) as exc:
        reason = exc.reason if isinstance(exc, SandboxError) else str(exc)
        evidence = [{"rule": "sandbox", "cell": [], "measure": None, "detail": reason[:300]}]
        _finish(engine, principal, ctx, output_id, query, mode, "failed", evidence, None)
        raise ApiError(422, f"The query failed in the sandbox: {reason[:300]}", code="query_failed") from None
    evidence = [e.as_dict() for e in released.evidence]
    if released.refused:
        evidence.append({"rule": "refused", "cell": [], "measure": None, "detail": released.refused})
        return _finish(engine, principal, ctx, output_id, query, mode, "refused", evidence, None)
    result = {"columns": list(released.columns), "rows": [list(r) for r in released.rows],
              "margin": list(released.margin), "hidden": list(released.hidden)}  # fmt: skip
    return _finish(engine, principal, ctx, output_id, query, mode, "pending", evidence, result)


def _run_dp(
    engine: Engine, sandbox: Sandbox, ctx: context.QueryContext, principal: Principal, plan: dp.DpPlan
) -> dict[str, Any]:
    charge = ledger.charge(engine, ctx.grant.id, plan.epsilon, actor=principal.actor)  # 403 when spent
    with audit.transaction(engine) as conn:
        output_id = _insert(conn, ctx, "dp", plan.query, "running",
                            epsilon_micro=round(charge.epsilon * MICRO))  # fmt: skip
    try:
        table = dp.run_dp(sandbox, ctx.parquet, view_columns(ctx.granted), plan)
    except SandboxError as exc:  # ε stays spent: the data may have been read
        evidence = [{"rule": "sandbox", "cell": [], "measure": None, "detail": exc.reason[:300]}]
        _finish(engine, principal, ctx, output_id, plan.query, "dp", "failed", evidence, None, charge.epsilon)
        raise ApiError(422, f"The query failed in the sandbox: {exc.reason[:300]}", code="query_failed"
                       ) from None  # fmt: skip
    evidence = [{"rule": "dp", "cell": [], "measure": m, "detail": f"discrete Laplace noise, scales {s}"}
                for m, s in table.scales.items()]  # fmt: skip
    result = {"columns": list(table.columns), "rows": [list(r) for r in table.rows],
              "epsilon": table.epsilon, "scales": table.scales}  # fmt: skip
    return _finish(engine, principal, ctx, output_id, plan.query, "dp", "pending", evidence, result,
                   charge.epsilon)  # fmt: skip
