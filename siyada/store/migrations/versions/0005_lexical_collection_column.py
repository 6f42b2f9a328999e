"""Knowledge (SQLite): the lexical index holds each chunk's collection as an indexed token (``c<id>`` in
a column ranked with weight 0) instead of an UNINDEXED column. Filtering on an UNINDEXED column made
FTS5 read every matching row's stored content: 4-6x slower at a million chunks.

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"

_TOKENIZE = "tokenize = \"unicode61 remove_diacritics 0 tokenchars '_:'\""


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(f"CREATE VIRTUAL TABLE chunk_terms_v5 USING fts5(terms, coll, {_TOKENIZE})")
    op.execute(
        "INSERT INTO chunk_terms_v5 (rowid, terms, coll) "
        "SELECT rowid, terms, 'c' || collection_id FROM chunk_terms"
    )
    op.execute("DROP TABLE chunk_terms")
    op.execute("ALTER TABLE chunk_terms_v5 RENAME TO chunk_terms")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(f"CREATE VIRTUAL TABLE chunk_terms_v4 USING fts5(terms, collection_id UNINDEXED, {_TOKENIZE})")
    op.execute(
        "INSERT INTO chunk_terms_v4 (rowid, terms, collection_id) "
        "SELECT rowid, terms, CAST(substr(coll, 2) AS INTEGER) FROM chunk_terms"
    )
    op.execute("DROP TABLE chunk_terms")
    op.execute("ALTER TABLE chunk_terms_v4 RENAME TO chunk_terms")
