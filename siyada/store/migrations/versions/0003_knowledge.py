"""Knowledge: collections, documents, chunks (with their vectors) and the lexical index.

On SQLite the lexical index is an FTS5 table whose rowid is the chunk id; on PostgreSQL a tsvector column
with a GIN index on a side table.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.create_table(
        "collections",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("description", sa.String(1000), nullable=False, server_default=""),
        sa.Column("embedding_model", sa.String(128), nullable=True),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.UniqueConstraint("tenant_id", "name", name="uq_collections_tenant_name"),
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column(
            "collection_id", sa.Integer, sa.ForeignKey("collections.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("tenant_id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("title", sa.String(500), nullable=True),
        sa.Column("metadata", sa.JSON, nullable=True),
        sa.Column("chars", sa.Integer, nullable=False),
        sa.Column("chunks", sa.Integer, nullable=False),
        sa.Column("pseudonymised", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.UniqueConstraint("collection_id", "sha256", name="uq_documents_collection_sha256"),
    )
    op.create_table(
        "chunks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "document_id", sa.String(40), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("collection_id", sa.Integer, nullable=False),
        sa.Column("idx", sa.Integer, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("section", sa.String(500), nullable=True),
        sa.Column("page", sa.Integer, nullable=True),
        sa.Column("vector", sa.LargeBinary, nullable=True),
    )
    op.create_index("ix_chunks_collection_id", "chunks", ["collection_id"])
    op.create_index("ix_chunks_document_id", "chunks", ["document_id"])
    if op.get_bind().dialect.name == "sqlite":
        # The terms are produced by siyada.lang.analysis (normalised, stemmed, transliterated); FTS5 only
        # splits them on spaces and ranks with BM25.
        op.execute(
            "CREATE VIRTUAL TABLE chunk_terms USING fts5(terms, collection_id UNINDEXED, "
            "tokenize = \"unicode61 remove_diacritics 0 tokenchars '_:'\")"
        )
    else:
        op.create_table(
            "chunk_terms",
            sa.Column(
                "chunk_id", sa.Integer, sa.ForeignKey("chunks.id", ondelete="CASCADE"), primary_key=True
            ),
            sa.Column("collection_id", sa.Integer, nullable=False),
            sa.Column("tsv", postgresql.TSVECTOR, nullable=False),
        )
        op.execute("CREATE INDEX ix_chunk_terms_tsv ON chunk_terms USING gin (tsv)")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS chunk_terms")
    op.drop_table("chunks")
    op.drop_table("documents")
    op.drop_table("collections")
