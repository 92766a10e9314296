"""A statement signed before currencies had sections still reads after the upgrade: revision
0029 stores it as one section in its currency."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from tally.periods.schemas import ReconciliationStatement

MIGRATION = (
    Path(__file__).resolve().parents[2] / "src/tally/migrations/versions/20261207_simulation.py"
)


def _migration() -> Any:
    spec = importlib.util.spec_from_file_location("simulation_migration", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _section(count: int, amount: str) -> dict[str, Any]:
    return {"count": count, "amount": amount, "currency": "EUR", "lines": []}


SIGNED_BEFORE = {
    "reconciliation_id": 3,
    "as_of_date": "2026-11-30",
    "statement_source": "bank.csv",
    "ledger_source": "ledger.csv",
    "statement_balance": "1200.50",
    "statement_balance_basis": "entered",
    "ledger_balance": "1180.50",
    "ledger_balance_basis": "ledger records booked up to the date",
    "ledger_sign": 1,
    "open_statement_items": _section(1, "-20.00"),
    "open_ledger_items": _section(0, "0.00"),
    "statement_write_offs": _section(0, "0.00"),
    "ledger_write_offs": _section(0, "0.00"),
    "adjusted_statement_balance": "1180.50",
    "adjusted_ledger_balance": "1180.50",
    "difference": "0.00",
    "signed_off": None,
}


def test_an_old_signed_statement_becomes_one_currency_section() -> None:
    converted = _migration().statement_per_currency(dict(SIGNED_BEFORE))
    statement = ReconciliationStatement.model_validate(converted)
    assert statement.balanced
    [section] = statement.currencies
    assert section.currency == "EUR"
    assert str(section.statement_balance) == "1200.50"
    assert section.open_statement_items.count == 1
    assert str(section.difference) == "0.00"
    again = _migration().statement_per_currency(converted)
    assert again is converted  # a statement already in sections is left as it is
