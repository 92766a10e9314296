"""Small helpers for the ingest engine tests: in-memory files through preflight and parse."""

from __future__ import annotations

import io
from typing import Any

from tally.ingest.batches import ParseResult, collect
from tally.ingest.csv_reader import parse_csv
from tally.ingest.options import ParseOptions
from tally.ingest.preflight import PreflightResult, preflight


def parse_bytes(data: bytes, options: ParseOptions, **kwargs: Any) -> ParseResult:
    return collect(parse_csv(io.BytesIO(data), options, **kwargs))


def preflight_and_parse(data: bytes, **hints: Any) -> tuple[PreflightResult, ParseResult]:
    result = preflight(data, complete=True, **hints)
    return result, parse_bytes(data, result.options)


def column(result: ParseResult, name: str) -> list[Any]:
    return result.records.column(name).to_pylist()
