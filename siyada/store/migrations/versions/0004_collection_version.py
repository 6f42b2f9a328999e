"""Knowledge: a per-collection version, bumped by every write to its documents, so a search can tell
in one primary-key read whether its in-memory vectors are current (counting a million chunk rows
took seconds).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    with op.batch_alter_table("collections") as batch:
        batch.add_column(sa.Column("version", sa.Integer, nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("collections") as batch:
        batch.drop_column("version")
