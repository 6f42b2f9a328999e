"""Knowledge: per-sentence vectors of multi-sentence chunks (float16 rows in one blob), which rescore
dense candidates by their best sentence. A plain ADD COLUMN (nullable, no default), so SQLite does not
rebuild a big chunks table; chunks stored before it simply have none and are scored by their own vector.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"


def upgrade() -> None:
    op.add_column("chunks", sa.Column("sentence_vectors", sa.LargeBinary, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("chunks") as batch:
        batch.drop_column("sentence_vectors")
