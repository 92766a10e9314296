"""import profiles and duplicate-safe appends (issue 8)

PLACEHOLDER: reserved in the revision chain; its owner fills it in (or it is removed and the chain
re-linked if unused).

Revision ID: 0007_import_profiles
Revises: 0006_match_write
Create Date: 2026-11-28
"""

from collections.abc import Sequence

revision: str = "0007_import_profiles"
down_revision: str | None = "0006_match_write"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
