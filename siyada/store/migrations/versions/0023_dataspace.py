"""The R&D data space (siyada.dataspace): data sets with their DCAT metadata and data card, their columns'
classification and profile, researchers' requests, and the grants that approve them with an ε ledger.

Revision ID: 0023
Revises: 0022
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"


def _dataset_fk(**kw: object) -> sa.Column:
    return sa.Column(
        "dataset_id",
        sa.String(40),
        sa.ForeignKey("dataspace_datasets.id", ondelete="CASCADE"),
        **kw,  # type: ignore[arg-type]
    )


def upgrade() -> None:
    op.create_table(
        "dataspace_datasets",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("file", sa.String(500), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("metadata", sa.JSON, nullable=False),
        sa.Column("card", sa.JSON, nullable=True),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("published_at", sa.Float, nullable=True),
    )
    op.create_table(
        "dataspace_columns",
        _dataset_fk(primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False, server_default=""),
        sa.Column("distinct_count", sa.Integer, nullable=False),
        sa.Column("is_unique", sa.Boolean, nullable=False),
        sa.Column("pseudonymised", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "dataspace_requests",
        sa.Column("id", sa.String(40), primary_key=True),
        _dataset_fk(nullable=False),
        sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
        sa.Column("key_id", sa.Integer, sa.ForeignKey("api_keys.id"), nullable=False),
        sa.Column("purpose", sa.String(2000), nullable=False),
        sa.Column("columns", sa.JSON, nullable=False),
        sa.Column("modes", sa.JSON, nullable=False),
        sa.Column("days", sa.Integer, nullable=False),
        sa.Column("epsilon_micro", sa.BigInteger, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("decided_at", sa.Float, nullable=True),
        sa.Column("decided_by", sa.Integer, nullable=True),
    )
    op.create_index("ix_dataspace_requests_dataset", "dataspace_requests", ["dataset_id", "status"])
    op.create_table(
        "dataspace_grants",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column(
            "request_id",
            sa.String(40),
            sa.ForeignKey("dataspace_requests.id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        ),
        _dataset_fk(nullable=False),
        sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
        sa.Column("key_id", sa.Integer, sa.ForeignKey("api_keys.id"), nullable=False),
        sa.Column("columns", sa.JSON, nullable=False),
        sa.Column("modes", sa.JSON, nullable=False),
        sa.Column("epsilon_budget_micro", sa.BigInteger, nullable=False),
        sa.Column("epsilon_spent_micro", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
        sa.Column("revoked_at", sa.Float, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("dataspace_grants")
    op.drop_index("ix_dataspace_requests_dataset", "dataspace_requests")
    op.drop_table("dataspace_requests")
    op.drop_table("dataspace_columns")
    op.drop_table("dataspace_datasets")
