"""a faster result write for large jobs (issue 4)

PLACEHOLDER: reserved in the revision chain; its owner fills it in (or it is removed and the chain
re-linked if unused).

Revision ID: 0010_result_write
Revises: 0009_result_search
Create Date: 2026-11-28
"""

from collections.abc import Sequence

revision: str = "0010_result_write"
down_revision: str | None = "0009_result_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
