"""SWIFT MT940 (customer statement) and MT942 (interim transaction report).

Hand-written instead of ``mt-940`` (5.1.1, the maintained library): it reads the whole file into one
string and matches regular expressions over it, so it reports no line numbers, and its error
handling on a broken tag is to skip or raise without position. This reader streams line by line,
knows the line of every field, and covers what Tally needs: ``:20:`` statement reference, ``:25:``
account (``BLZ/account``, IBAN, IBAN with a currency suffix), ``:28C:``, ``:60F:/:60M:`` opening
and ``:62F:/:62M:`` closing balances, ``:64:`` available balance, ``:61:`` statement lines with
their ``:86:`` information (German ``?NN`` and Dutch ``/KEY/`` structures: ``_mt940_details``), and
for MT942 ``:13D:``, ``:34F:`` and ``:90D:/:90C:``. SWIFT envelopes (``{1:...}{2:...}{4:`` ... ``-}``)
and several statements per file are handled.

``:61:`` mapping: value date YYMMDD; entry date MMDD takes the year that puts it nearest the value
date (a 2312310102 line books on 2 January 2024); marks C/D and the reversals RC (a debit) and RD (a
credit); amount with a decimal comma; transaction_id = the bank reference after ``//``; reference =
the SEPA end-to-end id from ``:86:`` when there is one, else the customer reference (``NONREF`` is
no reference). Each statement is one ``Statement``; ``:60M:``/``:62M:`` pages are statements too.
Line decoding: UTF-8 where valid, else cp1252 (German and Dutch banks use both).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from typing import BinaryIO, Literal

from tally.ingest.formats._common import (
    DEFAULT_BATCH_ROWS,
    BatchWriter,
    ExtraValue,
    clean,
    decimal_units,
    iban_is_valid,
    is_ascii_digits,
    parse_yymmdd,
)
from tally.ingest.formats._mt940_details import parse_information
from tally.ingest.formats._stream import Readable, numbered_lines
from tally.ingest.formats.errors import MalformedFileError, Position
from tally.ingest.formats.statement import ParsedStatementBatch, Statement

SwiftFormat = Literal["mt940", "mt942"]

_FIELD = re.compile(r"^:([0-9]{2}[A-Z]?|NS):(.*)$")
_ENVELOPE_START = re.compile(r"^(?:\{[0-9]:[^{}]*\})*\{4:")
_ENVELOPE_ONLY = re.compile(r"^(?:\{[0-9A-Z]+:[^{}]*(?:\{[^{}]*\})*[^{}]*\})+$")
_STATEMENT_LINE = re.compile(
    r"""^
    (?P<value_date>\d{6})
    (?P<entry_date>\d{4}|\s{4})?
    (?P<mark>R?[CD]|E[CD])
    (?P<funds>[A-Z])?
    (?P<amount>\d[\d,]*)
    (?P<type>[A-Z][A-Z0-9]{3})
    (?P<customer>(?:(?!//).)*)
    (?://(?P<bank>.*))?
    $""",
    re.VERBOSE | re.ASCII,
)
_BALANCE = re.compile(
    r"^(?P<mark>[CD])(?P<date>\d{6})(?P<currency>[A-Z]{3})(?P<amount>\d[\d,]*)$", re.ASCII
)
_FLOOR_LIMIT = re.compile(r"^(?P<currency>[A-Z]{3})(?P<mark>[CD])?(?P<amount>\d[\d,]*)$", re.ASCII)
_SUMMARY = re.compile(r"^(?P<count>\d{1,5})(?P<currency>[A-Z]{3})(?P<amount>\d[\d,]*)$", re.ASCII)
_DATE_TIME = re.compile(r"^(?P<date>\d{6})(?P<time>\d{4})(?P<zone>[+-]\d{4})?$", re.ASCII)
# Lines some banks write before each statement, outside SWIFT's envelope: their BIC and the
# message type (ABN AMRO's 'ABNANL2A' / '940' / 'ABNANL2A'), or a bare sequence number.
_PREAMBLE = re.compile(r"^(?:[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?|9[0-9]{2}|[0-9]{1,6})$", re.ASCII)
_ACCOUNT_CURRENCY = re.compile(r"^(?P<account>.+?)\s*(?P<currency>[A-Z]{3})$")
_SIGNS = {"C": 1, "D": -1, "RC": -1, "RD": 1, "EC": 1, "ED": -1}
_NO_REFERENCE = {"NONREF", "NONE", "NOTPROVIDED"}
_KNOWN = {"20", "21", "25", "28", "28C", "60F", "60M", "61", "86", "62F", "62M", "64", "65"}
_KNOWN_942 = {"13", "13D", "34F", "90C", "90D"}


def parse_mt940(
    stream: BinaryIO | Readable, *, batch_rows: int = DEFAULT_BATCH_ROWS
) -> Iterator[ParsedStatementBatch]:
    """Stream the statements of an MT940 file as record batches (see the module docstring)."""
    return _SwiftReader("mt940", BatchWriter(batch_rows)).run(stream)


def parse_mt942(
    stream: BinaryIO | Readable, *, batch_rows: int = DEFAULT_BATCH_ROWS
) -> Iterator[ParsedStatementBatch]:
    """Stream the interim reports of an MT942 file as record batches (no opening/closing balances;
    ``declared_net`` comes from ``:90C:`` minus ``:90D:``)."""
    return _SwiftReader("mt942", BatchWriter(batch_rows)).run(stream)


@dataclass
class _Field:
    tag: str
    line: int
    lines: list[str]


@dataclass
class _Line:
    """A ``:61:`` statement line waiting for its ``:86:``."""

    line: int
    amount: int
    value_date: date
    booking_date: date
    reference: str | None
    bank_reference: str | None
    extra: dict[str, ExtraValue]
    information: list[str] | None = None
    supplementary: str | None = None


@dataclass
class _Totals:
    debit_count: int = 0
    credit_count: int = 0
    debit_sum: int = 0
    credit_sum: int = 0
    seen: set[str] = field(default_factory=set)


class _SwiftReader:
    def __init__(self, kind: SwiftFormat, writer: BatchWriter) -> None:
        self.kind = kind
        self.writer = writer
        self.statement: Statement | None = None
        self.statement_line = 0
        self.statement_count = 0
        self.pending: _Line | None = None
        self.totals = _Totals()
        self.known = _KNOWN | _KNOWN_942 if kind == "mt942" else _KNOWN

    def _error(self, reason: str, line: int) -> MalformedFileError:
        return MalformedFileError(reason, Position(line=line), format=self.kind)

    def run(self, stream: BinaryIO | Readable) -> Iterator[ParsedStatementBatch]:
        current: _Field | None = None
        last_line = 0
        for number, raw in numbered_lines(stream):
            last_line = number
            text = _decode(raw)
            if text.startswith("{"):
                envelope = _ENVELOPE_START.match(text)
                if envelope:
                    text = text[envelope.end() :]
                elif _ENVELOPE_ONLY.match(text.strip()):
                    continue
            stripped = text.strip()
            if stripped in ("-", "-}") or stripped.startswith("-}"):
                if current is not None:
                    yield from self._field(current)
                    current = None
                yield from self._end_statement(number)
                continue
            if not stripped:
                continue
            if text.startswith(":"):
                match = _FIELD.match(text)
                if not match:
                    raise self._error(f"broken tag in {text.strip()[:20]!r}", number)
                if current is not None:
                    yield from self._field(current)
                current = _Field(match.group(1), number, [match.group(2)])
            elif current is None and _PREAMBLE.match(stripped):
                continue  # a bank's own header line before a statement (ABN AMRO: ABNANL2A / 940)
            elif current is None:
                raise self._error(
                    f"text {stripped[:20]!r} before the first tag (not an {self.kind} file?)",
                    number,
                )
            else:
                current.lines.append(text)
        if current is not None:
            yield from self._field(current)
        if self.statement is None and self.statement_count == 0:
            raise MalformedFileError(f"no {self.kind} statement in this file", format=self.kind)
        yield from self._end_statement(last_line + 1)

    # -- fields ----------------------------------------------------------------------------------

    def _field(self, current: _Field) -> Iterator[ParsedStatementBatch]:
        tag, line = current.tag, current.line
        value = current.lines[0].strip()
        if tag == "20":
            if self.statement is not None:
                yield from self._end_statement(line)
            self.statement = Statement(
                format=self.kind, index=self.statement_count, statement_id=clean(value)
            )
            self.statement_count += 1
            self.statement_line = line
            self.totals = _Totals()
            return
        if self.statement is None:
            raise self._error(f"field :{tag}: before the statement's :20: field", line)
        if tag != "86" and self.pending is not None:
            yield from self._flush_pending()
        if tag == "25":
            self._account(value)
        elif tag in ("28C", "28"):
            self.statement = replace(self.statement, sequence_number=clean(value))
        elif tag in ("60F", "60M"):
            amount, currency, day = self._balance(value, tag, line)
            self.statement = replace(
                self.statement, opening_balance=amount, currency=currency, from_date=day
            )
        elif tag in ("62F", "62M"):
            amount, currency, day = self._balance(value, tag, line)
            self._check_currency(currency, tag, line)
            self.statement = replace(self.statement, closing_balance=amount, to_date=day)
        elif tag == "64":
            amount, currency, _ = self._balance(value, tag, line)
            self.statement = replace(self.statement, available_balance=amount)
        elif tag == "61":
            self.pending = self._statement_line(current)
        elif tag == "86":
            if self.pending is not None and self.pending.information is None:
                self.pending.information = current.lines
            # else: statement-level information after :62F:, not about an entry
        elif tag in ("13D", "13"):
            self._date_time(value, line)
        elif tag == "34F":
            self._floor_limit(value, line)
        elif tag in ("90D", "90C"):
            self._summary(value, tag, line)
        elif tag not in self.known and tag != "NS":
            self.writer.issue(Position(line=line), f"unknown field :{tag}: ignored")

    def _account(self, value: str) -> None:
        assert self.statement is not None
        account = value.replace(" ", "") if iban_is_valid(value) else value.strip()
        bank = None
        if "/" in account:
            bank, _, account = account.partition("/")
        elif not iban_is_valid(account):
            match = _ACCOUNT_CURRENCY.match(account)
            if match and (iban_is_valid(match.group("account")) or " " in account):
                account = match.group("account")
        self.statement = replace(self.statement, account_id=clean(account), bank_id=clean(bank))

    def _balance(self, value: str, tag: str, line: int) -> tuple[int, str, date]:
        match = _BALANCE.match(value.replace(" ", ""))
        if not match:
            raise self._error(f"invalid balance :{tag}:{value!r}", line)
        position = Position(line=line)
        units = decimal_units(match["amount"], position, format=self.kind, what=f":{tag}: amount")
        day = parse_yymmdd(match["date"], position, format=self.kind)
        return (-units if match["mark"] == "D" else units), match["currency"], day

    def _check_currency(self, currency: str, tag: str, line: int) -> None:
        assert self.statement is not None
        if self.statement.currency and currency != self.statement.currency:
            raise self._error(
                f":{tag}: is in {currency}, the opening balance in {self.statement.currency}", line
            )

    def _date_time(self, value: str, line: int) -> None:
        assert self.statement is not None
        match = _DATE_TIME.match(value.replace(" ", ""))
        if not match:
            raise self._error(f"invalid date/time indication {value!r}", line)
        day = parse_yymmdd(match["date"], Position(line=line), format=self.kind)
        self.statement = replace(self.statement, to_date=day)

    def _floor_limit(self, value: str, line: int) -> None:
        assert self.statement is not None
        match = _FLOOR_LIMIT.match(value.replace(" ", ""))
        if not match:
            raise self._error(f"invalid floor limit :34F:{value!r}", line)
        if self.statement.currency is None:
            self.statement = replace(self.statement, currency=match["currency"])

    def _summary(self, value: str, tag: str, line: int) -> None:
        assert self.statement is not None
        match = _SUMMARY.match(value.replace(" ", ""))
        if not match:
            raise self._error(f"invalid entry summary :{tag}:{value!r}", line)
        units = decimal_units(match["amount"], Position(line=line), format=self.kind)
        totals = self.totals
        if tag == "90D":
            totals.debit_count, totals.debit_sum = int(match["count"]), units
        else:
            totals.credit_count, totals.credit_sum = int(match["count"]), units
        totals.seen.add(tag)
        self.statement = replace(
            self.statement,
            currency=self.statement.currency or match["currency"],
            declared_entry_count=totals.debit_count + totals.credit_count,
            declared_net=totals.credit_sum - totals.debit_sum,
        )

    def _statement_line(self, current: _Field) -> _Line:
        assert self.statement is not None
        line = current.line
        first = current.lines[0].rstrip()
        match = _STATEMENT_LINE.match(first)
        if not match:
            raise self._error(f"invalid statement line :61:{first[:40]!r}", line)
        if self.kind == "mt940" and self.statement.opening_balance is None:
            raise self._error("statement line :61: before the opening balance :60F:", line)
        position = Position(line=line)
        value_date = parse_yymmdd(match["value_date"], position, format=self.kind)
        booking_date = value_date
        entry = (match["entry_date"] or "").strip()
        if entry:
            booking_date = _nearest_entry_date(entry, value_date, position, self.kind)
        units = decimal_units(match["amount"], position, format=self.kind)
        mark = match["mark"]
        customer = clean(match["customer"])
        bank = clean(match["bank"])
        supplementary = clean(" ".join(part.strip() for part in current.lines[1:])) or None
        return _Line(
            line=line,
            amount=_SIGNS[mark] * units,
            value_date=value_date,
            booking_date=booking_date,
            reference=None if customer is None or customer.upper() in _NO_REFERENCE else customer,
            bank_reference=None if bank is None or bank.upper() in _NO_REFERENCE else bank,
            supplementary=supplementary,
            extra={
                "entry_type": match["type"],
                "funds_code": match["funds"],
                "reversal": True if mark.startswith("R") else None,
                "expected": True if mark.startswith("E") else None,
            },
        )

    def _flush_pending(self) -> Iterator[ParsedStatementBatch]:
        pending, statement = self.pending, self.statement
        assert pending is not None and statement is not None
        self.pending = None
        details = parse_information(pending.information or [])
        reference = details.reference or pending.reference
        extra = dict(pending.extra)
        extra.update(details.extra)
        extra["supplementary_details"] = pending.supplementary
        if details.reference and pending.reference and pending.reference != details.reference:
            extra["customer_reference"] = pending.reference
        self.writer.add(
            amount=pending.amount,
            booking_date=pending.booking_date,
            value_date=pending.value_date,
            currency=statement.currency,
            reference=reference,
            description=details.description or pending.supplementary,
            counterparty=details.counterparty,
            counterparty_account=details.counterparty_account,
            transaction_id=pending.bank_reference,
            extra=extra,
        )
        if self.writer.full:
            yield self.writer.cut(statement, complete=False)

    def _end_statement(self, line: int) -> Iterator[ParsedStatementBatch]:
        if self.statement is None:
            return
        if self.pending is not None:
            yield from self._flush_pending()
        statement = self.statement
        if self.kind == "mt940":
            if statement.opening_balance is None:
                raise self._error(
                    f"statement {statement.statement_id!r} has no opening balance :60F:",
                    self.statement_line,
                )
            if statement.closing_balance is None:
                raise self._error(
                    f"truncated: statement {statement.statement_id!r} has no closing balance :62F:",
                    line,
                )
        self.statement = None
        yield self.writer.cut(statement, complete=True)


def _nearest_entry_date(text: str, value_date: date, position: Position, kind: str) -> date:
    """The entry date MMDD in the year that puts it nearest the value date (year rollover)."""
    if len(text) != 4 or not is_ascii_digits(text):
        raise MalformedFileError(f"invalid entry date {text!r}", position, format=kind)
    month, day = int(text[:2]), int(text[2:])
    candidates = []
    for year in (value_date.year - 1, value_date.year, value_date.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    if not candidates:
        raise MalformedFileError(f"invalid entry date {text!r}", position, format=kind)
    return min(candidates, key=lambda candidate: abs((candidate - value_date).days))


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")
