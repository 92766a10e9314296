"""Detection's work on a wide file does not grow with its number of money columns: the search
for a running balance tried every pair of columns against every other column (a 300-column CSV
of numbers, well under TALLY_MAX_COLUMNS, kept preflight busy for minutes)."""

from __future__ import annotations

from typing import Any

import pytest

from tally.ingest import money_columns
from tally.ingest.preflight import preflight


def _numbers(columns: int, rows: int = 4) -> bytes:
    lines = [",".join(f"c{n}" for n in range(columns))]
    lines += [",".join(f"{n + row}.50" for n in range(columns)) for row in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def _balance_checks(monkeypatch: pytest.MonkeyPatch, columns: int) -> int:
    calls = 0
    real = money_columns._balance_credit

    def counting(*args: Any) -> int | None:
        nonlocal calls
        calls += 1
        return real(*args)

    monkeypatch.setattr(money_columns, "_balance_credit", counting)
    preflight(_numbers(columns), complete=True)
    return calls


def test_running_balance_search_is_bounded_in_the_number_of_columns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    narrow, wide = _balance_checks(monkeypatch, 40), _balance_checks(monkeypatch, 80)
    assert narrow > 0  # the search ran
    assert wide == narrow
