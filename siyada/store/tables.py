"""The schema, declared once with SQLAlchemy Core; Alembic revisions create it on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

tenants = sa.Table(
    "tenants",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("description", sa.String(500), nullable=False, server_default=""),
    # JSON list of public model names this tenant may call; NULL means every model.
    sa.Column("allowed_models", sa.JSON, nullable=True),
    sa.Column("created_at", sa.Float, nullable=False),
)

api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    sa.Column("name", sa.String(64), nullable=False, server_default=""),
    sa.Column("role", sa.String(16), nullable=False),
    # Only the SHA-256 of the secret is kept; the prefix lets people recognise a key in listings.
    sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("prefix", sa.String(16), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("revoked_at", sa.Float, nullable=True),
)

registered_models = sa.Table(
    "registered_models",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(128), nullable=False, unique=True),
    sa.Column("kind", sa.String(16), nullable=False),  # chat | embeddings
    sa.Column("path", sa.String(1024), nullable=False),
    sa.Column("context_length", sa.Integer, nullable=True),
    sa.Column("created_at", sa.Float, nullable=False),
)

usage = sa.Table(
    "usage",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("ts", sa.Float, nullable=False, index=True),
    sa.Column("tenant_id", sa.Integer, nullable=True),
    sa.Column("key_id", sa.Integer, nullable=True),
    sa.Column("endpoint", sa.String(32), nullable=False),
    sa.Column("model", sa.String(128), nullable=False),
    sa.Column("provider", sa.String(128), nullable=True),
    sa.Column("status", sa.Integer, nullable=False),
    sa.Column("prompt_tokens", sa.Integer, nullable=False, server_default="0"),
    sa.Column("completion_tokens", sa.Integer, nullable=False, server_default="0"),
    sa.Column("latency_ms", sa.Float, nullable=False, server_default="0"),
    sa.Column("ttft_ms", sa.Float, nullable=True),
)
