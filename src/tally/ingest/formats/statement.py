"""What every statement parser yields: record batches tagged with their statement, and the balance check.

A file holds one or more statements (CAMT ``Stmt``/``Rpt``/``Ntfctn``, MT940 ``:20:`` blocks, OFX
``STMTRS``, BAI2 accounts). Parsers yield ``ParsedStatementBatch`` objects; a batch never spans two
statements, and the last batch of each statement has ``complete=True`` (it may hold zero rows, so a
statement without entries still reports its balances). ``statement`` is the metadata known when the
batch was cut: formats that put balances after the entries (MT940, OFX) fill them in by the last batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

import pyarrow as pa

from tally.ingest.formats.errors import Issue

StatementFormat = Literal["ofx", "camt.053", "camt.052", "camt.054", "mt940", "mt942", "bai2"]


@dataclass(frozen=True, slots=True)
class Statement:
    """Metadata of one statement. Balances are integer units of 1/10,000 (``tally.money``)."""

    format: StatementFormat
    index: int  # 0-based position of the statement in its file
    statement_id: str | None = None  # CAMT Stmt/Id, MT940 :20:, BAI2 file id; OFX has none
    sequence_number: str | None = None  # CAMT ElctrncSeqNb/LglSeqNb, MT940 :28C:
    account_id: str | None = None  # the IBAN when the file has one, else the bank's account number
    bank_id: str | None = None  # BIC, BLZ, OFX BANKID
    currency: str | None = None
    opening_balance: int | None = None
    closing_balance: int | None = None
    available_balance: int | None = None
    from_date: date | None = None
    to_date: date | None = None
    entry_count: int = 0  # records yielded for this statement (so far; all of them once complete)
    # What the file itself declares about its entries, when it does (CAMT TxsSummry, MT942 :90C:/:90D:).
    declared_entry_count: int | None = None
    declared_net: int | None = None


@dataclass(frozen=True, slots=True)
class ParsedStatementBatch:
    """Rows of one statement with exactly ``RECORD_SCHEMA``, plus non-fatal issues found in them."""

    records: pa.RecordBatch
    statement: Statement
    complete: bool  # the statement's last batch: its metadata and entry_count are final
    errors: tuple[Issue, ...] = field(default=())


BalanceStatus = Literal["balanced", "unbalanced", "unverifiable"]


@dataclass(frozen=True, slots=True)
class BalanceCheck:
    """Result of checking that a statement's entries explain its balances, in exact integer units.

    ``basis`` is ``"balances"`` when the statement has opening and closing balances (opening + sum ==
    closing), ``"declared_net"`` when it only declares the net of its entries (MT942 :90C:/:90D:,
    CAMT TxsSummry), ``"none"`` when it declares neither (OFX has no opening balance).
    ``difference`` is expected movement minus ``entries_sum``: 0 when balanced.
    """

    statement_index: int
    statement_id: str | None
    status: BalanceStatus
    basis: Literal["balances", "declared_net", "none"]
    entries_sum: int
    opening_balance: int | None
    closing_balance: int | None
    expected_movement: int | None
    difference: int | None

    @property
    def balanced(self) -> bool:
        return self.status == "balanced"


def check_balance(statement: Statement, entries_sum: int) -> BalanceCheck:
    """Check opening + sum(entries) == closing for one statement; report the exact difference.

    ``entries_sum`` is the sum of the ``amount`` column over all the statement's batches. An
    unbalanced statement is a finding to show the user, never an exception.
    """
    opening, closing = statement.opening_balance, statement.closing_balance
    if opening is not None and closing is not None:
        basis: Literal["balances", "declared_net", "none"] = "balances"
        expected: int | None = closing - opening
    elif statement.declared_net is not None:
        basis, expected = "declared_net", statement.declared_net
    else:
        basis, expected = "none", None
    if expected is None:
        status: BalanceStatus = "unverifiable"
        difference = None
    else:
        difference = expected - entries_sum
        status = "balanced" if difference == 0 else "unbalanced"
    return BalanceCheck(
        statement_index=statement.index,
        statement_id=statement.statement_id,
        status=status,
        basis=basis,
        entries_sum=entries_sum,
        opening_balance=opening,
        closing_balance=closing,
        expected_movement=expected,
        difference=difference,
    )


def with_entry_count(statement: Statement, entry_count: int) -> Statement:
    """The same statement metadata with an updated record count."""
    return replace(statement, entry_count=entry_count)
