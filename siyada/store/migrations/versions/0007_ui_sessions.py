"""The web app's sessions: a cookie token (hashed) bound to an API key, with its CSRF token.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"


def upgrade() -> None:
    op.create_table(
        "ui_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
    )
    op.create_index("ix_ui_sessions_key_hash", "ui_sessions", ["key_hash"])


def downgrade() -> None:
    op.drop_index("ix_ui_sessions_key_hash", "ui_sessions")
    op.drop_table("ui_sessions")
