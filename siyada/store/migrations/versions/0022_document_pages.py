"""Knowledge: the pages OCR read (siyada/knowledge/ocr): per page its size, language, confidence, the
word boxes as offsets into the document's text, and the page image a citation's region is shown on.
Deleted with their document.

Revision ID: 0022
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0018"


def upgrade() -> None:
    op.create_table(
        "document_pages",
        sa.Column(
            "document_id", sa.String(40), sa.ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("page", sa.Integer, primary_key=True),
        sa.Column("width", sa.Integer, nullable=False),
        sa.Column("height", sa.Integer, nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("words", sa.LargeBinary, nullable=True),
        sa.Column("image", sa.LargeBinary, nullable=True),
        sa.Column("image_scale", sa.Float, nullable=False, server_default="1"),
    )


def downgrade() -> None:
    op.drop_table("document_pages")
