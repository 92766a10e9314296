"""Small helpers shared by the statement-format tests."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow.compute as pc

from tally.ingest.formats import BalanceCheck, ParsedStatementBatch, Statement, check_balance
from tally.ingest.records import RECORD_SCHEMA

FIXTURES = Path(__file__).parent / "fixtures"
# shared/ sits beside the repository, in development and in CI alike (see its MANIFEST.md).
SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "bank-samples"

Parser = Callable[..., Iterator[ParsedStatementBatch]]


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def parse_bytes(parser: Parser, data: bytes, **kwargs: Any) -> list[ParsedStatementBatch]:
    batches = list(parser(io.BytesIO(data), **kwargs))
    for batch in batches:
        assert batch.records.schema == RECORD_SCHEMA
    return batches


def rows(batches: list[ParsedStatementBatch], *, keep_hash: bool = False) -> list[dict[str, Any]]:
    out = []
    for batch in batches:
        for row in batch.records.to_pylist():
            if not keep_hash:
                row.pop("row_hash")
            out.append(row)
    return out


def statements(batches: list[ParsedStatementBatch]) -> list[Statement]:
    return [batch.statement for batch in batches if batch.complete]


def balance_checks(batches: list[ParsedStatementBatch]) -> list[BalanceCheck]:
    sums: dict[int, int] = {}
    checks = []
    for batch in batches:
        index = batch.statement.index
        sums[index] = sums.get(index, 0) + (pc.sum(batch.records["amount"]).as_py() or 0)
        if batch.complete:
            checks.append(check_balance(batch.statement, sums[index]))
    return checks


def issues(batches: list[ParsedStatementBatch]) -> list[str]:
    return [issue.reason for batch in batches for issue in batch.errors]
