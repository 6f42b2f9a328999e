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
    sa.Column("energy_wh", sa.Float, nullable=False, server_default="0"),
)

# Per-day roll-up of usage: raw rows older than the retention window are folded in here and deleted.
usage_daily = sa.Table(
    "usage_daily",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("day", sa.String(10), nullable=False),  # YYYY-MM-DD, UTC
    sa.Column("tenant_id", sa.Integer, nullable=True),
    sa.Column("key_id", sa.Integer, nullable=True),
    sa.Column("endpoint", sa.String(32), nullable=False),
    sa.Column("model", sa.String(128), nullable=False),
    sa.Column("provider", sa.String(128), nullable=True),
    sa.Column("requests", sa.Integer, nullable=False, server_default="0"),
    sa.Column("errors", sa.Integer, nullable=False, server_default="0"),
    sa.Column("prompt_tokens", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("completion_tokens", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("latency_ms_sum", sa.Float, nullable=False, server_default="0"),
    sa.Column("energy_wh", sa.Float, nullable=False, server_default="0"),
    sa.UniqueConstraint(
        "day", "tenant_id", "key_id", "endpoint", "model", "provider", name="uq_usage_daily_group"
    ),
)

# Quotas: one row per (scope, scope_id, model); model NULL means "all models together".
limits = sa.Table(
    "limits",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("scope", sa.String(16), nullable=False),  # key | tenant
    sa.Column("scope_id", sa.Integer, nullable=False),
    sa.Column("model", sa.String(128), nullable=True),
    sa.Column("rpm", sa.Integer, nullable=True),  # requests per minute
    sa.Column("tpm", sa.Integer, nullable=True),  # tokens per minute
    sa.Column("tpd", sa.Integer, nullable=True),  # tokens per day
    sa.Column("monthly_tokens", sa.BigInteger, nullable=True),  # budget per calendar month
    sa.Column("created_at", sa.Float, nullable=False),
    sa.UniqueConstraint("scope", "scope_id", "model", name="uq_limits_scope"),
)

# Append-only audit log; each entry carries the hash of the previous one.
audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("ts", sa.Float, nullable=False),
    sa.Column("actor", sa.String(64), nullable=False),  # "key:12", "cli", "system"
    sa.Column("tenant_id", sa.Integer, nullable=True),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("target", sa.String(200), nullable=False, server_default=""),
    sa.Column("details", sa.JSON, nullable=True),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
)

# Periodic signed checkpoints of the audit chain (Ed25519 over the entry id and hash).
audit_checkpoints = sa.Table(
    "audit_checkpoints",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("ts", sa.Float, nullable=False),
    sa.Column("entry_id", sa.Integer, nullable=False),
    sa.Column("entry_hash", sa.String(64), nullable=False),
    sa.Column("public_key", sa.String(64), nullable=False),  # hex of the raw Ed25519 public key
    sa.Column("signature", sa.String(128), nullable=False),  # hex
)
