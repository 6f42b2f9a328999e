"""Knowledge: the analysis version a collection's lexical terms come from (siyada.lang.analysis,
siyada/knowledge/lexical_rebuild.py); NULL for collections made before, whose terms need rebuilding.

Revision ID: 0025
Revises: 0023 (0024 once the other slice that adds it is merged: the integrator re-chains)
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0023"


def upgrade() -> None:
    with op.batch_alter_table("collections") as batch:
        batch.add_column(sa.Column("lexical_version", sa.Integer, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("collections") as batch:
        batch.drop_column("lexical_version")
