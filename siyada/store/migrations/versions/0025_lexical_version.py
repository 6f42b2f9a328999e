"""Knowledge: the analysis version a collection's lexical terms come from (siyada.lang.analysis,
siyada/knowledge/lexical_rebuild.py); NULL for collections made before, whose terms need rebuilding.

Revision ID: 0025
Revises: 0024
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"


def upgrade() -> None:
    with op.batch_alter_table("collections") as batch:
        batch.add_column(sa.Column("lexical_version", sa.Integer, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("collections") as batch:
        batch.drop_column("lexical_version")
