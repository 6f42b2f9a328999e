"""The R&D data space's tables (siyada.dataspace), on the schema's one MetaData."""

from __future__ import annotations

import sqlalchemy as sa

from siyada.store.metadata import metadata

# ---- the R&D data space (siyada.dataspace) --------------------------------------------------------
# A tenant's data set: its DCAT metadata and data card; the rows live in a Parquet file under the data
# directory (`file`, relative), direct identifiers already pseudonymised there.
dataspace_datasets = sa.Table(
    "dataspace_datasets",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # draft | published
    sa.Column("file", sa.String(500), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),  # of the uploaded file
    sa.Column("format", sa.String(16), nullable=False),  # csv | xlsx | parquet (as uploaded)
    sa.Column("rows", sa.Integer, nullable=False),
    sa.Column("metadata", sa.JSON, nullable=False),  # DCAT fields (siyada.dataspace.card.Metadata)
    sa.Column("card", sa.JSON, nullable=True),  # the data card (siyada.dataspace.card.DataCard)
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("published_at", sa.Float, nullable=True),
)

# One row per column: its classification (direct | quasi | sensitive | other), why, and its profile.
dataspace_columns = sa.Table(
    "dataspace_columns",
    metadata,
    sa.Column(
        "dataset_id",
        sa.String(40),
        sa.ForeignKey("dataspace_datasets.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(128), nullable=False),
    sa.Column("type", sa.String(32), nullable=False),  # integer | number | string | boolean | date | ...
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("reason", sa.String(200), nullable=False, server_default=""),
    sa.Column("distinct_count", sa.Integer, nullable=False),
    sa.Column("is_unique", sa.Boolean, nullable=False),  # every non-null value distinct: no GROUP BY on it
    sa.Column("pseudonymised", sa.Boolean, nullable=False, server_default=sa.false()),
)

# A researcher's request (any tenant's key) for a published data set; its owner's admin decides.
dataspace_requests = sa.Table(
    "dataspace_requests",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column(
        "dataset_id",
        sa.String(40),
        sa.ForeignKey("dataspace_datasets.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    sa.Column("key_id", sa.Integer, sa.ForeignKey("api_keys.id"), nullable=False),  # the researcher
    sa.Column("purpose", sa.String(2000), nullable=False),
    sa.Column("columns", sa.JSON, nullable=False),
    sa.Column("modes", sa.JSON, nullable=False),
    sa.Column("days", sa.Integer, nullable=False),
    sa.Column("epsilon_micro", sa.BigInteger, nullable=False),  # ε asked, in millionths
    sa.Column("status", sa.String(16), nullable=False),  # pending | approved | refused
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("decided_at", sa.Float, nullable=True),
    sa.Column("decided_by", sa.Integer, nullable=True),  # the owner admin's key
    sa.Index("ix_dataspace_requests_dataset", "dataset_id", "status"),
)

# What an approval grants. ε is kept in millionths (integers): charges add up exactly, and one
# conditional UPDATE (siyada.dataspace.ledger) can never take the spent past the budget.
dataspace_grants = sa.Table(
    "dataspace_grants",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column(
        "request_id",
        sa.String(40),
        sa.ForeignKey("dataspace_requests.id", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    ),
    sa.Column(
        "dataset_id",
        sa.String(40),
        sa.ForeignKey("dataspace_datasets.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    sa.Column("key_id", sa.Integer, sa.ForeignKey("api_keys.id"), nullable=False),
    sa.Column("columns", sa.JSON, nullable=False),
    sa.Column("modes", sa.JSON, nullable=False),
    sa.Column("epsilon_budget_micro", sa.BigInteger, nullable=False),
    sa.Column("epsilon_spent_micro", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),
    sa.Column("revoked_at", sa.Float, nullable=True),
)

# An output of a query under a grant, in the airlock until its data set's owner or a named checker
# decides. `query` is the checked structure (what ran, for the differencing defence of later tables);
# `result` holds only the released table (suppressed, rounded or noised), never an unsuppressed cell.
dataspace_outputs = sa.Table(
    "dataspace_outputs",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column(
        "grant_id", sa.String(40), sa.ForeignKey("dataspace_grants.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column(
        "dataset_id",
        sa.String(40),
        sa.ForeignKey("dataspace_datasets.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    sa.Column("key_id", sa.Integer, sa.ForeignKey("api_keys.id"), nullable=False),  # the researcher
    sa.Column("mode", sa.String(8), nullable=False),  # table | sql | dp
    sa.Column("fingerprint", sa.String(64), nullable=False),  # sha256 of the statement that ran
    sa.Column("query", sa.JSON, nullable=False),
    # running | pending | refused | failed | approved | rejected
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("evidence", sa.JSON, nullable=False),
    sa.Column("result", sa.JSON, nullable=True),
    sa.Column("epsilon_micro", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("decided_at", sa.Float, nullable=True),
    sa.Column("decided_by", sa.String(64), nullable=True),  # the deciding key's audit actor
    sa.Index("ix_dataspace_outputs_grant", "grant_id", "status"),
    sa.Index("ix_dataspace_outputs_dataset", "dataset_id"),
)
