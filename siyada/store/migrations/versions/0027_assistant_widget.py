"""Assistants' citizen channel and watching (siyada.assistants.channel, .watch): the widget's settings
per assistant, one row per question asked (scrubbed text, day, version, channel, outcome), feedback.

Revision ID: 0027
Revises: 0026 (the integrator re-chains)
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"


def upgrade() -> None:
    op.create_table(
        "assistant_widgets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(48), nullable=False),
        sa.Column("settings", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
        sa.UniqueConstraint("tenant_id", "name", name="uq_assistant_widgets_tenant_name"),
    )
    op.create_table(
        "assistant_questions",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(48), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_index("ix_assistant_questions_assistant", "assistant_questions", ["tenant_id", "name", "day"])
    op.create_table(
        "assistant_feedback",
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
        sa.Column("rating", sa.String(8), nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_index("ix_assistant_feedback_assistant", "assistant_feedback", ["tenant_id", "name"])


def downgrade() -> None:
    op.drop_table("assistant_feedback")
    op.drop_table("assistant_questions")
    op.drop_table("assistant_widgets")
