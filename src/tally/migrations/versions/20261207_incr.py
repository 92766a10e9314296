"""a reconciliation keeps its running totals per currency (an incremental job of a side in
several currencies then keeps its per-currency figures)

Revision ID: 0030_incr
Revises: 0029_simulation
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030_incr"
down_revision: str | None = "0029_simulation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # NULL on existing reconciliations: their split is not known until their next full job.
    with op.batch_alter_table(
        "reconciliation", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.add_column(sa.Column("left_currency_totals", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("right_currency_totals", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table(
        "reconciliation", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.drop_column("right_currency_totals")
        batch_op.drop_column("left_currency_totals")
