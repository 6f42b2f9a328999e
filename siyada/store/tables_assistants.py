"""The assistants' tables (siyada.assistants): versions, the citizen channel and what it records."""

from __future__ import annotations

import sqlalchemy as sa

from siyada.store.metadata import metadata

# ---- assistants (siyada.assistants) ------------------------------------------------------------------
# One row per version: an edit adds a row (version + 1) and never changes an old one, so a call pinned to
# `assistant/NAME@3` answers with exactly what version 3 said. Retiring stamps every version of the name.
assistants = sa.Table(
    "assistants",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    sa.Column("name", sa.String(48), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("config", sa.JSON, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("created_by", sa.String(64), nullable=False),
    sa.Column("retired_at", sa.Float, nullable=True),
    sa.UniqueConstraint("tenant_id", "name", "version", name="uq_assistants_tenant_name_version"),
)

# ---- citizen channel and watching an assistant (siyada.assistants.channel, .watch) -------------------
# The widget's settings are a channel setting, not part of the assistant's versioned configuration: one
# row per (tenant, assistant name), replaced by each edit (audited).
assistant_widgets = sa.Table(
    "assistant_widgets",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    sa.Column("name", sa.String(48), nullable=False),
    sa.Column("settings", sa.JSON, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
    sa.Column("updated_by", sa.String(64), nullable=False),
    sa.UniqueConstraint("tenant_id", "name", name="uq_assistant_widgets_tenant_name"),
)
# One row per call of an assistant: the question as scrubbed text only (no personal data), its day, the
# version that answered, the channel (api | widget) and the outcome (answered | not_found).
assistant_questions = sa.Table(
    "assistant_questions",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),  # random: a widget's feedback names it
    sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    sa.Column("name", sa.String(48), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("day", sa.String(10), nullable=False),  # YYYY-MM-DD, UTC
    sa.Column("question", sa.Text, nullable=False),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Index("ix_assistant_questions_assistant", "tenant_id", "name", "day"),
)
# Thumbs up or down on one answer, with an optional comment (scrubbed); one per question.
assistant_feedback = sa.Table(
    "assistant_feedback",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "question_id",
        sa.String(32),
        sa.ForeignKey("assistant_questions.id", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    ),
    sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    sa.Column("name", sa.String(48), nullable=False),
    sa.Column("rating", sa.String(8), nullable=False),  # up | down
    sa.Column("comment", sa.Text, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Index("ix_assistant_feedback_assistant", "tenant_id", "name"),
)
