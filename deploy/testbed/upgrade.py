"""The "new version" of a rolling upgrade: this repository's `siyada` package copied aside with one more
Alembic revision, the kind a next release adds (a nullable column on a table every call writes, and a
new table). Replicas of the new version run from that copy (their working directory comes first on
`sys.path`); the replicas of the current code are the old version, which never saw the revision: what
an operator meets when the migration Job has run and the old pods still serve. Test bed only."""

from __future__ import annotations

import shutil
from pathlib import Path

from siyada.store.db import head_revision

REVISION = "testbed_next"

_TEMPLATE = '''"""Test bed only (deploy/testbed/upgrade.py): what a next release's revision looks like.

Revision ID: {revision}
Revises: {down}
"""

import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = "{down}"


def upgrade() -> None:
    # Nullable, no default: old code keeps inserting rows without it (revisions only add).
    op.add_column("usage", sa.Column("upgrade_note", sa.String(64), nullable=True))
    op.create_table(
        "testbed_next",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("note", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("testbed_next")
    op.drop_column("usage", "upgrade_note")
'''


def new_version(root: Path) -> Path:
    """A directory to run the new version from (`python -m siyada` with it as working directory)."""
    src = Path(__file__).resolve().parents[2] / "siyada"
    dest = root / "new-version"
    shutil.copytree(src, dest / "siyada", ignore=shutil.ignore_patterns("__pycache__"))
    versions = dest / "siyada" / "store" / "migrations" / "versions"
    (versions / f"{REVISION}.py").write_text(_TEMPLATE.format(revision=REVISION, down=head_revision()))
    return dest
