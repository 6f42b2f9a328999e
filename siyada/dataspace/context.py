"""What a query under a grant works with: its data set's file and the engine's two policies.

The catalogue's classification and data card become the engine's :class:`Policy`: every column of the
data set (`full`, so that a refusal names the true reason: a direct identifier, a unique column) and
the grant's columns only (`granted`: all the view `data` exposes when the query runs). The data card's
bounds, public categories and output-checking rules come with them; checkers are the keys the card
names, besides the owner tenant's admins.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyada.dataspace.classify import NUMERIC
from siyada.dataspace.datasets import columns_of
from siyada.dataspace.grants import Grant
from siyada.dataspace.policy import Column, Kind, Policy, Thresholds
from siyada.store.tables_dataspace import dataspace_datasets

KINDS = {"direct": Kind.DIRECT, "quasi": Kind.QUASI, "sensitive": Kind.SENSITIVE, "other": Kind.OTHER}


@dataclass(frozen=True)
class QueryContext:
    grant: Grant
    parquet: str  # the data set's file, absolute
    full: Policy  # every column of the data set
    granted: Policy  # the grant's columns (never a direct identifier)


def thresholds(card: dict[str, Any]) -> Thresholds:
    checks = card.get("output_checks") or {}
    return Thresholds(**{k: v for k, v in checks.items() if k in Thresholds.__dataclass_fields__})


def checkers(card: dict[str, Any] | None) -> tuple[int, ...]:
    return tuple(int(k) for k in (card or {}).get("checkers") or ())


def policy_of(columns: list[dict[str, Any]], card: dict[str, Any]) -> Policy:
    bounds = card.get("bounds") or {}
    categories = card.get("categories") or {}
    cols = []
    for c in columns:
        b = bounds.get(c["name"])
        cats = categories.get(c["name"])
        cols.append(Column(
            c["name"], KINDS.get(c["role"], Kind.OTHER), numeric=c["type"] in NUMERIC, unique=c["unique"],
            bounds=(float(b["lower"]), float(b["upper"])) if b else None,
            categories=tuple(str(v) for v in cats) if cats else None,
        ))  # fmt: skip
    return Policy.of(cols, thresholds(card))


def load(conn: Connection, grant: Grant, data_dir: Path) -> QueryContext:
    d = dataspace_datasets.c
    row = conn.execute(sa.select(d.file, d.card).where(d.id == grant.dataset_id)).one()
    card = row.card or {}
    full = policy_of(columns_of(conn, grant.dataset_id), card)
    allowed = set(grant.columns)
    granted = Policy(
        {n: c for n, c in full.columns.items() if n in allowed and c.kind is not Kind.DIRECT},
        full.thresholds,
    )
    return QueryContext(grant, str(Path(data_dir) / row.file), full, granted)
