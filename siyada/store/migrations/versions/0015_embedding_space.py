"""Knowledge: the embedding model version (vector space) a collection's vectors come from
(siyada/knowledge/reindex.py); NULL for collections made before, which are not checked.

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"


def upgrade() -> None:
    with op.batch_alter_table("collections") as batch:
        batch.add_column(sa.Column("embedding_space", sa.String(100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("collections") as batch:
        batch.drop_column("embedding_space")
