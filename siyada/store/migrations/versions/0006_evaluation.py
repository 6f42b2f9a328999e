"""The evaluation lab: runs, per-item results (the resume checkpoint), task scores, the answer cache.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    op.create_table(
        "eval_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("target", sa.String(500), nullable=False),
        sa.Column("model", sa.String(256), nullable=False),
        sa.Column("settings", sa.JSON, nullable=False),
        sa.Column("provenance", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("started_at", sa.Float, nullable=False),
        sa.Column("finished_at", sa.Float, nullable=True),
    )
    op.create_index("ix_eval_runs_key", "eval_runs", ["key"])
    op.create_table(
        "eval_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("eval_runs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("task", sa.String(128), nullable=False),
        sa.Column("item_id", sa.String(200), nullable=False),
        sa.Column("lang", sa.String(16), nullable=False, server_default=""),
        sa.Column("prediction", sa.JSON, nullable=True),
        sa.Column("detail", sa.JSON, nullable=True),
        sa.Column("values", sa.JSON, nullable=False),
        sa.UniqueConstraint("run_id", "task", "item_id", name="uq_eval_items_run_task_item"),
    )
    op.create_table(
        "eval_scores",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("eval_runs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("task", sa.String(128), nullable=False),
        sa.Column("task_version", sa.String(200), nullable=False),
        sa.Column("task_type", sa.String(32), nullable=False),
        sa.Column("n", sa.Integer, nullable=False),
        sa.Column("primary_metric", sa.String(64), nullable=False),
        sa.Column("primary_value", sa.Float, nullable=False),
        sa.Column("metrics", sa.JSON, nullable=False),
        sa.Column("by_language", sa.JSON, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.UniqueConstraint("run_id", "task", name="uq_eval_scores_run_task"),
    )
    op.create_table(
        "eval_cache",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("response", sa.JSON, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("eval_cache")
    op.drop_table("eval_scores")
    op.drop_table("eval_items")
    op.drop_index("ix_eval_runs_key", "eval_runs")
    op.drop_table("eval_runs")
