"""Audit: checkpoints form a chain (origin, sequence number, previous checkpoint's hash; NULL on older
ones), and the checkpoints of other logs this server witnesses.

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"


def upgrade() -> None:
    with op.batch_alter_table("audit_checkpoints") as batch:
        batch.add_column(sa.Column("origin", sa.String(200), nullable=True))
        batch.add_column(sa.Column("seq", sa.Integer, nullable=True))
        batch.add_column(sa.Column("prev_hash", sa.String(64), nullable=True))
    op.create_index("ix_audit_checkpoints_origin_seq", "audit_checkpoints", ["origin", "seq"], unique=True)
    op.create_table(
        "audit_witnessed",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("origin", sa.String(200), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("checkpoint_hash", sa.String(64), nullable=False),
        sa.Column("checkpoint", sa.JSON, nullable=False),
        sa.Column("cosignature", sa.String(128), nullable=False),
        sa.Column("received_at", sa.Float, nullable=False),
        sa.UniqueConstraint("origin", "seq", name="uq_audit_witnessed_origin_seq"),
    )


def downgrade() -> None:
    op.drop_table("audit_witnessed")
    op.drop_index("ix_audit_checkpoints_origin_seq", table_name="audit_checkpoints")
    with op.batch_alter_table("audit_checkpoints") as batch:
        batch.drop_column("prev_hash")
        batch.drop_column("seq")
        batch.drop_column("origin")
