"""The schema, declared once with SQLAlchemy Core; Alembic revisions create it on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa

from siyada.store.metadata import metadata

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
    # The checkpoint chain (revision 0017; NULL on older checkpoints): the log's name, 1, 2, 3…, and
    # the previous checkpoint's hash.
    sa.Column("origin", sa.String(200), nullable=True),
    sa.Column("seq", sa.Integer, nullable=True),
    sa.Column("prev_hash", sa.String(64), nullable=True),
    sa.Index("ix_audit_checkpoints_origin_seq", "origin", "seq", unique=True),
)

# Checkpoints of other Siyada logs this server witnesses (POST /v1/audit/witness), with its countersignature.
audit_witnessed = sa.Table(
    "audit_witnessed",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("origin", sa.String(200), nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("checkpoint_hash", sa.String(64), nullable=False),
    sa.Column("checkpoint", sa.JSON, nullable=False),  # as received, signature included
    sa.Column("cosignature", sa.String(128), nullable=False),  # hex, by this server's audit key
    sa.Column("received_at", sa.Float, nullable=False),
    sa.UniqueConstraint("origin", "seq", name="uq_audit_witnessed_origin_seq"),
)

# ---- knowledge ---------------------------------------------------------------------------------------
collections = sa.Table(
    "collections",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    sa.Column("name", sa.String(128), nullable=False),
    sa.Column("description", sa.String(1000), nullable=False, server_default=""),
    # Dense vectors come from this embedding model; NULL: lexical search only.
    sa.Column("embedding_model", sa.String(128), nullable=True),
    # ...as that model was then (its `space`, siyada/knowledge/reindex.py); NULL: not recorded.
    sa.Column("embedding_space", sa.String(100), nullable=True),
    # The analysis version its lexical terms come from (siyada.lang.analysis.ANALYSIS_VERSION; 0: being
    # rebuilt, siyada/knowledge/lexical_rebuild.py); NULL: made before versions, terms to rebuild.
    sa.Column("lexical_version", sa.Integer, nullable=True),
    sa.Column("created_at", sa.Float, nullable=False),
    # Bumped in the same transaction as any change to the collection's documents (see vectors.py).
    sa.Column("version", sa.Integer, nullable=False, server_default="0"),
    sa.UniqueConstraint("tenant_id", "name", name="uq_collections_tenant_name"),
)

documents = sa.Table(
    "documents",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),  # doc_ + hash of (collection, content): idempotent
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

chunks = sa.Table(
    "chunks",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),  # also the rowid of the lexical index
    sa.Column(
        "document_id", sa.String(40), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("collection_id", sa.Integer, nullable=False, index=True),
    sa.Column("idx", sa.Integer, nullable=False),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("section", sa.String(500), nullable=True),
    sa.Column("page", sa.Integer, nullable=True),
    # float32 little-endian, L2-normalised; NULL when the collection has no embedding model.
    sa.Column("vector", sa.LargeBinary, nullable=True),
    # float16 rows, one per sentence, when the chunk has several and its model embeds sentences too.
    sa.Column("sentence_vectors", sa.LargeBinary, nullable=True),
)

# A re-ranking model's vectors of the chunks it has re-scored (siyada.knowledge.rerank), computed on
# first use; they go with their chunk.
chunk_rerank_vectors = sa.Table(
    "chunk_rerank_vectors",
    metadata,
    sa.Column("chunk_id", sa.Integer, sa.ForeignKey("chunks.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("model", sa.String(200), primary_key=True),
    sa.Column("vector", sa.LargeBinary, nullable=False),  # float32, L2-normalised
    sa.Column("sentence_vectors", sa.LargeBinary, nullable=True),  # float16 rows, as chunks.sentence_vectors
)

# Pages read by OCR (siyada.knowledge.ocr.store): word boxes (int32 rows: start, end, x0, y0, x1, y1,
# confidence; offsets into the document's text) and the page image shown with a citation's region.
document_pages = sa.Table(
    "document_pages",
    metadata,
    sa.Column(
        "document_id", sa.String(40), sa.ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("page", sa.Integer, primary_key=True),
    sa.Column("width", sa.Integer, nullable=False),
    sa.Column("height", sa.Integer, nullable=False),
    sa.Column("language", sa.String(16), nullable=False),
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column("words", sa.LargeBinary, nullable=True),  # None for a pseudonymised document
    sa.Column("image", sa.LargeBinary, nullable=True),  # JPEG; None for a pseudonymised document
    sa.Column("image_scale", sa.Float, nullable=False, server_default="1"),
)

# ---- the evaluation lab ---------------------------------------------------------------------------
eval_runs = sa.Table(
    "eval_runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    # Hash of what was asked (target, task versions, model, settings): an unfinished run with the same
    # key is resumed instead of started again.
    sa.Column("key", sa.String(64), nullable=False, index=True),
    sa.Column("label", sa.String(200), nullable=False),
    sa.Column("target", sa.String(500), nullable=False),
    sa.Column("model", sa.String(256), nullable=False),
    sa.Column("settings", sa.JSON, nullable=False),
    sa.Column("provenance", sa.JSON, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # running | complete | failed
    sa.Column("started_at", sa.Float, nullable=False),
    sa.Column("finished_at", sa.Float, nullable=True),
)

eval_items = sa.Table(
    "eval_items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("run_id", sa.Integer, sa.ForeignKey("eval_runs.id", ondelete="CASCADE"), nullable=False),
    sa.Column("task", sa.String(128), nullable=False),
    sa.Column("item_id", sa.String(200), nullable=False),
    sa.Column("lang", sa.String(16), nullable=False, server_default=""),
    sa.Column("prediction", sa.JSON, nullable=True),
    sa.Column("detail", sa.JSON, nullable=True),  # what the report shows: input, reference, raw answer
    sa.Column("values", sa.JSON, nullable=False),  # metric name -> per-item value
    sa.UniqueConstraint("run_id", "task", "item_id", name="uq_eval_items_run_task_item"),
)

eval_scores = sa.Table(
    "eval_scores",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("run_id", sa.Integer, sa.ForeignKey("eval_runs.id", ondelete="CASCADE"), nullable=False),
    sa.Column("task", sa.String(128), nullable=False),
    sa.Column("task_version", sa.String(200), nullable=False),
    sa.Column("task_type", sa.String(32), nullable=False),
    sa.Column("n", sa.Integer, nullable=False),
    sa.Column("primary_metric", sa.String(64), nullable=False),
    sa.Column("primary_value", sa.Float, nullable=False),
    sa.Column("metrics", sa.JSON, nullable=False),  # name -> {value, low, high}
    sa.Column("by_language", sa.JSON, nullable=False),  # lang -> {metric: value, n}
    sa.Column("created_at", sa.Float, nullable=False),
    sa.UniqueConstraint("run_id", "task", name="uq_eval_scores_run_task"),
)

eval_cache = sa.Table(
    "eval_cache",
    metadata,
    # SHA-256 of the endpoint and the exact request body: the same question is never paid for twice.
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("response", sa.JSON, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

# ---- the web app ----------------------------------------------------------------------------------
ui_sessions = sa.Table(
    "ui_sessions",
    metadata,
    # SHA-256 of the cookie's random token: a stolen database does not yield live sessions.
    sa.Column("token_hash", sa.String(64), primary_key=True),
    # The session acts as this key (its hash, as api_keys stores it); revoking the key ends the session.
    sa.Column("key_hash", sa.String(64), nullable=False, index=True),
    sa.Column("csrf", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),
)


ui_conversations = sa.Table(
    "ui_conversations",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id"), nullable=False),
    # Owner: the key the session acts as (an API key, or the key behind a username).
    sa.Column("key_id", sa.Integer, sa.ForeignKey("api_keys.id"), nullable=False),
    # Title and messages as JSON, AES-GCM sealed under the tenant's key: a copied database shows no text.
    sa.Column("sealed", sa.LargeBinary, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
    sa.Index("ix_ui_conversations_owner", "key_id", "updated_at"),
)

# Web app logins: a username and password bound to a tenant. A user acts through one internal API key
# (whose secret nobody ever sees), so quotas, usage, audit and revocation work exactly as for any key.
users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    # Stored lower-cased: a username is unique across the whole install, whatever its case.
    sa.Column("username", sa.String(64), nullable=False, unique=True),
    # Self-describing "scrypt$n$r$p$salt$hash" (base64 parts), so the cost can be raised later.
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("key_id", sa.Integer, sa.ForeignKey("api_keys.id"), nullable=False, unique=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("password_changed_at", sa.Float, nullable=False),
    sa.Column("disabled_at", sa.Float, nullable=True),
)

# ---- single sign-on (siyada.ui.sso) ----------------------------------------------------------------
# A user logged in through an OpenID provider is bound to (provider, SHA-256 of its `sub`), never to an
# e-mail: the same `sub` at another provider is another person, and a `sub` that is an e-mail or an
# identity number is not kept in clear.
oidc_identities = sa.Table(
    "oidc_identities",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("provider", sa.String(32), nullable=False),
    sa.Column("subject_hash", sa.String(64), nullable=False),
    sa.Column(
        "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, unique=True
    ),
    # Disabled because the mapping rules stopped matching (a later match enables it again); a user
    # disabled by an administrator stays disabled whatever the claims say.
    sa.Column("disabled_by_rules", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("last_login_at", sa.Float, nullable=False),
    sa.UniqueConstraint("provider", "subject_hash", name="uq_oidc_identities_provider_subject"),
)

# A login under way: what the callback must check (state, nonce) and prove (the PKCE verifier). Used once.
oidc_pending = sa.Table(
    "oidc_pending",
    metadata,
    sa.Column("state_hash", sa.String(64), primary_key=True),
    sa.Column("provider", sa.String(32), nullable=False),
    sa.Column("nonce", sa.String(128), nullable=False),
    sa.Column("code_verifier", sa.String(128), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False, index=True),
)

# The ID token behind a web session, for RP-initiated logout (id_token_hint); sealed under the tenant's
# key since it carries the person's claims. Goes with its session.
oidc_sessions = sa.Table(
    "oidc_sessions",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),  # the ui_sessions row's
    sa.Column("provider", sa.String(32), nullable=False),
    sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    sa.Column("id_token", sa.LargeBinary, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False, index=True),
)

# The other concepts' tables register on the same MetaData; importing them here makes `metadata` whole
# for whoever reads it (Alembic's env, the schema checks).
from siyada.store import tables_assistants, tables_batches, tables_dataspace  # noqa: E402, F401
