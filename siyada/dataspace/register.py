"""The public register of approved projects: what was granted, to which organisation, for which purpose,
on whose data and when. No key, no researcher's identity beyond their tenant, no column list; personal
data written into a purpose is replaced by its type."""

from __future__ import annotations

import time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyada.privacy.operators import scrub
from siyada.store.tables import tenants
from siyada.store.tables_dataspace import dataspace_datasets, dataspace_grants, dataspace_requests

MAX_ENTRIES = 1000


def register(engine: Engine, limit: int = MAX_ENTRIES) -> list[dict[str, Any]]:
    g, r, d = dataspace_grants, dataspace_requests, dataspace_datasets
    owner, researcher = tenants.alias("owner"), tenants.alias("researcher")
    q = (
        sa.select(
            g.c.id, g.c.created_at, g.c.expires_at, g.c.revoked_at, r.c.purpose,
            r.c.created_at.label("asked"),
            d.c.id.label("dataset"), d.c.title, owner.c.name.label("owner"),
            researcher.c.name.label("organisation"),
        )
        .join(r, r.c.id == g.c.request_id)
        .join(d, d.c.id == g.c.dataset_id)
        .join(owner, owner.c.id == d.c.tenant_id)
        .join(researcher, researcher.c.id == g.c.tenant_id)
        .order_by(g.c.created_at.desc())
        .limit(limit)
    )  # fmt: skip
    now = time.time()
    with engine.connect() as conn:
        return [
            {
                "object": "dataspace.project",
                "grant": row.id,
                "purpose": scrub(row.purpose),  # public: any personal data in it shows as its type
                "dataset": row.dataset,
                "dataset_title": row.title,
                "owner": row.owner,
                "organisation": row.organisation,
                "requested_at": row.asked,
                "approved_at": row.created_at,
                "expires_at": row.expires_at,
                "revoked_at": row.revoked_at,
                "status": "revoked" if row.revoked_at else ("expired" if row.expires_at <= now else "active"),
            }
            for row in conn.execute(q)
        ]
