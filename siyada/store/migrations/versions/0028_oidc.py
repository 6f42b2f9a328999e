"""Single sign-on (siyada.ui.sso): identities bound to (provider, subject), logins under way, and the
ID token behind each SSO web session (sealed) for RP-initiated logout.

Revision ID: 0028
Revises: 0027
"""

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"


def upgrade() -> None:
    op.create_table(
        "oidc_identities",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("provider", sa.String(32), nullable=False),
        sa.Column("subject_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("disabled_by_rules", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("last_login_at", sa.Float, nullable=False),
        sa.UniqueConstraint("provider", "subject_hash", name="uq_oidc_identities_provider_subject"),
        sa.UniqueConstraint("user_id", name="uq_oidc_identities_user_id"),
    )
    op.create_table(
        "oidc_pending",
        sa.Column("state_hash", sa.String(64), primary_key=True),
        sa.Column("provider", sa.String(32), nullable=False),
        sa.Column("nonce", sa.String(128), nullable=False),
        sa.Column("code_verifier", sa.String(128), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_index("ix_oidc_pending_created_at", "oidc_pending", ["created_at"])
    op.create_table(
        "oidc_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("provider", sa.String(32), nullable=False),
        sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
        sa.Column("id_token", sa.LargeBinary, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
    )
    op.create_index("ix_oidc_sessions_expires_at", "oidc_sessions", ["expires_at"])


def downgrade() -> None:
    op.drop_table("oidc_sessions")
    op.drop_table("oidc_pending")
    op.drop_table("oidc_identities")
