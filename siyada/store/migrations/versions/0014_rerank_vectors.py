"""Knowledge: a re-ranking model's vectors of the chunks it has re-scored, computed on first use and
deleted with their chunk (siyada/knowledge/rerank.py).

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"


def upgrade() -> None:
    op.create_table(
        "chunk_rerank_vectors",
        sa.Column("chunk_id", sa.Integer, sa.ForeignKey("chunks.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("model", sa.String(200), primary_key=True),
        sa.Column("vector", sa.LargeBinary, nullable=False),
        sa.Column("sentence_vectors", sa.LargeBinary, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("chunk_rerank_vectors")
