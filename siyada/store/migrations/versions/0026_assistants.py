"""Assistants (siyada.assistants): tenant-owned, versioned configurations served as `assistant/NAME`.

Revision ID: 0026
Revises: 0025 (the integrator re-chains)
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"


def upgrade() -> None:
    op.create_table(
        "assistants",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(48), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("config", sa.JSON, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("retired_at", sa.Float, nullable=True),
        sa.UniqueConstraint("tenant_id", "name", "version", name="uq_assistants_tenant_name_version"),
    )


def downgrade() -> None:
    op.drop_table("assistants")
