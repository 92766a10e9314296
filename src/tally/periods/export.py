"""The reconciliation statement as an XLSX workbook, written with the results export's cell rules
(typed numbers and dates, text escaped against formula injection)."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from typing import Any

from fastapi.responses import Response

from tally.periods.schemas import (
    CurrencyStatement,
    ReconciliationStatement,
    StatementSection,
    WriteOffSection,
)
from tally.results.export import XLSX_MEDIA_TYPE, xlsx_cell


def statement_filename(statement: ReconciliationStatement, extension: str) -> str:
    return (
        f"tally-reconciliation-{statement.reconciliation_id}-"
        f"{statement.as_of_date.isoformat()}.{extension}"
    )


def statement_rows(statement: ReconciliationStatement) -> Iterator[list[Any]]:
    """The statement as rows: per currency, the summary then each section's lines (amounts as
    Decimals, so the sheet holds the exact figures)."""
    yield ["Reconciliation statement", statement.reconciliation_id]
    yield ["As of", statement.as_of_date]
    if statement.signed_off is not None:
        yield ["Signed off", statement.signed_off.signed_at.isoformat()]
    for section in statement.currencies:
        yield from _currency(statement, section)


def _currency(
    statement: ReconciliationStatement, section: CurrencyStatement
) -> Iterator[list[Any]]:
    """One currency's summary and its lines (amounts of different currencies never share a
    total)."""
    yield []
    yield ["Currency", section.currency or "none named"]
    yield ["Statement balance", section.statement_balance, section.statement_balance_basis]
    yield ["Less: open statement items", section.open_statement_items.amount]
    yield ["Plus: open ledger items", section.open_ledger_items.amount]
    yield ["Adjusted statement balance", section.adjusted_statement_balance]
    yield ["Ledger balance", section.ledger_balance, section.ledger_balance_basis]
    yield ["Plus: statement write-offs", section.statement_write_offs.amount]
    yield ["Less: ledger write-offs", section.ledger_write_offs.amount]
    yield ["Adjusted ledger balance", section.adjusted_ledger_balance]
    yield ["Unexplained difference", section.difference]
    code = section.currency or ""
    yield from _section(
        f"Open items of {statement.statement_source} {code}".rstrip(),
        section.open_statement_items,
    )
    yield from _section(
        f"Open items of {statement.ledger_source} {code}".rstrip(), section.open_ledger_items
    )
    yield from _write_offs(f"Statement write-offs {code}".rstrip(), section.statement_write_offs)
    yield from _write_offs(f"Ledger write-offs {code}".rstrip(), section.ledger_write_offs)


def _section(title: str, section: StatementSection) -> Iterator[list[Any]]:
    yield []
    yield [title, section.count, section.amount]
    yield ["record", "date", "reference", "description", "amount", "exception", "status"]
    for line in section.lines:
        status = line.resolution or line.exception_status
        yield [
            line.record_id,
            line.booking_date,
            line.reference,
            line.description,
            line.amount,
            line.exception_id,
            status,
        ]


def _write_offs(title: str, section: WriteOffSection) -> Iterator[list[Any]]:
    yield []
    yield [title, section.count, section.amount]
    yield ["write-off", "record", "date", "amount", "reason", "account"]
    for line in section.lines:
        yield [
            line.write_off_id,
            line.record_id,
            line.booking_date,
            line.amount,
            line.reason,
            line.account,
        ]


def statement_xlsx(statement: ReconciliationStatement) -> bytes:
    """A one-sheet workbook of the statement (small: open items and write-offs only)."""
    from openpyxl import Workbook  # imported when a workbook is written (results.export)

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Statement")
    for row in statement_rows(statement):
        sheet.append([xlsx_cell(value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


async def statement_download(statement: ReconciliationStatement) -> Response:
    """The XLSX download of a statement, for the API and the web page alike."""
    body = await asyncio.to_thread(statement_xlsx, statement)
    name = statement_filename(statement, "xlsx")
    return Response(
        body,
        media_type=XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
