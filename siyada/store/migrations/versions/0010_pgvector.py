"""PostgreSQL with pgvector: chunk vectors in a `vector` column, searched in the database (HNSW).

Only on PostgreSQL, and only where the `vector` extension is available to this role; elsewhere the
vectors stay in chunks.vector and are searched in the server's memory. Dialect-specific by design,
like the lexical index (chunk_terms). Existing vectors are copied by the application on first use
(siyada/knowledge/pgvector.py), so this revision stays quick on a big database.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    if bind.execute(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")).first() is None:
        return
    # CREATE EXTENSION needs a role allowed to create it; without one the in-memory path stays.
    with bind.begin_nested() as savepoint:
        try:
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS vector"))
        except sa.exc.DBAPIError:
            savepoint.rollback()
            return
    op.execute(
        "CREATE TABLE chunk_vectors ("
        " chunk_id integer PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,"
        " collection_id integer NOT NULL REFERENCES collections(id) ON DELETE CASCADE,"
        " dims smallint NOT NULL,"
        " embedding vector NOT NULL)"
    )
    op.execute("CREATE INDEX ix_chunk_vectors_collection ON chunk_vectors (collection_id)")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS chunk_vectors")
