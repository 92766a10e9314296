"""exception reasons can be deactivated: kept on the exceptions that carry them, no longer offered;
signed statements are stored one section per currency (``currencies``), as the API now reads them

Revision ID: 0029_simulation
Revises: 0028_numbering
Create Date: 2026-12-07
"""

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0029_simulation"
down_revision: str | None = "0028_numbering"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# The statement's figures that became one currency's section.
SECTION_FIELDS = (
    "statement_balance",
    "statement_balance_basis",
    "ledger_balance",
    "ledger_balance_basis",
    "open_statement_items",
    "open_ledger_items",
    "statement_write_offs",
    "ledger_write_offs",
    "adjusted_statement_balance",
    "adjusted_ledger_balance",
    "difference",
)


def statement_per_currency(statement: dict[str, Any]) -> dict[str, Any]:
    """A statement signed before currencies had sections, as one section in its currency."""
    if "currencies" in statement:
        return statement
    converted = {k: v for k, v in statement.items() if k not in SECTION_FIELDS}
    section = {k: statement[k] for k in SECTION_FIELDS if k in statement}
    parts = [section.get(name) for name in ("open_statement_items", "open_ledger_items")]
    section["currency"] = next(
        (part["currency"] for part in parts if isinstance(part, dict) and part.get("currency")),
        None,
    )
    difference = section.get("difference")
    converted["currencies"] = [section]
    converted["balanced"] = (
        section.get("statement_balance") is not None
        and difference is not None
        and Decimal(str(difference)) == 0
    )
    return converted


def upgrade() -> None:
    with op.batch_alter_table("exception_reason", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, statement FROM period_signoff")).all()
    for row_id, stored in rows:
        statement = json.loads(stored) if isinstance(stored, str) else stored
        converted = statement_per_currency(statement)
        if converted is not statement:
            connection.execute(
                sa.text(
                    "UPDATE period_signoff SET statement = :statement WHERE id = :id"
                ).bindparams(sa.bindparam("statement", type_=sa.JSON)),
                {"statement": converted, "id": row_id},
            )


def downgrade() -> None:
    with op.batch_alter_table("exception_reason", schema=None) as batch_op:
        batch_op.drop_column("active")
