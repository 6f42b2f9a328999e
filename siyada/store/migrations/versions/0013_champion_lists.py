"""Knowledge (SQLite): champion lists of common lexical terms (their best chunk ids and BM25 scores),
computed on first use by a search and kept here so other processes and restarts find them
(siyada/knowledge/champions.py).

Revision ID: 0013
Revises: 0012
"""

from alembic import op

revision = "0013"
down_revision = "0012"


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "CREATE TABLE chunk_terms_champions (term TEXT PRIMARY KEY, df INTEGER NOT NULL,"
        " ids BLOB NOT NULL, scores BLOB NOT NULL) WITHOUT ROWID"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE chunk_terms_champions")
