"""The data space's airlock: every query's output under a grant, its checks' evidence and, once
computed, the released table only (suppressed, rounded or noised).

Revision ID: 0024
Revises: 0023
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"


def upgrade() -> None:
    op.create_table(
        "dataspace_outputs",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column(
            "grant_id",
            sa.String(40),
            sa.ForeignKey("dataspace_grants.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "dataset_id",
            sa.String(40),
            sa.ForeignKey("dataspace_datasets.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
        sa.Column("key_id", sa.Integer, sa.ForeignKey("api_keys.id"), nullable=False),
        sa.Column("mode", sa.String(8), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("query", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("evidence", sa.JSON, nullable=False),
        sa.Column("result", sa.JSON, nullable=True),
        sa.Column("epsilon_micro", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("decided_at", sa.Float, nullable=True),
        sa.Column("decided_by", sa.String(64), nullable=True),
    )
    op.create_index("ix_dataspace_outputs_grant", "dataspace_outputs", ["grant_id", "status"])
    op.create_index("ix_dataspace_outputs_dataset", "dataspace_outputs", ["dataset_id"])


def downgrade() -> None:
    op.drop_index("ix_dataspace_outputs_dataset", "dataspace_outputs")
    op.drop_index("ix_dataspace_outputs_grant", "dataspace_outputs")
    op.drop_table("dataspace_outputs")
