"""Governance: a third role, `operator` (the platform), above tenant `admin`s (their own tenant only).

Before, every admin key managed every tenant. The install's first tenant (lowest id) is the one its
operator created keys in, so its admin keys become operator keys; every other tenant's admin keys stay
tenant admins and from now on manage their own tenant only. The role column is a plain string (no CHECK),
so only data changes.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"

_keys = sa.table("api_keys", sa.column("tenant_id", sa.Integer), sa.column("role", sa.String))
_tenants = sa.table("tenants", sa.column("id", sa.Integer))


def upgrade() -> None:
    first = sa.select(sa.func.min(_tenants.c.id)).scalar_subquery()
    op.execute(
        _keys.update().where(_keys.c.role == "admin", _keys.c.tenant_id == first).values(role="operator")
    )


def downgrade() -> None:
    op.execute(_keys.update().where(_keys.c.role == "operator").values(role="admin"))
