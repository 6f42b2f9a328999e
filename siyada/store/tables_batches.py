"""Files and batches (siyada.batches), on the schema's one MetaData."""

from __future__ import annotations

import sqlalchemy as sa

from siyada.store.metadata import metadata

# ---- files and batches (siyada.batches) --------------------------------------------------------------
# A file's bytes sit under `<data dir>/files/<tenant id>/<id>`, renamed into place before its row commits.
files = sa.Table(
    "files",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    sa.Column("purpose", sa.String(16), nullable=False),  # batch (uploaded) | batch_output (written here)
    sa.Column("filename", sa.String(255), nullable=False),
    sa.Column("bytes", sa.BigInteger, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Index("ix_files_tenant", "tenant_id", "created_at"),
)

# A batch and its state; `owner` and `lease_until` say which server process runs it (a claim that lapses
# when that process dies, so another, or the same restarted, resumes it).
batches = sa.Table(
    "batches",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    sa.Column("key_id", sa.Integer, sa.ForeignKey("api_keys.id"), nullable=False),  # runs as this key
    sa.Column("endpoint", sa.String(32), nullable=False),
    sa.Column("input_file_id", sa.String(40), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("metadata", sa.JSON, nullable=True),
    sa.Column("errors", sa.JSON, nullable=True),
    sa.Column("total", sa.Integer, nullable=False, server_default="0"),
    sa.Column("output_file_id", sa.String(40), nullable=True),
    sa.Column("error_file_id", sa.String(40), nullable=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),
    sa.Column("times", sa.JSON, nullable=False),  # when it entered each later state: {"in_progress_at": ...}
    sa.Column("owner", sa.String(40), nullable=True),
    sa.Column("lease_until", sa.Float, nullable=False, server_default="0"),
    sa.Index("ix_batches_tenant", "tenant_id", "created_at"),
    sa.Index("ix_batches_status", "status"),
)

# One row per request of a batch that has its answer: its output (or error) line, committed once; the
# unique custom id is what makes a resumed batch skip what was done, and never write a line twice.
batch_requests = sa.Table(
    "batch_requests",
    metadata,
    sa.Column("batch_id", sa.String(40), sa.ForeignKey("batches.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("custom_id", sa.String(512), primary_key=True),
    sa.Column("line", sa.Integer, nullable=False),
    sa.Column("status_code", sa.Integer, nullable=False),
    sa.Column("result", sa.JSON, nullable=False),
)
