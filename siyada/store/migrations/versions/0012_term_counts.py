"""Knowledge (SQLite): how many chunks hold each lexical term, kept beside the FTS5 index so a query can
choose which terms to rank without walking their doclists. Counts are kept for one chunk in 32 (by id,
`lexical.DF_SAMPLE`); filled once here from the index's exact counts (fts5vocab, one pass), divided by
32, then updated by every write in the same transaction.

Revision ID: 0012
Revises: 0011
"""

from alembic import op

revision = "0012"
down_revision = "0011"


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return  # PostgreSQL ranks with its GIN index and prunes nothing
    op.execute("CREATE TABLE chunk_terms_df (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID")
    op.execute("CREATE VIRTUAL TABLE temp.chunk_vocab_0012 USING fts5vocab(main, chunk_terms, 'col')")
    op.execute(
        "INSERT INTO chunk_terms_df (term, df)"
        " SELECT term, (doc + 16) / 32 FROM temp.chunk_vocab_0012 WHERE col = 'terms' AND doc >= 16"
    )
    op.execute("DROP TABLE temp.chunk_vocab_0012")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE chunk_terms_df")
