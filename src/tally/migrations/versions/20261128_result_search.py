"""index-backed text search over job results (issue 7)

PLACEHOLDER: reserved in the revision chain; its owner fills it in (or it is removed and the chain
re-linked if unused).

Revision ID: 0009_result_search
Revises: 0008_rule_sets
Create Date: 2026-11-28
"""

from collections.abc import Sequence

revision: str = "0009_result_search"
down_revision: str | None = "0008_rule_sets"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
