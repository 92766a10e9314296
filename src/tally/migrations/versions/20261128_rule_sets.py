"""versioned rule sets, backtests and rule suggestions (issue 9)

PLACEHOLDER: reserved in the revision chain; its owner fills it in (or it is removed and the chain
re-linked if unused).

Revision ID: 0008_rule_sets
Revises: 0007_import_profiles
Create Date: 2026-11-28
"""

from collections.abc import Sequence

revision: str = "0008_rule_sets"
down_revision: str | None = "0007_import_profiles"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
