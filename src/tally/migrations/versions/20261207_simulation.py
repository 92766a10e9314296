"""exception reasons can be deactivated: kept on the exceptions that carry them, no longer offered

Revision ID: 0029_simulation
Revises: 0025_webhooks
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029_simulation"
down_revision: str | None = "0025_webhooks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("exception_reason", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("exception_reason", schema=None) as batch_op:
        batch_op.drop_column("active")
