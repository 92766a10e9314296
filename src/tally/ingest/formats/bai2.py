"""BAI2 cash-management balance reports (US/Canadian banks).

Hand-written instead of the ``bai2`` package (0.15.0): it raises on any type code missing from its
table, so a bank's customised 9xx codes make a whole file unreadable; it builds the whole file in
memory and its errors carry no line numbers. This reader streams logical records (a record plus its
``88`` continuations) and knows each one's first line.

Structure: ``01`` file header, ``02`` group header (as-of date, default currency), ``03`` account
identifier with summary/status items, ``16`` transaction details, ``49`` account trailer, ``98``
group trailer, ``99`` file trailer. Amounts are integers in the currency's minor unit (cents for
USD, none for JPY) without a decimal point. Detail sign comes from the type code: 100-399 and
920-959 are credits, 400-699 and 960-999 debits; other codes in a ``16`` record are an error.
Each account is one ``Statement``: opening ledger = summary code 010, closing ledger = 015,
closing available = 045. The ``49`` control total (sum of every amount in the account's 03 and 16
records) and record count are checked and reported as issues; the ``98``/``99`` trailers guard the
transmission, so a mismatch there (or a missing trailer: a truncated file) raises.

Mapping per ``16``: transaction_id = bank reference, reference = customer reference, description =
text, booking date = the group's as-of date, value date = the as-of date for immediate funds
(type 0) or the date of value-dated funds (type V).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO, Final

from tally.ingest.formats._common import (
    DEFAULT_BATCH_ROWS,
    BatchWriter,
    clean,
    int64_units,
    is_ascii_digits,
    minor_units_factor,
    parse_yymmdd,
)
from tally.ingest.formats._stream import Readable, numbered_lines
from tally.ingest.formats.errors import MalformedFileError, Position, UnsupportedFormatError
from tally.ingest.formats.statement import ParsedStatementBatch, Statement

FORMAT: Final = "bai2"
OPENING_LEDGER, CLOSING_LEDGER, CLOSING_AVAILABLE = "010", "015", "045"


def parse_bai2(
    stream: BinaryIO | Readable, *, batch_rows: int = DEFAULT_BATCH_ROWS
) -> Iterator[ParsedStatementBatch]:
    """Stream the accounts of a BAI2 file as statements of record batches."""
    return _Bai2Reader(BatchWriter(batch_rows)).run(stream)


@dataclass
class _Record:
    code: str
    line: int
    body: str  # everything after "NN,", continuations joined
    records: int  # physical records, 88s included


def _records(stream: BinaryIO | Readable) -> Iterator[_Record]:
    current: _Record | None = None
    for number, raw in numbered_lines(stream):
        text = raw.decode("latin-1").rstrip()
        if not text:
            continue
        code, comma, body = text.partition(",")
        if not comma or len(code) != 2 or not code.isdigit():
            raise MalformedFileError(
                f"invalid record {text[:20]!r} (expected a 2-digit record code and a comma)",
                Position(line=number),
                format=FORMAT,
            )
        if code == "88":
            if current is None:
                raise MalformedFileError(
                    "continuation record 88 without a record to continue",
                    Position(line=number),
                    format=FORMAT,
                )
            # A record cut after a field ("/" ends it) goes on with the next field; a text field
            # cut mid-way goes on with its next words.
            if current.body.endswith("/"):
                current.body = current.body[:-1] + "," + body
            else:
                current.body = current.body + " " + body
            current.records += 1
            continue
        if current is not None:
            yield current
        current = _Record(code, number, body, 1)
    if current is not None:
        yield current


def _fields(body: str) -> list[str]:
    """Comma-separated fields of a non-text record, its ``/`` terminator removed."""
    body = body.rstrip()
    if body.endswith("/"):
        body = body[:-1]
    return body.split(",")


@dataclass
class _Account:
    statement: Statement
    line: int
    control_total: int  # running sum of raw amounts, checked against the 49 record
    records: int


class _Bai2Reader:
    def __init__(self, writer: BatchWriter) -> None:
        self.writer = writer
        self.file_id: str | None = None
        self.as_of: date | None = None
        self.group_currency = "USD"
        self.account: _Account | None = None
        self.statement_count = 0
        self.group_open = False
        self.group_accounts = 0
        self.group_total = 0
        self.group_records = 0
        self.file_total = 0
        self.file_groups = 0
        self.file_records = 0
        self.ended = False

    def _error(self, reason: str, line: int) -> MalformedFileError:
        return MalformedFileError(reason, Position(line=line), format=FORMAT)

    def run(self, stream: BinaryIO | Readable) -> Iterator[ParsedStatementBatch]:
        first = True
        last_line = 0
        for record in _records(stream):
            last_line = record.line
            if self.ended:
                raise self._error(f"record {record.code} after the file trailer 99", record.line)
            if first:
                if record.code != "01":
                    raise self._error("a BAI2 file starts with a 01 file header", record.line)
                first = False
            self.group_records += record.records
            self.file_records += record.records
            if self.account is not None:
                self.account.records += record.records
            code = record.code
            if code == "01":
                self._file_header(record)
            elif code == "02":
                self._group_header(record)
            elif code == "03":
                self._account_header(record)
            elif code == "16":
                self._detail(record)
                if self.writer.full and self.account is not None:
                    yield self.writer.cut(self.account.statement, complete=False)
            elif code == "49":
                yield self._account_trailer(record)
            elif code == "98":
                self._group_trailer(record)
            elif code == "99":
                self._file_trailer(record)
            else:
                raise self._error(f"unknown record code {code}", record.line)
        if first:
            raise MalformedFileError("empty BAI2 file", format=FORMAT)
        if not self.ended:
            raise self._error("truncated: the file trailer 99 is missing", last_line + 1)

    # -- headers and trailers ----------------------------------------------------------------------

    def _file_header(self, record: _Record) -> None:
        if self.file_records != record.records:
            raise self._error("a second file header 01", record.line)
        fields = _fields(record.body)
        if len(fields) < 8:
            raise self._error("file header 01 has fewer than 8 fields", record.line)
        version = fields[7].strip()
        if version != "2":
            raise UnsupportedFormatError(
                f"BAI version {version!r} is not supported (only BAI2)",
                Position(line=record.line),
                format=FORMAT,
            )
        self.file_id = clean(fields[4])

    def _group_header(self, record: _Record) -> None:
        if self.group_open:
            raise self._error("group header 02 inside an open group (98 missing)", record.line)
        fields = _fields(record.body)
        if len(fields) < 4:
            raise self._error("group header 02 has fewer than 4 fields", record.line)
        self.as_of = parse_yymmdd(fields[3].strip(), Position(line=record.line), format=FORMAT)
        currency = fields[5].strip().upper() if len(fields) > 5 else ""
        self.group_currency = currency or "USD"
        self.group_open = True
        self.group_accounts = 0
        self.group_total = 0
        self.group_records = record.records

    def _account_header(self, record: _Record) -> None:
        if not self.group_open:
            raise self._error("account identifier 03 outside a group", record.line)
        if self.account is not None:
            raise self._error("account identifier 03 before the previous account's 49", record.line)
        fields = _fields(record.body)
        currency = (fields[1].strip().upper() if len(fields) > 1 else "") or self.group_currency
        factor = minor_units_factor(currency)
        balances: dict[str, int] = {}
        control = 0
        rest = fields[2:]
        position = Position(line=record.line)
        while rest and any(part.strip() for part in rest):
            type_code, amount_text = rest[0].strip(), rest[1].strip() if len(rest) > 1 else ""
            funds = rest[3].strip().upper() if len(rest) > 3 else ""
            rest = _skip_availability(rest[4:], funds, position)
            if not amount_text:
                continue
            amount = _integer(amount_text, position, "summary amount")
            control += amount
            balances.setdefault(type_code, int64_units(amount * factor, position, format=FORMAT))
        statement = Statement(
            format=FORMAT,
            index=self.statement_count,
            statement_id=self.file_id,
            account_id=clean(fields[0]),
            currency=currency,
            opening_balance=balances.get(OPENING_LEDGER),
            closing_balance=balances.get(CLOSING_LEDGER),
            available_balance=balances.get(CLOSING_AVAILABLE),
            from_date=self.as_of,
            to_date=self.as_of,
        )
        self.statement_count += 1
        self.group_accounts += 1
        self.account = _Account(statement, record.line, control, record.records)

    def _account_trailer(self, record: _Record) -> ParsedStatementBatch:
        account = self.account
        if account is None:
            raise self._error("account trailer 49 without an account identifier 03", record.line)
        fields = _fields(record.body)
        position = Position(line=record.line)
        if len(fields) < 2:
            raise self._error("account trailer 49 has fewer than 2 fields", record.line)
        declared_total = _integer(fields[0].strip(), position, "account control total")
        declared_records = _integer(fields[1].strip(), position, "number of records")
        if declared_total != account.control_total:
            self.writer.issue(
                position,
                f"account control total is {declared_total}, the amounts add up to "
                f"{account.control_total}",
            )
        if declared_records != account.records:
            self.writer.issue(
                position,
                f"account trailer declares {declared_records} records, the account has "
                f"{account.records}",
            )
        self.group_total += declared_total
        self.account = None
        return self.writer.cut(account.statement, complete=True)

    def _group_trailer(self, record: _Record) -> None:
        if not self.group_open or self.account is not None:
            raise self._error("group trailer 98 without an open group or before 49", record.line)
        fields = _fields(record.body)
        position = Position(line=record.line)
        numbers = [_integer(part.strip(), position, "group trailer field") for part in fields[:3]]
        if len(numbers) < 3:
            raise self._error("group trailer 98 has fewer than 3 fields", record.line)
        expected = (self.group_total, self.group_accounts, self.group_records)
        names = ("control total", "number of accounts", "number of records")
        for name, declared, actual in zip(names, numbers, expected, strict=True):
            if declared != actual:
                raise self._error(
                    f"group trailer {name} is {declared}, the group has {actual}", record.line
                )
        self.group_open = False
        self.file_total += self.group_total
        self.file_groups += 1

    def _file_trailer(self, record: _Record) -> None:
        if self.group_open:
            raise self._error("file trailer 99 inside an open group (98 missing)", record.line)
        fields = _fields(record.body)
        position = Position(line=record.line)
        numbers = [_integer(part.strip(), position, "file trailer field") for part in fields[:3]]
        if len(numbers) < 3:
            raise self._error("file trailer 99 has fewer than 3 fields", record.line)
        expected = (self.file_total, self.file_groups, self.file_records)
        names = ("control total", "number of groups", "number of records")
        for name, declared, actual in zip(names, numbers, expected, strict=True):
            if declared != actual:
                raise self._error(
                    f"file trailer {name} is {declared}, the file has {actual}", record.line
                )
        self.ended = True

    # -- details -----------------------------------------------------------------------------------

    def _detail(self, record: _Record) -> None:
        account = self.account
        if account is None:
            raise self._error("transaction detail 16 outside an account", record.line)
        position = Position(line=record.line)
        head = record.body.split(",", 3)
        if len(head) < 4:
            raise self._error("transaction detail 16 has fewer than 4 fields", record.line)
        type_code, amount_text, funds = head[0].strip(), head[1].strip(), head[2].strip().upper()
        sign = _detail_sign(type_code, position)
        raw_amount = _integer(amount_text or "0", position, "amount")
        if raw_amount < 0:
            raise self._error(
                "detail amounts are unsigned; the type code gives the sign", record.line
            )
        account.control_total += raw_amount
        rest = head[3]
        value_date: date | None = self.as_of if funds == "0" else None
        extra_fields = {"S": 3, "V": 2}.get(funds, 0)
        if funds == "D":
            count_text, _, rest = rest.partition(",")
            count = _integer(count_text.strip() or "0", position, "distribution count")
            extra_fields = 2 * count
        parts = rest.split(",", extra_fields) if extra_fields else [rest]
        if len(parts) <= extra_fields:
            raise self._error(f"funds type {funds} details are incomplete", record.line)
        if funds == "V" and parts[0].strip():
            value_date = parse_yymmdd(parts[0].strip(), position, format=FORMAT)
        tail = parts[-1].split(",", 2)
        bank_reference = clean(tail[0]) if tail else None
        customer_reference = clean(tail[1]) if len(tail) > 1 else None
        text = tail[2] if len(tail) > 2 else ""
        text = text.rstrip()
        if text.endswith("/"):
            text = text[:-1]
        statement = account.statement
        amount = int64_units(
            sign * raw_amount * minor_units_factor(statement.currency), position, format=FORMAT
        )
        self.writer.add(
            amount=amount,
            booking_date=self.as_of,
            value_date=value_date,
            currency=statement.currency,
            reference=_without_slash(customer_reference),
            description=clean(text),
            transaction_id=_without_slash(bank_reference),
            extra={"type_code": type_code, "funds_type": funds or None},
        )


def _without_slash(value: str | None) -> str | None:
    if value is None:
        return None
    return clean(value.rstrip("/"))


def _detail_sign(type_code: str, position: Position) -> int:
    if len(type_code) != 3 or not is_ascii_digits(type_code):
        raise MalformedFileError(f"invalid type code {type_code!r}", position, format=FORMAT)
    number = int(type_code)
    if 100 <= number <= 399 or 920 <= number <= 959:
        return 1
    if 400 <= number <= 699 or 960 <= number <= 999:
        return -1
    raise MalformedFileError(
        f"type code {type_code} is not a credit or debit detail code", position, format=FORMAT
    )


def _skip_availability(rest: list[str], funds: str, position: Position) -> list[str]:
    """The summary items after one item's funds-availability fields."""
    if funds == "S":
        return rest[3:]
    if funds == "V":
        return rest[2:]
    if funds == "D":
        count = _integer((rest[0] if rest else "0").strip() or "0", position, "distribution count")
        return rest[1 + 2 * count :]
    return rest


def _integer(text: str, position: Position, what: str) -> int:
    body = text[1:] if text[:1] in "+-" else text
    if not body or not is_ascii_digits(body):
        raise MalformedFileError(f"{what} {text!r} is not an integer", position, format=FORMAT)
    return int(text)
